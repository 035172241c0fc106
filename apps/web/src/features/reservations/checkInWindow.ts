/**
 * The server's defaults (check-in from 15 min before start until start + 15 min grace). The server
 * is the judge: if it is configured differently its error message states the real window.
 */
export const CHECK_IN_EARLY_MS = 15 * 60_000;
export const GRACE_MS = 15 * 60_000;

export type CheckInPhase =
  | { phase: "before"; opensInMs: number }
  | { phase: "open"; closesInMs: number }
  | { phase: "after" };

export function checkInPhase(startTime: string, now: number): CheckInPhase {
  const start = new Date(startTime).getTime();
  const opens = start - CHECK_IN_EARLY_MS;
  const closes = start + GRACE_MS;
  if (now < opens) return { phase: "before", opensInMs: opens - now };
  if (now <= closes) return { phase: "open", closesInMs: closes - now };
  return { phase: "after" };
}
