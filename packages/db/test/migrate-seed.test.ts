import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateAndSeed } from "../src/migrate";
import { rowsOf } from "../src/rows";
import { createTestDatabase, type TestDatabase } from "../src/testing";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
}, 60_000);
afterAll(async () => {
  await t?.destroy();
});

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  const result = await t.db.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

describe(`migrations and seed (${process.env.DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("seeds the original's sample data", async () => {
    const branches = await rows<{ name: string; total: number; power: number; monitor: number }>(sql`
      select b.name, count(*)::int as total, count(*) filter (where s.has_power)::int as power,
             count(*) filter (where s.has_monitor)::int as monitor
      from seats s join branches b on b.id = s.branch_id group by b.name order by b.name`);
    expect(branches).toEqual([
      { name: "Engineering Library", total: 13, power: 12, monitor: 8 },
      { name: "Main Library", total: 25, power: 19, monitor: 8 },
      { name: "Science Library", total: 12, power: 10, monitor: 5 },
    ]);
    const [alice] = await rows<{ id: number; name: string }>(
      sql`select id, name from users where student_id = 'S2021001'`,
    );
    expect(alice).toEqual({ id: 1, name: "Alice Johnson" });
    const [counts] = await rows<{ r: number; u: number }>(
      sql`select (select count(*)::int from reservations) as r, (select count(*)::int from users) as u`,
    );
    expect(counts).toEqual({ r: 0, u: 11 });
  });

  it("is idempotent: a second migrate+seed changes nothing", async () => {
    const again = await migrateAndSeed(t, { adminPassword: "x", bcryptCost: 4 });
    expect(again.seeded).toBe(false);
    const [n] = await rows<{ n: number }>(sql`select count(*)::int as n from seats`);
    expect(n?.n).toBe(50);
  });

  it("migrates and seeds on a pool of one, whose connection stays free for queries meanwhile", async () => {
    const one = await createTestDatabase({ poolSize: 1 });
    try {
      const [again, seats] = await Promise.all([
        migrateAndSeed(one, { adminPassword: "x", bcryptCost: 4 }),
        one.db.execute(sql`select count(*)::int as n from seats`),
      ]);
      expect(again.seeded).toBe(false);
      expect(rowsOf<{ n: number }>(seats)[0]?.n).toBe(50);
    } finally {
      await one.destroy();
    }
  }, 60_000);

  it("new rows get ids after the seeded ones", async () => {
    const [row] = await rows<{ id: number }>(
      sql`insert into users (student_id, password_hash, name) values ('S9', 'x', 'N') returning id`,
    );
    expect(row?.id).toBe(12);
  });

  it("the exclusion constraints refuse overlapping active reservations and allow back-to-back", async () => {
    const ins = (user: number, seat: number, s: string, e: string, status = "CONFIRMED") =>
      rows<{ id: number }>(sql`insert into reservations (user_id, seat_id, start_time, end_time, status)
        values (${user}, ${seat}, ${s}::timestamptz, ${e}::timestamptz, ${status})
        on conflict do nothing returning id`);
    expect(await ins(1, 3, "2030-01-01T10:00Z", "2030-01-01T12:00Z")).toHaveLength(1);
    expect(await ins(2, 3, "2030-01-01T11:00Z", "2030-01-01T11:30Z")).toHaveLength(0); // contained
    expect(await ins(2, 3, "2030-01-01T09:00Z", "2030-01-01T10:30Z")).toHaveLength(0); // partial
    expect(await ins(2, 3, "2030-01-01T12:00Z", "2030-01-01T13:00Z")).toHaveLength(1); // back-to-back
    expect(await ins(1, 4, "2030-01-01T11:00Z", "2030-01-01T11:30Z")).toHaveLength(0); // same user elsewhere
    expect(await ins(3, 3, "2030-01-01T10:00Z", "2030-01-01T12:00Z", "CANCELLED")).toHaveLength(1);
    await expect(ins(4, 5, "2030-01-01T12:00Z", "2030-01-01T11:00Z")).rejects.toThrow();
  });
});
