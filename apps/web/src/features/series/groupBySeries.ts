import type { Reservation } from "../../lib/types";

export type ReservationItem =
  | { kind: "single"; reservation: Reservation }
  | { kind: "series"; seriesId: number; weeks: Reservation[] };

/**
 * The list as cards: a reservation on its own is one, the weeks of one series together are one
 * (placed where its earliest week is). Order within and between items follows the input.
 */
export function groupBySeries(list: Reservation[]): ReservationItem[] {
  const items: ReservationItem[] = [];
  const bySeries = new Map<number, Reservation[]>();
  for (const r of list) {
    if (r.seriesId === null) {
      items.push({ kind: "single", reservation: r });
      continue;
    }
    const weeks = bySeries.get(r.seriesId);
    if (weeks) weeks.push(r);
    else {
      const created = [r];
      bySeries.set(r.seriesId, created);
      items.push({ kind: "series", seriesId: r.seriesId, weeks: created });
    }
  }
  return items;
}
