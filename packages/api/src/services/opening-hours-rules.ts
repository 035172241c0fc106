import { DateTime } from "luxon";
import { RuleViolation } from "../errors";

/**
 * Opening hours as pure rules (no database): the week's stretches, the closed days, and whether a
 * window is wholly inside them in the library's zone. drizzle/0009's branch_open_during is the
 * same rule in SQL, enforced where bookings are inserted; these answer listings and messages.
 */

/** One opening stretch of a weekday, in minutes after local midnight (close may be 1440). */
export interface Stretch {
  /** ISO weekday: 1 Monday … 7 Sunday. */
  day: number;
  openMinute: number;
  closeMinute: number;
}

/** A stretch on the wire: "HH:MM" wall times. */
export interface OpeningStretch {
  day: number;
  open: string;
  close: string;
}

export interface BranchSchedule {
  branchId: number;
  name: string;
  /** False: open around the clock (apart from closures) — the seeded branches' state. */
  hoursSet: boolean;
  stretches: readonly Stretch[];
  /** Closed local dates ("YYYY-MM-DD") and the reason students are told. */
  closures: ReadonlyMap<string, string>;
}

const DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const SHORT_DAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const DAY_MINUTES = 1440;

export const minuteOf = (wall: string): number => {
  const [h, m] = wall.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

export const wallTimeOf = (minute: number): string =>
  `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;

export const toOpeningStretch = (s: Stretch): OpeningStretch => ({
  day: s.day,
  open: wallTimeOf(s.openMinute),
  close: wallTimeOf(s.closeMinute),
});

/**
 * A week as staff typed it, checked: every stretch closes after it opens, and no two stretches of
 * a day overlap (touching, 08:00–12:00 then 12:00–14:00, is fine). Sorted by day, then opening.
 */
export function checkWeek(hours: readonly OpeningStretch[]): Stretch[] {
  const stretches = hours.map((h) => ({
    day: h.day,
    openMinute: minuteOf(h.open),
    closeMinute: minuteOf(h.close),
  }));
  for (const s of stretches) {
    if (s.openMinute >= DAY_MINUTES) {
      throw new RuleViolation(`${DAY_NAMES[s.day - 1]}: a stretch cannot open at 24:00`);
    }
    if (s.closeMinute <= s.openMinute) {
      throw new RuleViolation(
        `${DAY_NAMES[s.day - 1]}: closing time ${wallTimeOf(s.closeMinute)} must be after opening time ${wallTimeOf(s.openMinute)}`,
      );
    }
  }
  stretches.sort((a, b) => a.day - b.day || a.openMinute - b.openMinute);
  for (let i = 1; i < stretches.length; i++) {
    const before = stretches[i - 1] as Stretch;
    const s = stretches[i] as Stretch;
    if (before.day === s.day && s.openMinute < before.closeMinute) {
      throw new RuleViolation(
        `${DAY_NAMES[s.day - 1]}: ${wallTimeOf(before.openMinute)}–${wallTimeOf(before.closeMinute)} and ${wallTimeOf(s.openMinute)}–${wallTimeOf(s.closeMinute)} overlap`,
      );
    }
  }
  return stretches;
}

/** The instant a wall time of a local date stands for; minute 1440 is the next midnight. */
function instantOf(date: DateTime, minute: number): number {
  const day = minute >= DAY_MINUTES ? date.plus({ days: 1 }) : date;
  const m = minute % DAY_MINUTES;
  return DateTime.fromObject(
    { year: day.year, month: day.month, day: day.day, hour: Math.floor(m / 60), minute: m % 60 },
    { zone: date.zone },
  ).toMillis();
}

/** The minute stretches a local date is open (none on a closure; all day when hours are not set). */
function stretchesOn(schedule: BranchSchedule, date: DateTime): readonly Stretch[] {
  if (schedule.closures.has(date.toISODate() ?? "")) return [];
  if (!schedule.hoursSet) return [{ day: date.weekday, openMinute: 0, closeMinute: DAY_MINUTES }];
  return schedule.stretches.filter((s) => s.day === date.weekday);
}

/**
 * The first instant of [start, end) at which the branch is closed, or undefined when it is open
 * throughout. Stretches of consecutive days that touch count as one (overnight opening).
 */
function firstClosedInstant(
  schedule: BranchSchedule,
  start: Date,
  end: Date,
  zone: string,
): number | undefined {
  const first = DateTime.fromJSDate(start, { zone }).startOf("day");
  const last = DateTime.fromJSDate(end, { zone }).startOf("day");
  const open: [number, number][] = [];
  for (let date = first; date <= last; date = date.plus({ days: 1 })) {
    for (const s of stretchesOn(schedule, date)) {
      open.push([instantOf(date, s.openMinute), instantOf(date, s.closeMinute)]);
    }
  }
  open.sort((a, b) => a[0] - b[0]);
  let cursor = start.getTime();
  for (const [lo, hi] of open) {
    if (lo > cursor) break;
    if (hi > cursor) cursor = hi;
  }
  return cursor >= end.getTime() ? undefined : cursor;
}

/** When the branch closes within [start, end) (its closing time for a stay from `start`), if it does. */
export function closesWithin(
  schedule: BranchSchedule,
  start: Date,
  end: Date,
  zone: string,
): Date | undefined {
  const at = firstClosedInstant(schedule, start, end, zone);
  return at === undefined ? undefined : new Date(at);
}

/** Is the branch open throughout [start, end) (library zone, DST-correct)? */
export function isOpenDuring(schedule: BranchSchedule, start: Date, end: Date, zone: string): boolean {
  // Open around the clock with no closure: nothing to compute in the zone (the seeded branches).
  if (!schedule.hoursSet && schedule.closures.size === 0) return true;
  return firstClosedInstant(schedule, start, end, zone) === undefined;
}

/** Open at this instant (for the next minute). */
export const isOpenAt = (schedule: BranchSchedule, at: Date, zone: string): boolean =>
  isOpenDuring(schedule, at, new Date(at.getTime() + 60_000), zone);

/** "08:00–12:00, 13:00–20:00" for one weekday's stretches. */
const stretchesText = (stretches: readonly Stretch[]): string =>
  stretches.map((s) => `${wallTimeOf(s.openMinute)}–${wallTimeOf(s.closeMinute)}`).join(", ");

/** The week in a line: "Mon–Fri 08:00–20:00; Sat 10:00–16:00" (closed days left out). */
export function weekText(stretches: readonly Stretch[]): string {
  const byDay = Array.from({ length: 7 }, (_, i) => stretchesText(stretches.filter((s) => s.day === i + 1)));
  const parts: string[] = [];
  for (let i = 0; i < 7; ) {
    let j = i;
    while (j + 1 < 7 && byDay[j + 1] === byDay[i]) j++;
    if (byDay[i]) {
      const days = i === j ? SHORT_DAY_NAMES[i] : `${SHORT_DAY_NAMES[i]}–${SHORT_DAY_NAMES[j]}`;
      parts.push(`${days} ${byDay[i]}`);
    }
    i = j + 1;
  }
  return parts.length > 0 ? parts.join("; ") : "closed every day";
}

/**
 * Why a booking of [start, end) is refused, for a window that is not wholly open: the hours of the
 * first day it runs into closed time, or that day's closure and its reason.
 */
export function closedMessage(schedule: BranchSchedule, start: Date, end: Date, zone: string): string {
  const at = firstClosedInstant(schedule, start, end, zone) ?? start.getTime();
  const date = DateTime.fromMillis(at, { zone }).startOf("day");
  const day = date.setLocale("en-GB").toFormat("cccc d LLLL");
  const reason = schedule.closures.get(date.toISODate() ?? "");
  if (reason !== undefined) return `${schedule.name} is closed on ${day}: ${reason}`;
  const today = stretchesOn(schedule, date);
  if (today.length === 0) {
    return `${schedule.name} is closed on ${day}. Opening hours: ${weekText(schedule.stretches)}`;
  }
  return `${schedule.name} is open ${stretchesText(today)} on ${day}: the reservation must fit inside those hours`;
}
