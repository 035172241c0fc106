-- The conflict guarantee. drizzle-kit cannot describe EXCLUDE constraints, so they are
-- written here by hand. The status list must match ACTIVE_RESERVATION_STATUSES.
CREATE EXTENSION IF NOT EXISTS btree_gist;
--> statement-breakpoint
-- No two active reservations overlap on the same seat. '[)' bounds: back-to-back is fine.
ALTER TABLE "reservations" ADD CONSTRAINT "reservations_seat_no_overlap"
  EXCLUDE USING gist ("seat_id" WITH =, tstzrange("start_time", "end_time", '[)') WITH &&)
  WHERE ("status" IN ('HELD', 'CONFIRMED', 'CHECKED_IN'));
--> statement-breakpoint
-- No user holds two overlapping active reservations, anywhere.
ALTER TABLE "reservations" ADD CONSTRAINT "reservations_user_no_overlap"
  EXCLUDE USING gist ("user_id" WITH =, tstzrange("start_time", "end_time", '[)') WITH &&)
  WHERE ("status" IN ('HELD', 'CONFIRMED', 'CHECKED_IN'));
