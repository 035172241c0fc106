import { type Database, reservationSeries, reservations, rowsOf } from "@dlsms/db";
import type { CreateSeriesInput } from "@dlsms/validators";
import { and, eq, gt, sql } from "drizzle-orm";
import { DateTime } from "luxon";
import type { BookingRules } from "../config";
import { type DomainError, NotFound, RuleViolation } from "../errors";
import { parseLibraryTime } from "../time";
import { bookingRefusal, checkBookingTimes, checkDuration, toView } from "./booking.service";
import { type AttemptRow, arrayParam } from "./booking-batches";
import type { Effects } from "./events";
import { cancelConfirmed } from "./lifecycle.service";
import { assertMayBook } from "./standing.service";
import { type ReservationView, toReservationView } from "./views";

/** What reservations.createSeries answers: the series and its weeks, in week order. */
export interface SeriesView {
  seriesId: number;
  reservations: ReservationView[];
}

/** What reservations.cancelSeries answers: the weeks it cancelled (those not yet started). */
export interface CancelledSeriesView {
  seriesId: number;
  cancelled: ReservationView[];
}

interface Window {
  start: Date;
  end: Date;
}

/** book_series' row: one week's attempt (book_seat's row) with its week number and series. */
interface WeekRow extends AttemptRow {
  week: number;
  seriesId: number;
}

/**
 * The series' windows: the same wall-clock times in the library's zone every week, so across a
 * daylight-saving change the UTC instants move by the hour and the student still sits at 14:00.
 */
export function weeklyWindows(first: Window, weeks: number, zone: string): Window[] {
  const start = DateTime.fromJSDate(first.start, { zone });
  const end = DateTime.fromJSDate(first.end, { zone });
  return Array.from({ length: weeks }, (_, k) => ({
    start: start.plus({ weeks: k }).toJSDate(),
    end: end.plus({ weeks: k }).toJSDate(),
  }));
}

/** The library-local date a window starts on, as YYYY-MM-DD: how a refusal names its week. */
export const libraryDate = (at: Date, zone: string): string =>
  DateTime.fromJSDate(at, { zone }).toISODate() ?? at.toISOString().slice(0, 10);

/**
 * The refusal of one week, naming it. The error keeps its class, so its code (CONFLICT for a taken
 * seat, the rule's own otherwise) and anything else it carries reach every door unchanged.
 */
function namingWeek(error: DomainError, week: number, window: Window, zone: string): DomainError {
  error.message = `Week ${week} of the series (${libraryDate(window.start, zone)}): ${error.message}`;
  error.stack = `${error.name}: ${error.message}`;
  return error;
}

/** The rules that need no database, week by week; the first week alone must obey the advance limit. */
function checkWeeks(windows: Window[], now: Date, rules: BookingRules): void {
  for (const [index, window] of windows.entries()) {
    try {
      if (index === 0) checkBookingTimes(window.start, window.end, now, rules);
      // A later week differs only when a daylight-saving change falls inside the window.
      else checkDuration(window.start, window.end, rules);
    } catch (error) {
      if (error instanceof RuleViolation) throw namingWeek(error, index + 1, window, rules.libraryTimezone);
      throw error;
    }
  }
}

/**
 * Books the same seat and times every week, all or nothing: book_series (drizzle/0014) attempts
 * every week in one statement inside this transaction, and the first week that was refused rolls
 * the whole series back with that week's reason. A series may reach past MAX_ADVANCE_DAYS (only
 * its first week must be bookable on its own) and counts as one toward MAX_UPCOMING_RESERVATIONS.
 */
export async function createSeries(
  db: Database,
  userId: number,
  input: CreateSeriesInput,
  rules: BookingRules,
  effects: Effects,
): Promise<SeriesView> {
  const zone = rules.libraryTimezone;
  if (input.weeks > rules.seriesMaxWeeks) {
    throw new RuleViolation(`A series can repeat for at most ${rules.seriesMaxWeeks} weeks`);
  }
  const first = {
    start: parseLibraryTime(input.startTime, zone, "startTime"),
    end: parseLibraryTime(input.endTime, zone, "endTime"),
  };
  const windows = weeklyWindows(first, input.weeks, zone);
  const now = new Date();
  checkWeeks(windows, now, rules);
  await assertMayBook(db, userId, rules, now);

  const result = await db.transaction(async (tx) => {
    const weeks = rowsOf<WeekRow>(
      await tx.execute(
        sql`select * from book_series(${userId}::int, ${input.seatId}::int, ${timestamps(windows, "start")}, ${timestamps(windows, "end")}, ${now.toISOString()}::timestamptz, ${rules.maxUpcomingReservations}::int, ${zone}::text)`,
      ),
    );
    const refused = weeks.find((w) => w.id === null);
    if (refused) {
      const window = windows[refused.week - 1] ?? first;
      const error = await bookingRefusal(tx, userId, input.seatId, refused, window.start, window.end, rules);
      // Thrown inside the transaction: every week booked before or after it is rolled back.
      throw namingWeek(error, refused.week, window, zone);
    }
    const booked = weeks.filter((w): w is WeekRow & { id: number } => w.id !== null);
    const seriesId = booked[0]?.seriesId;
    if (seriesId === undefined || booked.length !== windows.length) {
      throw new Error("book_series answered a different number of weeks");
    }
    return { seriesId, booked };
  });

  const reservations = result.booked.map((row) => {
    effects.seat(row.seatId, "booked", row.userId);
    return { ...toView(row, row.id), seriesId: result.seriesId };
  });
  return { seriesId: result.seriesId, reservations };
}

/** The windows' starts or ends as one Postgres array parameter. */
const timestamps = (windows: Window[], edge: keyof Window) =>
  arrayParam(
    windows.map((w) => w[edge].toISOString()),
    "timestamptz",
  );

/**
 * Cancels the weeks of the student's own series that have not started yet, in one transaction
 * through the same path as a single cancel (waitlist offers for the freed slots, audit entries,
 * read-model effects). A week under way or already over stays as it is; each week can also be
 * cancelled alone with reservations.cancel. Someone else's series is answered as a missing one.
 */
export async function cancelSeries(
  db: Database,
  userId: number,
  seriesId: number,
  rules: BookingRules,
  effects: Effects,
): Promise<CancelledSeriesView> {
  const [series] = await db
    .select({ id: reservationSeries.id })
    .from(reservationSeries)
    .where(and(eq(reservationSeries.id, seriesId), eq(reservationSeries.userId, userId)));
  if (!series) throw new NotFound(`Series ${seriesId} not found`);
  const now = new Date();
  const cancelled = await db.transaction((tx) =>
    cancelConfirmed(
      tx,
      and(
        eq(reservations.seriesId, seriesId),
        eq(reservations.userId, userId),
        gt(reservations.startTime, now),
      ),
      rules,
      effects,
    ),
  );
  return { seriesId, cancelled: cancelled.map(toReservationView) };
}
