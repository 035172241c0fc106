import { randomBytes } from "node:crypto";
import { createDatabase, type DbHandle, rowsOf } from "@dlsms/db";
import { type SQL, sql } from "@dlsms/db/drizzle";
import { testEnv as dbTestEnv } from "@dlsms/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMinutes, tomorrowAt } from "./helpers";
import { launchOnFreePort, type Running, waitHealthy } from "./process";

// The real server process on a small pool over its own Postgres database, while this test kills
// that database's backends under it. PGlite has no backends to kill, so this needs DATABASE_URL.
const baseUrl = dbTestEnv.DATABASE_URL;

interface Answer {
  status: number;
  body: { result?: { data?: { id?: number; token?: string } }; failed?: string };
}

/** A tRPC call over the wire; a refused or reset socket (a dead server) comes back as status 0. */
async function call(url: string, path: string, input: unknown, token?: string): Promise<Answer> {
  try {
    const res = await fetch(`${url}/trpc/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(input),
      // A connection the pool lost for good shows up as a request that never ends.
      signal: AbortSignal.timeout(15_000),
    });
    return { status: res.status, body: (await res.json()) as Answer["body"] };
  } catch (error) {
    return { status: 0, body: { failed: `${path}: ${String(error)} (${String((error as Error).cause)})` } };
  }
}

interface Booted {
  running: Running;
  url: string;
  /** One connection to the server's database, for checks. */
  own: DbHandle;
  stop(): Promise<void>;
}

const query = async <T>(handle: DbHandle, q: SQL) => rowsOf<T>(await handle.db.execute(q));

/** An empty database of our own, and the real server migrating, seeding and serving it. */
async function bootOnFreshDatabase(admin: DbHandle, poolSize: number): Promise<Booted> {
  const name = `dlsms_t_${process.pid}_${randomBytes(4).toString("hex")}`;
  await admin.db.execute(sql.raw(`create database "${name}"`));
  const dbUrl = new URL(baseUrl ?? "");
  dbUrl.pathname = `/${name}`;
  const running = await launchOnFreePort({
    DATABASE_URL: dbUrl.toString(),
    DB_POOL_SIZE: String(poolSize),
    LOG_LEVEL: "warn",
    // Every request here comes from 127.0.0.1.
    LOGIN_ATTEMPTS_PER_IP_PER_MINUTE: "100000",
    REGISTRATIONS_PER_IP_PER_HOUR: "100000",
  });
  const own = await createDatabase({ databaseUrl: dbUrl.toString(), poolSize: 1 });
  const stop = async () => {
    if (running.child.exitCode === null) {
      running.child.kill("SIGTERM");
      await running.exited;
    }
    await own.close();
    await admin.db.execute(sql.raw(`drop database if exists "${name}" with (force)`));
  };
  try {
    await waitHealthy(running.url, running);
  } catch (error) {
    await stop();
    throw error;
  }
  return { running, url: running.url, own, stop };
}

const overlappingActive = async (own: DbHandle) =>
  (
    await query<{ n: number }>(
      own,
      sql`select count(*)::int as n from reservations a join reservations b
    on a.seat_id = b.seat_id and a.id < b.id
   and tstzrange(a.start_time, a.end_time, '[)') && tstzrange(b.start_time, b.end_time, '[)')
  where a.status in ('HELD', 'CONFIRMED', 'CHECKED_IN') and b.status in ('HELD', 'CONFIRMED', 'CHECKED_IN')`,
    )
  )[0]?.n;

describe.skipIf(!baseUrl)("the server on a small Postgres pool", () => {
  let admin: DbHandle;
  beforeAll(async () => {
    admin = await createDatabase({ databaseUrl: baseUrl, poolSize: 1 });
  });
  afterAll(() => admin?.close());

  it("survives its backends being terminated under booking load, and still books correctly", async () => {
    const server = await bootOnFreshDatabase(admin, 2);
    const { url, own, running } = server;
    try {
      const [{ db } = { db: "" }] = await query<{ db: string }>(own, sql`select current_database() as db`);
      const tokens: string[] = [];
      for (let i = 0; i < 40; i++) {
        const r = await call(url, "auth.register", {
          studentId: `DROP${String(i).padStart(3, "0")}`,
          password: "password123",
          name: `Dropper ${i}`,
        });
        expect(r.status).toBe(200);
        tokens.push(r.body.result?.data?.token ?? "");
      }

      // Five seats, eight students racing for each one's slot: book, and cancel what was won.
      const seatOf = (i: number) => 41 + (i % 5);
      const start = tomorrowAt(10);
      const end = addMinutes(start, 60);
      const statuses: number[] = [];
      // Requests refused or cut off without an HTTP answer (what a dead or crashing server does),
      // with why. A request outlasting the client's timeout while the pool reconnects is not one.
      const unanswered: string[] = [];
      const note = (answer: Answer) => {
        if (answer.body.failed && !answer.body.failed.includes("TimeoutError"))
          unanswered.push(answer.body.failed);
      };
      let running_ = true;
      const loop = async (i: number) => {
        const token = tokens[i] ?? "";
        while (running_) {
          const booked = await call(
            url,
            "reservations.create",
            { seatId: seatOf(i), startTime: start.toISOString(), endTime: end.toISOString() },
            token,
          );
          statuses.push(booked.status);
          note(booked);
          const id = booked.body.result?.data?.id;
          if (booked.status !== 200 || id === undefined) continue;
          // A cancel lost to a dropped connection is tried again, so the slot frees up.
          for (let tries = 0; tries < 20; tries++) {
            const cancelled = await call(url, "reservations.cancel", { id }, token);
            statuses.push(cancelled.status);
            note(cancelled);
            if (cancelled.status !== 500 && cancelled.status !== 0) break;
          }
        }
      };
      const loops = tokens.map((_, i) => loop(i));

      // Five rounds, each killing whatever backends the server has (re)connected by then.
      const backends = async () =>
        (
          await query<{ n: number }>(
            admin,
            sql`select count(*)::int as n from pg_stat_activity where datname = ${db} and pid <> pg_backend_pid()`,
          )
        )[0]?.n ?? 0;
      let killed = 0;
      await new Promise((r) => setTimeout(r, 500));
      for (let round = 0; round < 5; round++) {
        for (let waited = 0; waited < 100 && (await backends()) === 0; waited++) {
          await new Promise((r) => setTimeout(r, 50));
        }
        const [row] = await query<{ n: number }>(
          admin,
          sql`select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
              where datname = ${db} and pid <> pg_backend_pid()`,
        );
        killed += row?.n ?? 0;
        await new Promise((r) => setTimeout(r, 300));
      }
      await new Promise((r) => setTimeout(r, 1_000));
      running_ = false;
      await Promise.all(loops);

      // Backends really died, and the server lived through it.
      const notLogLines = running
        .output()
        .split("\n")
        .filter((line) => !line.startsWith("{"))
        .join("\n");
      expect(running.child.exitCode, notLogLines).toBeNull();
      expect(killed).toBeGreaterThanOrEqual(5);
      expect(running.output()).not.toMatch(/TypeError|uncaught/i);
      expect(unanswered).toEqual([]);
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);

      // Whatever the kills cut short, no slot ever had two active holders.
      expect(await overlappingActive(own)).toBe(0);

      // Afterwards both pooled connections serve again: each group races a fresh slot at once.
      const later = tomorrowAt(14);
      const results = await Promise.all(
        tokens.map((token, i) =>
          call(
            url,
            "reservations.create",
            {
              seatId: seatOf(i),
              startTime: later.toISOString(),
              endTime: addMinutes(later, 60).toISOString(),
            },
            token,
          ),
        ),
      );
      for (let seat = 0; seat < 5; seat++) {
        const group = results.filter((_, i) => i % 5 === seat).map((r) => r.status);
        expect(group.filter((s) => s === 200)).toHaveLength(1);
        expect(group.filter((s) => s === 409)).toHaveLength(7);
      }
      const winners = await query<{ n: number }>(
        own,
        sql`select count(*)::int as n from reservations
            where start_time = ${later.toISOString()} and status = 'CONFIRMED'`,
      );
      expect(winners[0]?.n).toBe(5);
      expect(await overlappingActive(own)).toBe(0);
      expect(running.child.exitCode).toBeNull();
    } finally {
      await server.stop();
    }
  }, 120_000);

  it("boots with DB_POOL_SIZE=1 (migrations and seed do not wait on the pool) and books a seat", async () => {
    const server = await bootOnFreshDatabase(admin, 1);
    const { url, own } = server;
    try {
      expect(server.running.output()).not.toMatch(/"level":50/);
      const tokens: string[] = [];
      for (const studentId of ["S2021001", "S2021002"]) {
        const r = await call(url, "auth.login", { studentId, password: "password123" });
        expect(r.status).toBe(200);
        tokens.push(r.body.result?.data?.token ?? "");
      }
      // Both at once through the one connection: one wins, the other is told so.
      const start = tomorrowAt(9);
      const input = {
        seatId: 12,
        startTime: start.toISOString(),
        endTime: addMinutes(start, 90).toISOString(),
      };
      const results = await Promise.all(tokens.map((t) => call(url, "reservations.create", input, t)));
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const rows = await query<{ id: number }>(
        own,
        sql`select id from reservations where seat_id = 12 and status = 'CONFIRMED'`,
      );
      expect(rows.map((r) => r.id)).toEqual([results.find((r) => r.status === 200)?.body.result?.data?.id]);
    } finally {
      await server.stop();
    }
  }, 120_000);
});
