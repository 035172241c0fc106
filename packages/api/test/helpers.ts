import type { Cache } from "@dlsms/bus";
import { notifications, type Reservation, type ReservationStatus, reservations, seats } from "@dlsms/db";
import { TRPCError } from "@trpc/server";
import { and, count, eq } from "drizzle-orm";
import { expect } from "vitest";
import { type ApiDeps, createContextInner } from "../src/context";
import { createCaller } from "../src/root";
import type { TestApi } from "../src/testing";

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export const at = (msFromNow: number) => new Date(Date.now() + msFromNow);
export const iso = (d: Date) => d.toISOString();

/** A whole-hour instant `days` days from now at `hour`:00 UTC (always in the future for days ≥ 1). */
export function dayAt(days: number, hour: number, minute = 0): Date {
  const d = new Date(Date.now() + days * 24 * HOUR);
  d.setUTCHours(hour, minute, 0, 0);
  return d;
}

/** Wire input for reservations.create from instants. */
export const slot = (seatId: number, start: Date, end: Date) => ({
  seatId,
  startTime: start.toISOString(),
  endTime: end.toISOString(),
});

export type ErrorCode = TRPCError["code"];

/** Awaits a rejection and checks it is a TRPCError with `code` and (optionally) a message match. */
export async function expectTRPCError(
  promise: Promise<unknown>,
  code: ErrorCode,
  message?: RegExp | string,
): Promise<TRPCError> {
  const error = await promise.then(
    (value) => {
      throw new Error(`expected ${code}, but the call succeeded with ${JSON.stringify(value)}`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  const trpc = error as TRPCError;
  expect({ code: trpc.code, message: trpc.message }).toMatchObject({ code });
  if (message !== undefined) {
    if (typeof message === "string") expect(trpc.message).toContain(message);
    else expect(trpc.message).toMatch(message);
  }
  return trpc;
}

export async function countReservations(api: TestApi): Promise<number> {
  const [row] = await api.database.db.select({ n: count() }).from(reservations);
  return row?.n ?? 0;
}

export async function reservationRow(api: TestApi, id: number): Promise<Reservation> {
  const [row] = await api.database.db.select().from(reservations).where(eq(reservations.id, id));
  if (!row) throw new Error(`reservation ${id} missing`);
  return row;
}

/** Writes a reservation straight into the database (the API refuses starts in the past). */
export async function insertReservation(
  api: TestApi,
  values: { userId: number; seatId: number; start: Date; end: Date; status?: ReservationStatus },
): Promise<Reservation> {
  const [row] = await api.database.db
    .insert(reservations)
    .values({
      userId: values.userId,
      seatId: values.seatId,
      startTime: values.start,
      endTime: values.end,
      status: values.status ?? "CONFIRMED",
      checkedInAt: values.status === "CHECKED_IN" ? values.start : null,
    })
    .returning();
  if (!row) throw new Error("insert returned nothing");
  return row;
}

/** "2025-01-02 10:15 UTC", the way messages show instants in the default (UTC) library zone. */
export const utcMinute = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

/**
 * Opens a transaction, runs `work` in it and keeps it open (with its locks and uncommitted rows)
 * until `commit` is called; resolves once `work` is done.
 */
export async function heldTransaction(
  api: TestApi,
  work: (tx: Parameters<Parameters<TestApi["database"]["db"]["transaction"]>[0]>[0]) => Promise<unknown>,
): Promise<{ commit(): Promise<void> }> {
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let holding = () => {};
  const held = new Promise<void>((resolve) => {
    holding = resolve;
  });
  const done = api.database.db.transaction(async (tx) => {
    await work(tx);
    holding();
    await gate;
  });
  // A failing `work` must fail the test, not leave it waiting.
  await Promise.race([held, done]);
  return {
    async commit() {
      release();
      await done;
    },
  };
}

/** A cache passing every call to `inner` except those `overrides` replace (to watch or hold back calls). */
export function cacheWith(inner: Cache, overrides: Partial<Pick<Cache, "get" | "incr" | "version">>): Cache {
  return {
    kind: inner.kind,
    get: overrides.get ?? ((key) => inner.get(key)),
    set: (key, value, ttl) => inner.set(key, value, ttl),
    del: (...keys) => inner.del(...keys),
    incr: overrides.incr ?? ((key) => inner.incr(key)),
    version: overrides.version ?? ((key) => inner.version(key)),
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
}

/** A caller acting as user `id` with `deps` (e.g. a cache of the test's own). */
export function callerWith(deps: ApiDeps, id: number, role: "student" | "admin" = "student") {
  const exp = Math.floor(Date.now() / 1000) + 3600;
  return createCaller(createContextInner({ ...deps, user: { id, studentId: "", name: "", role, exp } }));
}

/** A seat's row as the database holds it. */
export async function seatRow(api: TestApi, seatId: number) {
  const [row] = await api.database.db.select().from(seats).where(eq(seats.id, seatId));
  if (!row) throw new Error(`seat ${seatId} missing`);
  return row;
}

/** The RESERVATION_CANCELLED notifications a student was sent. */
export async function cancelNotes(api: TestApi, userId: number) {
  return api.database.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, userId), eq(notifications.type, "RESERVATION_CANCELLED")));
}
