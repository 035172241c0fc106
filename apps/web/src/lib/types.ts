import type { RouterOutputs } from "@dlsms/api";

/** Every wire shape comes from the router's own types: the SPA cannot drift from the API. */
export type Seat = RouterOutputs["seats"]["list"][number];
export type Branch = RouterOutputs["branches"]["list"][number];
export type Reservation = RouterOutputs["reservations"]["mine"][number];
export type SeatDetail = RouterOutputs["seats"]["get"];
export type BusyInterval = RouterOutputs["seats"]["availability"]["busy"][number];

export const ACTIVE_STATUSES: ReadonlySet<string> = new Set(["HELD", "CONFIRMED", "CHECKED_IN", "AWAY"]);

export type TileState = "free" | "busy" | "yours" | "maintenance";

export const TILE_LABEL: Record<TileState, string> = {
  free: "Free",
  busy: "Busy",
  yours: "Yours",
  maintenance: "Maintenance",
};

export function overlaps(aStart: string, aEnd: string, bStart: string, bEnd: string): boolean {
  return new Date(aStart) < new Date(bEnd) && new Date(bStart) < new Date(aEnd);
}

/** Seat ids the student holds during the window: those tiles show "Yours", not "Busy". */
export function mySeatIds(mine: Reservation[] | undefined, startTime: string, endTime: string): Set<number> {
  const ids = new Set<number>();
  for (const r of mine ?? []) {
    if (ACTIVE_STATUSES.has(r.status) && overlaps(r.startTime, r.endTime, startTime, endTime))
      ids.add(r.seatId);
  }
  return ids;
}

export function tileState(seat: Seat, mine: Set<number>): TileState {
  if (seat.status !== "ACTIVE") return "maintenance";
  if (mine.has(seat.id)) return "yours";
  return seat.available ? "free" : "busy";
}

export type WaitlistEntry = RouterOutputs["waitlist"]["mine"][number];
export type AppNotification = RouterOutputs["notifications"]["list"][number];
