import { DateTime } from "luxon";
import { RuleViolation } from "./errors";

/**
 * Reads a wire timestamp: with an offset or Z it is taken as given; without one it is wall
 * time in the library's zone. Throws a RuleViolation naming the field when it is not a real
 * date (e.g. 2025-02-30) or falls outside the years 1970–9999.
 */
export function parseLibraryTime(value: string, zone: string, field: string): Date {
  const date = exactUtcInstant(value) ?? viaLuxon(value, zone, field);
  const ms = date.getTime();
  if (ms < EARLIEST_MS || ms >= LATEST_MS) {
    throw new RuleViolation(`${field} must be in the years 1970–9999 (in UTC): "${value}"`);
  }
  return date;
}

/**
 * Instants the database and the wire both handle: Postgres has no year 0, and past 9999
 * toISOString writes "+010000-…", which nothing downstream reads back.
 */
const EARLIEST_MS = Date.UTC(1970, 0, 1);
const LATEST_MS = Date.UTC(10000, 0, 1);

function viaLuxon(value: string, zone: string, field: string): Date {
  const dt = DateTime.fromISO(value.trim().replace(" ", "T"), { zone, setZone: true });
  if (!dt.isValid) {
    throw new RuleViolation(`${field} is not a valid date and time: "${value}"`);
  }
  return dt.toJSDate();
}

const UTC_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

/**
 * The common case without luxon: a UTC instant written as Date#toISOString writes it (what the
 * SPA and most clients send), which luxon was slow to read in the hot-seat storm, two per booking
 * (docs/performance-log.md). Accepted only when the Date reads back as exactly the same text, so
 * anything Date would roll over (2026-02-31 → March 3) goes to luxon, which refuses it.
 */
function exactUtcInstant(value: string): Date | undefined {
  if (!UTC_ISO.test(value)) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return undefined;
  const text = date.toISOString();
  return text === value || text === `${value.slice(0, 19)}.000Z` ? date : undefined;
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
