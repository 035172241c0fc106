import { signToken } from "@dlsms/api";
import { reservationSeries, reservations } from "@dlsms/db";
import { count, eq, inArray } from "@dlsms/db/drizzle";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postJson, registerStudents, startTestServer, TEST_JWT_SECRET, type TestServer } from "./helpers";

// Acceptance 1 of issue 22 through a real server, over tRPC HTTP: weekly series. The library's
// zone is Asia/Tokyo (UTC+9, no daylight saving), and the slots start at 20:00 UTC, 05:00 the
// next day in Tokyo: a refusal must name the library's date, not UTC's.
const ZONE_OFFSET_MS = 9 * 3_600_000;
const DAY_MS = 24 * 3_600_000;
const WEEK_MS = 7 * DAY_MS;

let ts: TestServer;
let students: string[];
let staffToken: string;
beforeAll(async () => {
  ts = await startTestServer({ LIBRARY_TIMEZONE: "Asia/Tokyo" });
  students = await registerStudents(ts, "SERIES", 24);
  staffToken = (
    await signToken(
      { id: 11, studentId: "ADMIN001", name: "Library Admin", role: "admin" },
      TEST_JWT_SECRET,
      1,
    )
  ).token;
}, 120_000);
afterAll(() => ts?.stop());

let next = 0;
const student = () => students[next++] as string;

/** `days` days from now at 20:00 UTC (05:00 the next day in the library's zone). */
function slotStart(days: number): Date {
  const d = new Date(Date.now() + days * DAY_MS);
  d.setUTCHours(20, 0, 0, 0);
  return d;
}
const libraryDate = (d: Date) => new Date(d.getTime() + ZONE_OFFSET_MS).toISOString().slice(0, 10);
const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);

function call(path: string, token: string, input: unknown) {
  return postJson(`${ts.url}/trpc/${path}`, JSON.stringify(input), { authorization: `Bearer ${token}` });
}
function createSeries(token: string, seatId: number, start: Date, hours: number, weeks: number) {
  return call("reservations.createSeries", token, {
    seatId,
    startTime: start.toISOString(),
    endTime: plus(start, hours * 3_600_000).toISOString(),
    weeks,
  });
}
function book(token: string, seatId: number, start: Date, hours: number) {
  return call("reservations.create", token, {
    seatId,
    startTime: start.toISOString(),
    endTime: plus(start, hours * 3_600_000).toISOString(),
  });
}
const data = (body: string) => JSON.parse(body).result.data;
const error = (body: string) => JSON.parse(body).error as { message: string; data: { code: string } };

async function rowsOnSeat(seatId: number) {
  return ts.database.db.select().from(reservations).where(eq(reservations.seatId, seatId));
}
async function totals() {
  const [r] = await ts.database.db.select({ n: count() }).from(reservations);
  const [s] = await ts.database.db.select({ n: count() }).from(reservationSeries);
  return { reservations: r?.n, series: s?.n };
}

