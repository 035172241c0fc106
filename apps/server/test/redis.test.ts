import { testEnv } from "@dlsms/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMinutes, startTestServer, type TestServer } from "./helpers";

// With REDIS_URL set (CI), the server chooses Redis for cache and bus. Only this file uses Redis:
// pub/sub channels are shared by every process on that Redis, so parallel files stay in-process.
describe.skipIf(!testEnv.REDIS_URL)("server on Redis backends", () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer({ REDIS_URL: testEnv.REDIS_URL ?? "" });
  });
  afterAll(() => ts?.stop());

  it("reports redis cache and bus, both up", async () => {
    const res = await fetch(`${ts.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      ok: true,
      cache: "up",
      bus: "up",
      backends: { cache: "redis", bus: "redis" },
    });
  });

  it("a booking shows up in the cached branch counts at once", async () => {
    const { token } = await ts.client().auth.login.mutate({ studentId: "S2021004", password: "password123" });
    const client = ts.client(token);
    const before = await client.branches.list.query();
    const science = before.find((b) => b.name === "Science Library");
    // Starts now-ish so it counts against "free now"; the 5 min past tolerance covers the trip.
    const start = new Date();
    await client.reservations.create.mutate({
      seatId: 31,
      startTime: start.toISOString(),
      endTime: addMinutes(start, 60).toISOString(),
    });
    const after = await client.branches.list.query();
    expect(after.find((b) => b.name === "Science Library")?.availableNow).toBe(
      (science?.availableNow ?? 0) - 1,
    );
  });
});
