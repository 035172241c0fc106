/**
 * Date helpers in the LIBRARY's time zone (LIBRARY_TIMEZONE, from config.public), not the
 * device's: server messages and opening hours are library time, and a student abroad must see
 * the same clock. Everything goes on the wire as ISO UTC. `zone` parameters default to the
 * library's and exist for tests.
 */
import { libraryConfig } from "./libraryConfig";

const QUARTER = 15 * 60_000;
const DAY_MS = 24 * 60 * 60_000;

export const libraryZone = (): string => libraryConfig().timeZone;

export interface TimeWindow {
  start: Date;
  end: Date;
}

/** now → +1 h, starting at the next quarter hour (a start in the past would be refused). */
export function defaultWindow(now = new Date()): TimeWindow {
  const start = new Date(Math.ceil(now.getTime() / QUARTER) * QUARTER);
  return { start, end: new Date(start.getTime() + 60 * 60_000) };
}

const pad = (n: number) => String(n).padStart(2, "0");

const cache = new Map<string, Intl.DateTimeFormat>();
function formatter(key: string, zone: string, options: Intl.DateTimeFormatOptions, locale?: string) {
  const id = `${key}\u0000${zone}`;
  let f = cache.get(id);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { ...options, timeZone: zone });
    cache.set(id, f);
  }
  return f;
}

interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock reading of an instant in `zone`. */
export function wallTime(d: Date, zone = libraryZone()): WallTime {
  const f = formatter(
    "parts",
    zone,
    {
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      hourCycle: "h23",
    },
    "en-US",
  );
  const out: Record<string, number> = {};
  for (const p of f.formatToParts(d)) if (p.type !== "literal") out[p.type] = Number(p.value);
  return {
    year: out.year ?? 0,
    month: out.month ?? 1,
    day: out.day ?? 1,
    hour: (out.hour ?? 0) % 24,
    minute: out.minute ?? 0,
    second: out.second ?? 0,
  };
}

/** How far `zone` is ahead of UTC at the instant `ms`. */
function offsetAt(ms: number, zone: string): number {
  const w = wallTime(new Date(ms), zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** yyyy-mm-dd in the library's zone, the value format of <input type="date">. */
export function dateValue(d: Date, zone = libraryZone()): string {
  const w = wallTime(d, zone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}`;
}

/** hh:mm in the library's zone, the value format of <input type="time">. */
export function timeValue(d: Date, zone = libraryZone()): string {
  const w = wallTime(d, zone);
  return `${pad(w.hour)}:${pad(w.minute)}`;
}

/** The date `days` after a yyyy-mm-dd date (calendar arithmetic, no zone involved). */
export function addDays(date: string, days: number): string {
  const [y = 0, m = 1, d = 1] = date.split("-").map(Number);
  const t = new Date(Date.UTC(y, m - 1, d) + days * DAY_MS);
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/**
 * The instant at which the library's clock reads `date` `time`; null when incomplete or invalid.
 * Two passes find the zone's offset at that instant, so days that change to or from summer
 * time come out right.
 */
export function combine(date: string, time: string, zone = libraryZone()): Date | null {
  const dm = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const tm = /^(\d{2}):(\d{2})(?::\d{2})?$/.exec(time);
  if (!dm || !tm) return null;
  const [y, mo, d, h, mi] = [dm[1], dm[2], dm[3], tm[1], tm[2]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return null;
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  const first = offsetAt(guess, zone);
  let ms = guess - first;
  const second = offsetAt(ms, zone);
  if (second !== first) ms = guess - second;
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** Midnight (library time) of the day containing `d`. */
export function startOfDay(d: Date, zone = libraryZone()): Date {
  return combine(dateValue(d, zone), "00:00", zone) ?? d;
}

/** Midnight (library time) after the day starting at `dayStart`: 23 or 25 hours on a clock change. */
export function nextDayStart(dayStart: Date, zone = libraryZone()): Date {
  return (
    combine(addDays(dateValue(dayStart, zone), 1), "00:00", zone) ?? new Date(dayStart.getTime() + DAY_MS)
  );
}

export const formatTime = (iso: string | Date, zone = libraryZone()) =>
  formatter("time", zone, { hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
export const formatDay = (iso: string | Date, zone = libraryZone()) =>
  formatter("day", zone, { weekday: "short", day: "numeric", month: "short" }).format(new Date(iso));

/** "(Europe/Berlin)": said next to times so nobody reads them as their device's time. */
export const zoneLabel = (zone = libraryZone()) => `(${zone})`;

/** "Sat 5 Dec, 14:00–15:00 (Europe/Berlin)": library time, labelled. */
export function formatRange(start: string | Date, end: string | Date, zone = libraryZone()): string {
  return `${formatDay(start, zone)}, ${formatTime(start, zone)}–${formatTime(end, zone)} ${zoneLabel(zone)}`;
}

/** "Sat 5 Dec 14:02 (Europe/Berlin)": one instant, labelled. */
export function formatDateTime(iso: string | Date, zone = libraryZone()): string {
  return `${formatDay(iso, zone)} ${formatTime(iso, zone)} ${zoneLabel(zone)}`;
}

/** "4:05" / "1:02:03" for a countdown; a day or more reads "1 d 3 h". Never negative. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  if (days > 0) return h > 0 ? `${days} d ${h} h` : `${days} d`;
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}