describe("weekly series over tRPC HTTP", () => {
  it("a 3-week series books 3 reservations a week apart, each naming the series", async () => {
    const token = student();
    const start = slotStart(1);
    const res = await createSeries(token, 1, start, 2, 3);
    expect(res.status).toBe(200);
    const { seriesId, reservations: weeks } = data(res.body);
    expect(weeks.map((w: { startTime: string }) => w.startTime)).toEqual(
      [0, 1, 2].map((k) => plus(start, k * WEEK_MS).toISOString()),
    );
    expect(weeks.every((w: { seriesId: number }) => w.seriesId === seriesId)).toBe(true);
    const rows = await rowsOnSeat(1);
    expect(rows.map((r) => r.seriesId)).toEqual([seriesId, seriesId, seriesId]);
    const mine = await ts.client(token).reservations.mine.query({ upcomingOnly: true });
    expect(mine.map((r) => r.seriesId)).toEqual([seriesId, seriesId, seriesId]);
    // REST's reservation rows carry it too (an extra field the original's clients ignore).
    const rest = await fetch(`${ts.url}/api/reservations/mine`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const list = (await rest.json()) as { reservations: { series_id: number | null }[] };
    expect(list.reservations.map((r) => r.series_id)).toEqual([seriesId, seriesId, seriesId]);
  });

  it("with week 2 taken by someone else: 409 CONFLICT naming that (library) date, and nothing is booked", async () => {
    const start = slotStart(2);
    const weekTwo = plus(start, WEEK_MS);
    expect((await book(student(), 2, plus(weekTwo, 30 * 60_000), 1)).status).toBe(200);
    const before = await totals();
    const res = await createSeries(student(), 2, start, 2, 3);
    expect(res.status).toBe(409);
    expect(error(res.body).data.code).toBe("CONFLICT");
    expect(error(res.body).message).toContain(`Week 2 of the series (${libraryDate(weekTwo)})`);
    expect(libraryDate(weekTwo)).not.toBe(weekTwo.toISOString().slice(0, 10));
    expect(await totals()).toEqual(before);
  });

  it("10 concurrent series on the same seat and time (different students): exactly one succeeds, the rest CONFLICT, no partial rows", async () => {
    const start = slotStart(3);
    const tokens = Array.from({ length: 10 }, student);
    const results = await Promise.all(tokens.map((t) => createSeries(t, 3, start, 1, 3)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(9);
    for (const r of results.filter((x) => x.status === 409)) expect(error(r.body).data.code).toBe("CONFLICT");
    const winner = data(results.find((r) => r.status === 200)?.body ?? "{}");
    const rows = await rowsOnSeat(3);
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.seriesId === winner.seriesId)).toBe(true);
    const [series] = await ts.database.db
      .select({ n: count() })
      .from(reservationSeries)
      .where(inArray(reservationSeries.userId, [...new Set(rows.map((r) => r.userId))]));
    expect(series?.n).toBe(1);
    expect(await ts.database.db.select({ n: count() }).from(reservationSeries)).toEqual([{ n: 2 }]);
  });

  it("weeks 1 and 9 (SERIES_MAX_WEEKS is 8) and bad input are 400 and change nothing", async () => {
    const token = student();
    const start = slotStart(4);
    const before = await totals();
    for (const weeks of [1, 9]) {
      const res = await createSeries(token, 4, start, 1, weeks);
      expect(res.status).toBe(400);
      expect(error(res.body).data.code).toBe("BAD_REQUEST");
    }
    for (const input of [
      { seatId: 4, startTime: start.toISOString(), endTime: plus(start, 3_600_000).toISOString() },
      {
        seatId: "4",
        startTime: start.toISOString(),
        endTime: plus(start, 3_600_000).toISOString(),
        weeks: 2,
      },
      { seatId: 4, startTime: "soon", endTime: plus(start, 3_600_000).toISOString(), weeks: 2 },
      { seatId: 4, startTime: start.toISOString(), endTime: start.toISOString(), weeks: 2 },
    ]) {
      expect((await call("reservations.createSeries", token, input)).status).toBe(400);
    }
    expect((await call("reservations.cancelSeries", token, { seriesId: -1 })).status).toBe(400);
    expect((await createSeries(token, 99_999, start, 1, 2)).status).toBe(404);
    expect(await totals()).toEqual(before);
    const config = await ts.client().config.public.query();
    expect(config.seriesMaxWeeks).toBe(8);
  });

  it("a week on a day the branch is closed is refused naming that date", async () => {
    const start = slotStart(5);
    const closed = libraryDate(plus(start, 2 * WEEK_MS));
    await ts.client(staffToken).admin.addClosure.mutate({
      branch: "Engineering Library",
      date: closed,
      reason: "Floor polishing",
    });
    const before = await totals();
    const res = await createSeries(student(), 44, start, 1, 4);
    expect(res.status).toBe(400);
    expect(error(res.body).message).toContain(`Week 3 of the series (${closed})`);
    expect(error(res.body).message).toContain("Floor polishing");
    expect(await totals()).toEqual(before);
  });

  it("a series counts as one toward MAX_UPCOMING_RESERVATIONS (3)", async () => {
    const token = student();
    const start = slotStart(6);
    expect((await createSeries(token, 5, start, 1, 6)).status).toBe(200);
    expect((await book(token, 6, plus(start, 2 * 3_600_000), 1)).status).toBe(200);
    expect((await book(token, 6, plus(start, 4 * 3_600_000), 1)).status).toBe(200);
    const fourth = await book(token, 6, plus(start, 6 * 3_600_000), 1);
    expect(fourth.status).toBe(400);
    expect(error(fourth.body).message).toContain("3 upcoming reservations");
  });

  it("cancelSeries cancels only the owner's series, and only its weeks that have not started", async () => {
    const owner = student();
    const other = student();
    // Week 1 started a minute ago (inside the past tolerance); weeks 2 and 3 lie ahead.
    const start = new Date(Date.now() - 60_000);
    const created = data((await createSeries(owner, 7, start, 1, 3)).body);
    const foreign = await call("reservations.cancelSeries", other, { seriesId: created.seriesId });
    expect(foreign.status).toBe(404);
    expect(error(foreign.body).data.code).toBe("NOT_FOUND");
    expect((await rowsOnSeat(7)).map((r) => r.status)).toEqual(["CONFIRMED", "CONFIRMED", "CONFIRMED"]);

    const res = await call("reservations.cancelSeries", owner, { seriesId: created.seriesId });
    expect(res.status).toBe(200);
    const { cancelled } = data(res.body);
    expect(cancelled.map((r: { id: number }) => r.id)).toEqual(
      created.reservations.slice(1).map((r: { id: number }) => r.id),
    );
    const rows = (await rowsOnSeat(7)).sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
    expect(rows.map((r) => r.status)).toEqual(["CONFIRMED", "CANCELLED", "CANCELLED"]);
  });
});
