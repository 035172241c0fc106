import { branches, type Database, seats } from "@dlsms/db";
import { and, eq, ne } from "drizzle-orm";
import { NotFound } from "../errors";

/** What is printed on a seat: its code, branch and area. */
export interface SeatLabel {
  id: number;
  code: string;
  branch: string;
  area: string;
}

/** The label of a seat, for the QR code stuck on it; public because the seat shows it anyway. */
export async function seatLabel(db: Database, id: number): Promise<SeatLabel> {
  const [label] = await db
    .select({ id: seats.id, code: seats.code, branch: branches.name, area: seats.area })
    .from(seats)
    .innerJoin(branches, eq(branches.id, seats.branchId))
    // A retired seat's sticker should be gone; its code no longer opens anything.
    .where(and(eq(seats.id, id), ne(seats.status, "RETIRED")))
    .limit(1);
  if (!label) throw new NotFound(`Seat ${id} does not exist`);
  return label;
}
