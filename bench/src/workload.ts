import { SignJWT } from "jose";
import type { ClientRequests } from "./client-requests";

/** What the scenarios need to know about the loaded campus. */
export interface Campus {
  branchNames: string[];
  /** Bookable (ACTIVE) seat ids. */
  seatIds: number[];
  users: { id: number; studentId: string; token: string }[];
}

/** Tokens minted with the server's secret: 2,000 bcrypt logins would take minutes. */
export async function mintToken(
  user: { id: number; studentId: string; name: string },
  secret: string,
): Promise<string> {
  return new SignJWT({ user_id: user.id, student_id: user.studentId, name: user.name, role: "student" })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(String(user.id))
    .setIssuedAt()
    .setExpirationTime("12h")
    .sign(new TextEncoder().encode(secret));
}

const DAY_MS = 24 * 60 * 60_000;
const QUARTER_MS = 15 * 60_000;

export function utcMidnight(now = new Date()): number {
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
}

/**
 * Non-conflicting booking slots for the create scenario and its raw-SQL ceiling: 15-minute
 * slots in the nights (22:00–08:00) of days +1 … +12, where the data set has nothing.
 *
 * Consecutive bookings are different students, as in a real crowd: the student advances with
 * every booking and the slot once per round of all students. (Until 2026-11-26 the slot
 * advanced first, so a run's 64 in-flight bookings were all ONE student's, queued behind each
 * other on that student's booking lock — a measure of one student's lock, not of the system.)
 * Within a slot each student gets a different seat (students ≤ seats), so no two slots handed
 * out ever collide on a seat or a student (up to students × slots allocations).
 */
export class SlotAllocator {
  private counter = 0;
  private readonly nights = 12;
  private readonly perNight = 40;

  constructor(
    private readonly campus: { seatIds: number[]; users: unknown[] },
    private readonly base = utcMidnight(),
  ) {
    if (campus.users.length > campus.seatIds.length) {
      throw new Error("the slot allocator needs at least as many seats as students");
    }
  }

  next(): { userIndex: number; seatId: number; start: string; end: string } {
    const c = this.counter++;
    const students = this.campus.users.length;
    const userIndex = c % students;
    const slot = Math.floor(c / students);
    if (slot >= this.nights * this.perNight) throw new Error("slot allocator exhausted");
    const night = 1 + Math.floor(slot / this.perNight);
    const startMs = this.base + night * DAY_MS + 22 * 3_600_000 + (slot % this.perNight) * QUARTER_MS;
    const seatId = this.campus.seatIds[(userIndex + slot) % this.campus.seatIds.length] as number;
    return {
      userIndex,
      seatId,
      start: new Date(startMs).toISOString(),
      end: new Date(startMs + QUARTER_MS).toISOString(),
    };
  }
}

/** The hot-seat storm's slots: 10 seats at one night-13 time no other scenario touches. */
export function stormSlots(campus: Pick<Campus, "seatIds">, round: number, base = utcMidnight()) {
  const startMs = base + 13 * DAY_MS + 22 * 3_600_000 + round * 30 * 60_000;
  return campus.seatIds.slice(0, 10).map((seatId) => ({
    seatId,
    start: new Date(startMs).toISOString(),
    end: new Date(startMs + 30 * 60_000).toISOString(),
  }));
}

/** tRPC over HTTP without batching: GET /trpc/<path>?input=… and POST /trpc/<path>. */

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)] as T;
}

/** A window in the data set's library hours (the 2-hour grid), `dayOffset` days from today. */
export function libraryWindow(dayOffset: number, slot: number, base = utcMidnight()) {
  const startMs = base + dayOffset * DAY_MS + (8 + 2 * slot) * 3_600_000;
  return {
    startTime: new Date(startMs).toISOString(),
    endTime: new Date(startMs + 2 * 3_600_000).toISOString(),
  };
}

/** A `reservations.create` of the next non-conflicting slot, as its student. */
/** The next non-conflicting booking, sent as the SPA's Book button sends it. */
export function nextBooking(campus: Campus, slots: SlotAllocator, requests: Pick<ClientRequests, "booking">) {
  const s = slots.next();
  const user = campus.users[s.userIndex];
  if (!user) throw new Error("no user for slot");
  return requests.booking(user.token, { seatId: s.seatId, startTime: s.start, endTime: s.end });
}
