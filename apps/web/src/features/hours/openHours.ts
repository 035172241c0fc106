import type { RouterOutputs } from "@dlsms/api";
import { addDays, combine, dateValue, formatDay, libraryZone } from "../../lib/time";

/** A branch as branches.list gives it: its week (null: open around the clock) and closed days. */
export type BranchInfo = RouterOutputs["branches"]["list"][number];
export type OpeningStretch = NonNullable<BranchInfo["openingHours"]>[number];

export const DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const SHORT_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** ISO weekday (1 Monday … 7 Sunday) of a yyyy-mm-dd date (calendar arithmetic, no zone). */
export function isoWeekday(date: string): number {
  const [y = 0, m = 1, d = 1] = date.split("-").map(Number);
  return ((new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7) + 1;
}

/** The instant a "HH:MM" wall time of a date stands for; "24:00" is the next midnight. */
function instant(date: string, wall: string, zone: string): number {
  const at = wall === "24:00" ? combine(addDays(date, 1), "00:00", zone) : combine(date, wall, zone);
  return at?.getTime() ?? Number.NaN;
}

/** The stretches a date is open: none on a closure, all day while hours were never set. */
export function stretchesOn(branch: BranchInfo, date: string): OpeningStretch[] {
  if (branch.closures.some((c) => c.date === date)) return [];
  const day = isoWeekday(date);
  if (branch.openingHours === null) return [{ day, open: "00:00", close: "24:00" }];
  return branch.openingHours.filter((s) => s.day === day);
}

const stretchText = (stretches: OpeningStretch[]) => stretches.map((s) => `${s.open}–${s.close}`).join(", ");

/** "Mon–Fri 08:00–20:00 · Sat 10:00–16:00"; closed days are left out. */
export function weekSummary(hours: OpeningStretch[] | null): string {
  if (hours === null) return "Open around the clock";
  const byDay = [1, 2, 3, 4, 5, 6, 7].map((d) => stretchText(hours.filter((s) => s.day === d)));
  const parts: string[] = [];
  for (let i = 0; i < 7; ) {
    let j = i;
    while (j + 1 < 7 && byDay[j + 1] === byDay[i]) j++;
    if (byDay[i]) parts.push(`${i === j ? SHORT_DAYS[i] : `${SHORT_DAYS[i]}–${SHORT_DAYS[j]}`} ${byDay[i]}`);
    i = j + 1;
  }
  return parts.length > 0 ? parts.join(" · ") : "Closed every day";
}

/**
 * Why the branch cannot be booked for [start, end), or null when it is open throughout: the same
 * rule the server applies (services/opening-hours-rules.ts), for a message before any request.
 */
export function closedReason(
  branch: BranchInfo,
  start: string,
  end: string,
  zone = libraryZone(),
): string | null {
  const from = new Date(start).getTime();
  const to = new Date(end).getTime();
  const last = dateValue(new Date(to), zone);
  const open: [number, number][] = [];
  for (let date = dateValue(new Date(from), zone); date <= last; date = addDays(date, 1)) {
    for (const s of stretchesOn(branch, date))
      open.push([instant(date, s.open, zone), instant(date, s.close, zone)]);
  }
  open.sort((a, b) => a[0] - b[0]);
  let cursor = from;
  for (const [lo, hi] of open) {
    if (lo > cursor) break;
    if (hi > cursor) cursor = hi;
  }
  if (cursor >= to) return null;
  const date = dateValue(new Date(cursor), zone);
  const day = formatDay(new Date(cursor), zone);
  const closure = branch.closures.find((c) => c.date === date);
  if (closure) return `${branch.name} is closed on ${day}: ${closure.reason}.`;
  const today = stretchesOn(branch, date);
  if (today.length === 0) return `${branch.name} is closed on ${day}.`;
  return `${branch.name} is open ${stretchText(today)} on ${day}. Choose a time inside those hours.`;
}
