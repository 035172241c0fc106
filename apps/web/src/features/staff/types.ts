import type { RouterOutputs } from "@dlsms/api";

/** Staff wire shapes come from the admin router's own types, like the student ones in lib/types. */
export type StaffReservation = RouterOutputs["admin"]["reservations"]["reservations"][number];
export type BranchUtilisation = RouterOutputs["admin"]["utilisation"][number];
export type ReservationStatus = StaffReservation["status"];

export const STATUS_OPTIONS: readonly { value: ReservationStatus; label: string }[] = [
  { value: "HELD", label: "Offer (held)" },
  { value: "CONFIRMED", label: "Confirmed" },
  { value: "CHECKED_IN", label: "Checked in" },
  { value: "AWAY", label: "Away (on a break)" },
  { value: "COMPLETED", label: "Completed" },
  { value: "CANCELLED", label: "Cancelled" },
  { value: "NO_SHOW", label: "No-show" },
  { value: "EXPIRED", label: "Expired" },
];

/** Only these can be cancelled by staff: the server refuses the rest (admin.service staffCancel). */
export const CANCELLABLE: ReadonlySet<string> = new Set(["HELD", "CONFIRMED"]);

export const PAGE_SIZE = 50;

/** Today as a UTC day: the brief accepts the UTC day in place of the library-local one. */
export function utcToday(now = new Date()): { from: string; to: string } {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const end = new Date(start.getTime() + 24 * 60 * 60_000);
  // With an explicit Z the server does not reinterpret the bounds in the library's zone.
  return { from: start.toISOString(), to: end.toISOString() };
}

/** Staff are users with role "admin"; the nav and the /staff route both ask this. */
export const isStaff = (role: string | undefined): boolean => role === "admin";
