/** Where a reservation stands relative to its check-in window (as the server reports it). */
export type CheckInPhase =
  | { phase: "before"; opensInMs: number }
  | { phase: "open"; closesInMs: number }
  | { phase: "after" };

/** The server sends the window it enforces (checkInOpensAt / checkInClosesAt, both inclusive). */
export function checkInPhase(
  window: { checkInOpensAt: string; checkInClosesAt: string },
  now: number,
): CheckInPhase {
  const opens = new Date(window.checkInOpensAt).getTime();
  const closes = new Date(window.checkInClosesAt).getTime();
  if (now < opens) return { phase: "before", opensInMs: opens - now };
  if (now <= closes) return { phase: "open", closesInMs: closes - now };
  return { phase: "after" };
}
