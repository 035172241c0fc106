ALTER TABLE "seats" DROP CONSTRAINT "seats_status_check";--> statement-breakpoint
ALTER TABLE "seats" ADD COLUMN "retired_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "seats" ADD COLUMN "retired_reason" varchar(300);--> statement-breakpoint
ALTER TABLE "seats" ADD CONSTRAINT "seats_retired_check" CHECK (("seats"."status" = 'RETIRED') = ("seats"."retired_at" is not null));--> statement-breakpoint
ALTER TABLE "seats" ADD CONSTRAINT "seats_status_check" CHECK ("seats"."status" in ('ACTIVE', 'MAINTENANCE', 'RETIRED'));--> statement-breakpoint
-- Hand-written: no reservation is ever made active on a retired seat, whichever path inserts it
-- (book_seat/book_seats, waitlist offers). Those read the seat's status in their statement's
-- snapshot, which can predate a retirement that commits while they run; this re-reads it under a
-- lock that waits for the retiring transaction (it locks the seat FOR UPDATE), so the row sees the
-- committed status. A row for a retired seat is skipped (not an error), so a batch of bookings
-- loses only that attempt; the caller finds nothing inserted and asks why (booking.service.ts).
CREATE FUNCTION "reservations_seat_not_retired"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  seat_status text;
BEGIN
  SELECT s."status" INTO seat_status FROM "seats" s WHERE s."id" = NEW."seat_id" FOR KEY SHARE;
  IF seat_status = 'RETIRED' THEN
    RETURN NULL;
  END IF;
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER "reservations_seat_not_retired" BEFORE INSERT ON "reservations"
  FOR EACH ROW WHEN (NEW."status" IN ('HELD', 'CONFIRMED', 'CHECKED_IN'))
  EXECUTE FUNCTION "reservations_seat_not_retired"();
