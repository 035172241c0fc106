import postgres from "postgres";
import { type BenchContext, type ScenarioResult, warmAndMeasure } from "./context";
import { openRawSql } from "./raw-sql";
import { REFERENCE } from "./scenarios-http";
import { nextBooking, pick, stormSlots } from "./workload";

export async function createReservations(ctx: BenchContext): Promise<ScenarioResult> {
  const { measurement, serverCores } = await warmAndMeasure(ctx, {
    next: () => nextBooking(ctx.campus, ctx.slots, ctx.requests),
  });
  return {
    id: "create",
    title:
      "reservations.create as the SPA books (batched POST, a fresh Idempotency-Key each), non-conflicting slots",
    measurement,
    serverCores,
    ...(ctx.sql?.insert
      ? { ceiling: { label: "raw INSERT … ON CONFLICT DO NOTHING RETURNING", measurement: ctx.sql.insert } }
      : {}),
    reference: REFERENCE.create,
    notes: {},
  };
}

/** Postgres counts deadlocks per database: the delta over the storm is what it caused. */
async function deadlocks(ctx: BenchContext): Promise<number> {
  if (!ctx.db.url) return 0; // PGlite has one connection: it cannot deadlock
  const client = postgres(ctx.db.url, { max: 1, onnotice: () => {} });
  try {
    const [row] =
      await client`select deadlocks::int as n from pg_stat_database where datname = current_database()`;
    return Number(row?.n ?? 0);
  } finally {
    await client.end({ timeout: 5 });
  }
}

async function winnersPerSlot(ctx: BenchContext, slots: ReturnType<typeof stormSlots>): Promise<number[]> {
  const raw = await openRawSql(ctx.db, 1);
  try {
    const rows = (await raw.query(
      `select seat_id, count(*)::int as n from reservations
       where seat_id = any($1::int[]) and start_time = $2::timestamptz
         and status in ('HELD', 'CONFIRMED', 'CHECKED_IN')
       group by seat_id`,
      [slots.map((s) => s.seatId), slots[0]?.start],
    )) as { seat_id: number; n: number }[];
    const bySeat = new Map(rows.map((r) => [Number(r.seat_id), Number(r.n)]));
    return slots.map((s) => bySeat.get(s.seatId) ?? 0);
  } finally {
    await raw.close();
  }
}

/** 64 connections race for 10 seat-slots: every attempt after the first per slot must lose cleanly. */
export async function hotSeatStorm(ctx: BenchContext): Promise<ScenarioResult> {
  const warm = stormSlots(ctx.campus, 0);
  const measured = stormSlots(ctx.campus, 1);
  let slots = warm;
  const next = () => {
    const s = pick(slots);
    return ctx.requests.booking(pick(ctx.campus.users).token, {
      seatId: s.seatId,
      startTime: s.start,
      endTime: s.end,
    });
  };
  // Warm-up races its own slots, so the measured slots start empty.
  const deadlocksBefore = await deadlocks(ctx);
  const logBefore = ctx.server.output().length;
  const { measurement, serverCores } = await warmAndMeasure(ctx, {
    okStatuses: [200, 409],
    next: () => next(),
    onMeasure: () => {
      slots = measured;
    },
  });
  const deadlockCount = (await deadlocks(ctx)) - deadlocksBefore;
  const logDeadlocks = (
    ctx.server
      .output()
      .slice(logBefore)
      .match(/40P01|deadlock detected/g) ?? []
  ).length;
  const winners = await winnersPerSlot(ctx, measured);
  const fivexx = Object.entries(measurement.statusCounts)
    .filter(([code]) => code.startsWith("5"))
    .reduce((a, [, n]) => a + n, 0);
  return {
    id: "storm",
    title: "hot-seat storm: 64 connections, 10 seat-slots",
    measurement,
    serverCores,
    reference: { label: "Create Reservation 80–100 req/s", rps: REFERENCE.create.rps },
    notes: {
      winnersMin: Math.min(...winners),
      winnersMax: Math.max(...winners),
      won: measurement.statusCounts["200"] ?? 0,
      conflicts: measurement.statusCounts["409"] ?? 0,
      deadlocks: Math.max(deadlockCount, logDeadlocks),
      http5xx: fivexx,
    },
  };
}
