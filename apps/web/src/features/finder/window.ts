import type { LibraryConfig } from "../../lib/libraryConfig";
import { addDays, combine } from "../../lib/time";

export type WindowLimits = Pick<
  LibraryConfig,
  "timeZone" | "minDurationMinutes" | "maxDurationMinutes" | "maxAdvanceDays" | "pastToleranceMinutes"
>;

export type CheckedWindow = { ok: true; startTime: string; endTime: string } | { ok: false; problem: string };

const hours = (minutes: number) =>
  minutes % 60 === 0 ? `${minutes / 60} hour${minutes === 60 ? "" : "s"}` : `${minutes} minutes`;

/**
 * The booking rules the server enforces (checkBookingTimes), checked before the map is drawn:
 * a window the server would refuse would otherwise show every seat as free.
 */
export function windowProblem(start: Date, end: Date, now: number, limits: WindowLimits): string | null {
  const minutes = (end.getTime() - start.getTime()) / 60_000;
  if (end <= start) return "The end time must be after the start time.";
  if (minutes < limits.minDurationMinutes) {
    return `A reservation must last at least ${limits.minDurationMinutes} minutes.`;
  }
  if (minutes > limits.maxDurationMinutes) {
    return `A reservation can last at most ${hours(limits.maxDurationMinutes)}. Choose a shorter window.`;
  }
  if (start.getTime() < now - limits.pastToleranceMinutes * 60_000) {
    return "That start time is in the past. Choose a later time.";
  }
  if (start.getTime() > now + limits.maxAdvanceDays * 24 * 60 * 60_000) {
    return `You can book at most ${limits.maxAdvanceDays} days ahead. Choose an earlier date.`;
  }
  return null;
}

/**
 * The picker's date, from and to (library wall time) as a window. A "to" at or before "from"
 * means past midnight ("22:00 → 01:00") only when that fits the longest allowed stay; otherwise
 * it is an end before the start.
 */
export function checkWindow(
  fields: { date: string; from: string; to: string },
  now: number,
  limits: WindowLimits,
): CheckedWindow {
  const zone = limits.timeZone;
  const start = combine(fields.date, fields.from, zone);
  let end = combine(fields.date, fields.to, zone);
  if (!start || !end) return { ok: false, problem: "Choose a date, a start and an end time." };
  if (end <= start) {
    const overnight = combine(addDays(fields.date, 1), fields.to, zone);
    const fits = overnight && overnight.getTime() - start.getTime() <= limits.maxDurationMinutes * 60_000;
    if (!overnight || !fits || end.getTime() === start.getTime()) {
      return { ok: false, problem: "The end time is before the start time. Choose a later end." };
    }
    end = overnight;
  }
  const problem = windowProblem(start, end, now, limits);
  return problem
    ? { ok: false, problem }
    : { ok: true, startTime: start.toISOString(), endTime: end.toISOString() };
}
