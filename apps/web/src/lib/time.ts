/** Date helpers for the browser's local time; everything goes on the wire as ISO UTC. */
const QUARTER = 15 * 60_000;

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

/** yyyy-mm-dd in local time, the value format of <input type="date">. */
export function dateValue(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** hh:mm in local time, the value format of <input type="time">. */
export function timeValue(d: Date): string {
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Combines the picker's date and time fields into a local Date; null when incomplete. */
export function combine(date: string, time: string): Date | null {
  if (!date || !time) return null;
  const d = new Date(`${date}T${time}:00`);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function startOfDay(d: Date): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate());
}

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dayFmt = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short" });

export const formatTime = (iso: string | Date) => timeFmt.format(new Date(iso));
export const formatDay = (iso: string | Date) => dayFmt.format(new Date(iso));

export function formatRange(start: string | Date, end: string | Date): string {
  return `${formatDay(start)}, ${formatTime(start)}–${formatTime(end)}`;
}

/** "4:05" / "1:02:03" for a countdown; never negative. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}
