import { SAMPLE_SEATS } from "@dlsms/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./helpers";

// Acceptance 1: health, the sample login, branch counts and exact seat filters over real HTTP.
let ts: TestServer;
let token: string;
beforeAll(async () => {
  ts = await startTestServer();
  ({ token } = await ts.client().auth.login.mutate({ studentId: "S2021002", password: "password123" }));
});
afterAll(() => ts?.stop());

const branchIds: Record<string, number> = {
  "Main Library": 1,
  "Science Library": 2,
  "Engineering Library": 3,
};

describe("discovery over HTTP", () => {
  it("GET /healthz is 200 with every backend up", async () => {
    const res = await fetch(`${ts.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    expect(await res.json()).toMatchObject({ ok: true, db: "up", cache: "up", bus: "up" });
  });

  it("the health procedure answers on /trpc too", async () => {
    expect(await ts.client().health.query()).toMatchObject({ ok: true });
  });

  it("S2021001 / password123 logs in as Alice Johnson", async () => {
    const { token, user } = await ts.client().auth.login.mutate({
      studentId: "S2021001",
      password: "password123",
    });
    expect(user).toMatchObject({ studentId: "S2021001", name: "Alice Johnson", role: "student" });
    expect(await ts.client(token).auth.me.query()).toMatchObject({ name: "Alice Johnson" });
  });

  it("branches.list shows Main 25, Science 12, Engineering 13, all free", async () => {
    const branches = await ts.client(token).branches.list.query();
    const counts = Object.fromEntries(branches.map((b) => [b.name, [b.seatCount, b.availableNow]]));
    expect(counts).toEqual({
      "Main Library": [25, 25],
      "Science Library": [12, 12],
      "Engineering Library": [13, 13],
    });
  });

  it("headline filter counts are exact", async () => {
    const c = ts.client(token);
    expect(await c.seats.list.query({})).toHaveLength(50);
    expect(await c.seats.list.query({ branch: "Main Library" })).toHaveLength(25);
    expect(await c.seats.list.query({ hasPower: true })).toHaveLength(41);
    expect(await c.seats.list.query({ hasMonitor: true })).toHaveLength(21);
    expect(await c.seats.list.query({ branch: "Main Library", area: "Silent Study Zone" })).toHaveLength(15);
  });

  // Every combination, compared id by id with the seed data, so no filter is silently ignored.
  const combos: { branch?: string; area?: string; hasPower?: boolean; hasMonitor?: boolean }[] = [
    { branch: "Science Library" },
    { branch: "Engineering Library", hasMonitor: true },
    { branch: "Main Library", hasPower: false },
    { area: "Reading Room", hasPower: true },
    { area: "Computer Lab" },
    { branch: "Main Library", area: "Group Study Zone", hasPower: true, hasMonitor: true },
    { hasPower: true, hasMonitor: false },
    { branch: "Science Library", area: "Silent Study Zone" },
  ];
  for (const filter of combos) {
    it(`seats.list ${JSON.stringify(filter)} returns exactly the matching seats`, async () => {
      const seats = await ts.client(token).seats.list.query(filter);
      const expected = SAMPLE_SEATS.filter(
        (s) =>
          (filter.branch === undefined || s.branchId === branchIds[filter.branch]) &&
          (filter.area === undefined || s.area === filter.area) &&
          (filter.hasPower === undefined || s.hasPower === filter.hasPower) &&
          (filter.hasMonitor === undefined || s.hasMonitor === filter.hasMonitor),
      ).map((s) => s.id);
      expect(seats.map((s) => s.id).sort((a, b) => a - b)).toEqual(expected);
      for (const seat of seats) expect(seat.available).toBe(true);
    });
  }

  it("serves something for / (the SPA, or the how-to-build page) and JSON for unknown /api paths", async () => {
    const home = await fetch(`${ts.url}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get("content-type")).toMatch(/text\/html/);
    const api = await fetch(`${ts.url}/api/definitely-not-a-route`);
    expect(api.status).toBeGreaterThanOrEqual(400);
    expect(api.headers.get("content-type")).toMatch(/application\/json/);
  });
});
