import type { RouterOutputs } from "@dlsms/api";

/** The catalogue editor's wire shapes, from the admin router's own types. */
export type CatalogueBranch = RouterOutputs["admin"]["catalogue"][number];
export type CatalogueSeat = CatalogueBranch["seats"][number];

export { bookings } from "../staff/AffectedBookings";

/** "Power, monitor" / "No power or monitor": a seat's amenities in words. */
export function amenities(seat: Pick<CatalogueSeat, "hasPower" | "hasMonitor">): string {
  const have = [seat.hasPower ? "power" : null, seat.hasMonitor ? "monitor" : null].filter(Boolean);
  if (have.length === 0) return "No power or monitor";
  const text = have.join(", ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}
