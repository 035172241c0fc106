import { DateTime } from "luxon";
import { RuleViolation } from "./errors";

/**
 * Reads a wire timestamp: with an offset or Z it is taken as given; without one it is wall
 * time in the library's zone. Throws a RuleViolation naming the field when it is not a real
 * date (e.g. 2025-02-30).
 */
export function parseLibraryTime(value: string, zone: string, field: string): Date {
  const dt = DateTime.fromISO(value.trim().replace(" ", "T"), { zone, setZone: true });
  if (!dt.isValid) {
    throw new RuleViolation(`${field} is not a valid date and time: "${value}"`);
  }
  return dt.toJSDate();
}

/** Formats an instant for messages a student reads, in the library's zone. */
export function formatForPeople(date: Date, zone: string): string {
  return DateTime.fromJSDate(date, { zone }).toFormat("yyyy-MM-dd HH:mm ZZZZ");
}

export const MINUTE_MS = 60_000;
export const addMinutes = (d: Date, minutes: number) => new Date(d.getTime() + minutes * MINUTE_MS);

/** Start and end of the library-local day containing `at`. */
export function libraryDay(at: Date, zone: string): { from: Date; to: Date } {
  const start = DateTime.fromJSDate(at, { zone }).startOf("day");
  return { from: start.toJSDate(), to: start.plus({ days: 1 }).toJSDate() };
}
