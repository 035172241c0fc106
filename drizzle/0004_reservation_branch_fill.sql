-- Hand-written (drizzle-kit cannot describe triggers, composite foreign keys or INCLUDE).
-- reservations.branch_id is the seat's branch, so availability can read one branch's active
-- reservations in start order: see MAX_RESERVATION_HOURS in packages/db/src/schema.ts.
UPDATE "reservations" r SET "branch_id" = s."branch_id" FROM "seats" s WHERE s."id" = r."seat_id";
--> statement-breakpoint
ALTER TABLE "reservations" ALTER COLUMN "branch_id" SET NOT NULL;
--> statement-breakpoint
-- Filled from the seat on every insert and seat change: writers never set it themselves.
CREATE FUNCTION "reservations_fill_branch"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."branch_id" := (SELECT "branch_id" FROM "seats" WHERE "id" = NEW."seat_id");
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "reservations_fill_branch" BEFORE INSERT OR UPDATE OF "seat_id", "branch_id" ON "reservations"
  FOR EACH ROW EXECUTE FUNCTION "reservations_fill_branch"();
--> statement-breakpoint
-- The guarantee: (seat_id, branch_id) must be a real seat's, and follows the seat if it moves.
ALTER TABLE "seats" ADD CONSTRAINT "seats_id_branch_unique" UNIQUE ("id", "branch_id");
--> statement-breakpoint
ALTER TABLE "reservations" ADD CONSTRAINT "reservations_seat_branch_fk"
  FOREIGN KEY ("seat_id", "branch_id") REFERENCES "seats" ("id", "branch_id")
  ON UPDATE CASCADE ON DELETE CASCADE;
--> statement-breakpoint
-- One branch's active reservations in start order, with what availability needs (index-only).
CREATE INDEX "reservations_active_branch_time_idx" ON "reservations" ("branch_id", "start_time")
  INCLUDE ("seat_id", "end_time") WHERE "status" IN ('HELD', 'CONFIRMED', 'CHECKED_IN');
