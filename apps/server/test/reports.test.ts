import { reservations } from "@dlsms/db";
import { sql } from "@dlsms/db/drizzle";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outcome, startTestServer, type TestServer } from "./helpers";

// Acceptance 6: admin.report and GET /api/admin/reports.csv agree on a fixed data set, with
// capacity from opening hours, in a zone with DST; both doors are staff-only.
let ts: TestServer;
let staff: string;
let student: string;

async function login(studentId: string, password: string): Promise<string> {
  const res = await fetch(`${ts.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ student_id: studentId, password }),
  });
  if (res.status !== 200) throw new Error(`login ${studentId}: ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

beforeAll(async () => {
  ts = await startTestServer({ LIBRARY_TIMEZONE: "Europe/Berlin" });
  const db = ts.database.db;
  // Main Library: Mon–Fri 08:00–20:00, Saturday 10:00–14:00, closed Sundays; closed Friday
  // 2026-03-27 for a holiday. Science Library: hours never set (open around the clock).
  await db.execute(sql`update branches set hours_set = true where id = 1`);
  await db.execute(sql`insert into branch_opening_hours (branch_id, day, open_minute, close_minute)
    values (1, 1, 480, 1200), (1, 2, 480, 1200), (1, 3, 480, 1200), (1, 4, 480, 1200), (1, 5, 480, 1200), (1, 6, 600, 840)`);
  await db.execute(
    sql`insert into branch_closures (branch_id, date, reason) values (1, '2026-03-27', 'Holiday')`,
  );
  const rows: {
    seatId: number;
    start: string;
    end: string;
    status: "COMPLETED" | "NO_SHOW" | "CANCELLED";
  }[] = [
    { seatId: 1, start: "2026-03-28T10:00:00+01:00", end: "2026-03-28T12:30:00+01:00", status: "COMPLETED" },
    { seatId: 2, start: "2026-03-28T13:00:00+01:00", end: "2026-03-28T15:00:00+01:00", status: "NO_SHOW" },
    { seatId: 3, start: "2026-03-30T09:00:00+02:00", end: "2026-03-30T10:00:00+02:00", status: "CANCELLED" },
    // Across the spring-forward gap: 23:00 → 04:00 local is four real hours.
    { seatId: 26, start: "2026-03-28T23:00:00+01:00", end: "2026-03-29T04:00:00+02:00", status: "COMPLETED" },
  ];
  await db.insert(reservations).values(
    rows.map((r) => ({
      userId: 1,
      seatId: r.seatId,
      startTime: new Date(r.start),
      endTime: new Date(r.end),
      status: r.status,
    })),
  );
  // Names a CSV must quote, and one a spreadsheet would run as a formula; one seat each, open 24 h.
  await db.execute(
    sql`insert into branches (name, code) values ('Arts, "Music" & Law', 'AML'), ('=Annex', 'AX')`,
  );
  await db.execute(sql`insert into seats (code, branch_id, area, has_power, has_monitor)
    select b.code || '-01', b.id, 'Hall, North', false, false from branches b where b.code in ('AML', 'AX')`);
  staff = await login("ADMIN001", "admin-password");
  student = await login("S2021001", "password123");
});
afterAll(() => ts?.stop());

const RANGE = { from: "2026-03-27", to: "2026-03-30" };
const EMPTY = { reservations: 0, bookedHours: 0, utilisation: 0, noShows: 0, noShowRate: 0 };

async function csv(query: string, token?: string) {
  const res = await fetch(`${ts.url}/api/admin/reports.csv?${query}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: res.status, type: res.headers.get("content-type") ?? "", text: await res.text(), res };
}

/** CSV text → rows, read by a real CSV parser; numbers become numbers. */
function parseCsv(text: string): Record<string, string | number>[] {
  const records: Record<string, string>[] = parse(text, { columns: true });
  return records.map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k === "key" ? v : Number(v)])),
  );
}

/** What the CSV says for a key: a leading = + - @ gets a ' so a spreadsheet shows it as text. */
const csvKey = (key: string) => (/^[=+\-@]/.test(key) ? `'${key}` : key);

describe("reports through a real server", () => {
  it("admin.report and the CSV agree for every grouping, with capacity from opening hours", async () => {
    const api = ts.client(staff);
    for (const groupBy of ["branch", "area", "day", "hour"] as const) {
      const rows = await api.admin.report.query({ ...RANGE, groupBy });
      const file = await csv(`from=${RANGE.from}&to=${RANGE.to}&group_by=${groupBy}`, staff);
      expect(file.status).toBe(200);
      expect(file.type).toBe("text/csv; charset=utf-8");
      expect(file.res.headers.get("content-disposition")).toContain(
        `report-${groupBy}-2026-03-27-to-2026-03-30.csv`,
      );
      expect(file.text.split("\n")[0]).toBe(
        "key,reservations,bookedHours,openHours,utilisation,noShows,noShowRate",
      );
      expect(parseCsv(file.text)).toEqual(rows.map((r) => ({ ...r, key: csvKey(r.key) })));
    }
    const branches = await api.admin.report.query({ ...RANGE, groupBy: "branch" });
    // Main: 25 seats × (0 holiday + 4 Saturday + 0 Sunday + 12 Monday) h; Science: 12 × (24+24+23+24) h.
    expect(branches).toEqual([
      { key: "=Annex", ...EMPTY, openHours: 95 },
      { key: 'Arts, "Music" & Law', ...EMPTY, openHours: 95 },
      {
        key: "Engineering Library",
        reservations: 0,
        bookedHours: 0,
        openHours: 13 * 95,
        utilisation: 0,
        noShows: 0,
        noShowRate: 0,
      },
      {
        key: "Main Library",
        reservations: 2,
        bookedHours: 2.5,
        openHours: 400,
        utilisation: 0.0063,
        noShows: 1,
        noShowRate: 0.5,
      },
      {
        key: "Science Library",
        reservations: 1,
        bookedHours: 4,
        openHours: 1140,
        utilisation: 0.0035,
        noShows: 0,
        noShowRate: 0,
      },
    ]);
    expect((await csv(`from=${RANGE.from}&to=${RANGE.to}&group_by=branch`, staff)).text).toBe(
      "key,reservations,bookedHours,openHours,utilisation,noShows,noShowRate\n" +
        "'=Annex,0,0,95,0,0,0\n" +
        '"Arts, ""Music"" & Law",0,0,95,0,0,0\n' +
        "Engineering Library,0,0,1235,0,0,0\n" +
        "Main Library,2,2.5,400,0.0063,1,0.5\n" +
        "Science Library,1,4,1140,0.0035,0,0\n",
    );
  });

  it("only staff: no token 401, a student 403 (and FORBIDDEN over tRPC)", async () => {
    const query = `from=${RANGE.from}&to=${RANGE.to}&group_by=day`;
    const anonymous = await csv(query);
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.text)).toEqual({ error: "Authentication token required" });
    const asStudent = await csv(query, student);
    expect(asStudent.status).toBe(403);
    expect(typeof JSON.parse(asStudent.text).error).toBe("string");
    expect(await outcome(ts.client(student).admin.report.query({ ...RANGE, groupBy: "day" }))).toBe(
      "FORBIDDEN",
    );
    expect(await outcome(ts.client().admin.report.query({ ...RANGE, groupBy: "day" }))).toBe("UNAUTHORIZED");
  });

  it("bad parameters are a 400 JSON error", async () => {
    const cases: [string, RegExp][] = [
      ["from=2026-03-30&to=2026-03-01&group_by=day", /to must be on or after from/],
      ["from=2025-01-01&to=2026-03-01&group_by=day", /at most 366 days/],
      ["from=2026-02-30&to=2026-03-01&group_by=day", /not a real date/],
      ["from=2026-03-01&to=2026-03-02&group_by=week", /group_by must be one of branch, area, day, hour/],
      ["to=2026-03-02&group_by=day", /from/],
      ["from=yesterday&to=2026-03-02&group_by=day", /from must be a date like/],
    ];
    for (const [query, message] of cases) {
      const res = await csv(query, staff);
      expect(res.status, query).toBe(400);
      expect(res.type, query).toContain("application/json");
      expect(JSON.parse(res.text).error, query).toMatch(message);
    }
  });
});
