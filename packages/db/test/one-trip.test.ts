import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transactionInOneTrip } from "../src/one-trip";
import { createTestDatabase, type TestDatabase } from "../src/testing";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase({ poolSize: 2 });
  await t.db.execute(sql`create table one_trip_probe (id int primary key, note text not null)`);
}, 60_000);
afterAll(async () => {
  await t?.destroy();
});

/** drizzle wraps driver errors (DrizzleQueryError): the SQLSTATE is on the error or a cause. */
function sqlState(error: unknown): string | undefined {
  for (let e = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

const notes = async () => {
  const result = await t.db.execute(sql`select id, note from one_trip_probe order by id`);
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as unknown[];
};

describe(`transactionInOneTrip (${process.env.DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("runs the statements in order, each seeing the ones before, and returns each one's rows", async () => {
    const [inserted, counted] = await transactionInOneTrip(t.db, [
      sql`insert into one_trip_probe values (1, ${"first"}) returning id`,
      sql`select count(*)::int as n from one_trip_probe`,
    ]);
    expect(inserted).toEqual([{ id: 1 }]);
    expect(counted).toEqual([{ n: 1 }]);
  });

  it("commits all or nothing: a failing statement rolls back the ones before it and is thrown", async () => {
    await expect(
      transactionInOneTrip(t.db, [
        sql`insert into one_trip_probe values (2, ${"second"})`,
        sql`insert into one_trip_probe values (1, ${"duplicate"})`,
        sql`insert into one_trip_probe values (3, ${"third"})`,
      ]),
    ).rejects.toSatisfy((e) => sqlState(e) === "23505");
    expect(await notes()).toEqual([{ id: 1, note: "first" }]);
    // The connections went back to the pool outside any transaction: later work commits.
    for (const id of [4, 5, 6]) {
      await transactionInOneTrip(t.db, [sql`insert into one_trip_probe values (${id}, ${"later"})`]);
    }
    expect(await notes()).toHaveLength(4);
  });
});
