-- Hand-written (issue 21, the away break). A student checked in may step away for a short break:
-- status AWAY, until away_until. The seat stays theirs meanwhile, so AWAY is an ACTIVE status:
-- every list of seat-holding statuses the database keeps (the EXCLUDE constraints, the partial
-- indexes, book_seat/book_seats, the retired-seat trigger) gains it, and must stay equal to
-- ACTIVE_RESERVATION_STATUSES in packages/db/src/schema.ts.
ALTER TABLE "reservations" ADD COLUMN "away_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "reservations" ADD COLUMN "away_breaks" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "reservations" ADD COLUMN "away_reminded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "reservations" DROP CONSTRAINT "reservations_status_check";--> statement-breakpoint
ALTER TABLE "reservations" ADD CONSTRAINT "reservations_status_check" CHECK ("reservations"."status" in ('HELD', 'CONFIRMED', 'CHECKED_IN', 'AWAY', 'COMPLETED', 'CANCELLED', 'NO_SHOW', 'EXPIRED'));--> statement-breakpoint
ALTER TABLE "reservations" ADD CONSTRAINT "reservations_away_check" CHECK ("reservations"."status" <> 'AWAY' or "reservations"."away_until" is not null);--> statement-breakpoint
ALTER TABLE "reservations" DROP CONSTRAINT "reservations_seat_no_overlap";--> statement-breakpoint
ALTER TABLE "reservations" ADD CONSTRAINT "reservations_seat_no_overlap"
  EXCLUDE USING gist ("seat_id" WITH =, tstzrange("start_time", "end_time", '[)') WITH &&)
  WHERE ("status" IN ('HELD', 'CONFIRMED', 'CHECKED_IN', 'AWAY'));
--> statement-breakpoint
ALTER TABLE "reservations" DROP CONSTRAINT "reservations_user_no_overlap";--> statement-breakpoint
ALTER TABLE "reservations" ADD CONSTRAINT "reservations_user_no_overlap"
  EXCLUDE USING gist ("user_id" WITH =, tstzrange("start_time", "end_time", '[)') WITH &&)
  WHERE ("status" IN ('HELD', 'CONFIRMED', 'CHECKED_IN', 'AWAY'));
--> statement-breakpoint
DROP INDEX "reservations_active_seat_time_idx";--> statement-breakpoint
CREATE INDEX "reservations_active_seat_time_idx" ON "reservations" USING btree ("seat_id","start_time","end_time") WHERE "reservations"."status" in ('HELD', 'CONFIRMED', 'CHECKED_IN', 'AWAY');--> statement-breakpoint
DROP INDEX "reservations_user_active_idx";--> statement-breakpoint
CREATE INDEX "reservations_user_active_idx" ON "reservations" USING btree ("user_id","start_time","end_time") WHERE "reservations"."status" in ('HELD', 'CONFIRMED', 'CHECKED_IN', 'AWAY');--> statement-breakpoint
DROP INDEX "reservations_sweep_idx";--> statement-breakpoint
CREATE INDEX "reservations_sweep_idx" ON "reservations" USING btree ("status","start_time") WHERE "reservations"."status" in ('HELD', 'CONFIRMED', 'CHECKED_IN', 'AWAY');--> statement-breakpoint
DROP INDEX "reservations_active_branch_time_idx";--> statement-breakpoint
CREATE INDEX "reservations_active_branch_time_idx" ON "reservations" ("branch_id", "start_time")
  INCLUDE ("seat_id", "end_time") WHERE "status" IN ('HELD', 'CONFIRMED', 'CHECKED_IN', 'AWAY');
--> statement-breakpoint
-- The sweeper's breaks that ran out (and those about to: the reminder).
CREATE INDEX "reservations_away_until_idx" ON "reservations" USING btree ("away_until") WHERE "reservations"."status" = 'AWAY';--> statement-breakpoint
DROP TRIGGER "reservations_seat_not_retired" ON "reservations";--> statement-breakpoint
CREATE TRIGGER "reservations_seat_not_retired" BEFORE INSERT ON "reservations"
  FOR EACH ROW WHEN (NEW."status" IN ('HELD', 'CONFIRMED', 'CHECKED_IN', 'AWAY'))
  EXECUTE FUNCTION "reservations_seat_not_retired"();
--> statement-breakpoint
-- 0009's book_seat and book_seats, unchanged but for AWAY in their active-status lists (a student
-- on a break still holds the seat and still counts against their upcoming limit).
CREATE OR REPLACE FUNCTION "book_seat"(
  p_user integer,
  p_seat integer,
  p_start timestamptz,
  p_end timestamptz,
  p_now timestamptz,
  p_max_upcoming integer,
  p_zone text
) RETURNS TABLE (
  "id" integer,
  "seatId" integer,
  "userId" integer,
  "startTime" text,
  "endTime" text,
  "status" text,
  "checkedInAt" text,
  "expiresAt" text,
  "createdAt" text,
  "seatCode" text,
  "seatStatus" text,
  "upcoming" integer,
  "ownStart" text,
  "ownEnd" text,
  "ownCode" text,
  "seatTaken" boolean,
  "closed" boolean
) LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  -- Serialises this student's bookings; the query below starts (and takes its snapshot) after.
  PERFORM 1 FROM "users" u WHERE u."id" = p_user FOR NO KEY UPDATE;
  PERFORM pg_advisory_xact_lock_shared(9, s."branch_id") FROM "seats" s WHERE s."id" = p_seat;
  RETURN QUERY
  WITH seat AS (
    -- The common case (hours never set, no closure those days) inline: no function call per booking.
    SELECT s."id", s."code", s."status",
      CASE WHEN NOT b."hours_set" AND NOT EXISTS (
        SELECT 1 FROM "branch_closures" c
        WHERE c."branch_id" = s."branch_id"
          AND c."date" BETWEEN (p_start AT TIME ZONE p_zone)::date AND (p_end AT TIME ZONE p_zone)::date
      ) THEN true ELSE branch_open_during(s."branch_id", p_start, p_end, p_zone) END AS open
    FROM "seats" s JOIN "branches" b ON b."id" = s."branch_id" WHERE s."id" = p_seat
  ),
  upcoming AS (
    SELECT count(*)::int AS n FROM "reservations" r
    WHERE r."user_id" = p_user AND r."status" IN ('HELD', 'CONFIRMED', 'CHECKED_IN', 'AWAY') AND r."end_time" > p_now
  ),
  ins AS (
    INSERT INTO "reservations" AS r ("user_id", "seat_id", "start_time", "end_time", "status")
    SELECT p_user, seat."id", p_start, p_end, 'CONFIRMED' FROM seat, upcoming
    WHERE seat."status" = 'ACTIVE' AND seat.open AND upcoming.n < p_max_upcoming
    ON CONFLICT DO NOTHING
    RETURNING r."id", r."seat_id", r."user_id", r."start_time", r."end_time", r."status",
      r."checked_in_at", r."expires_at", r."created_at"
  ),
  own AS (
    SELECT r."start_time", r."end_time", s."code" FROM "reservations" r JOIN "seats" s ON s."id" = r."seat_id"
    WHERE r."user_id" = p_user AND r."status" IN ('HELD', 'CONFIRMED', 'CHECKED_IN', 'AWAY')
      AND r."start_time" < p_end AND r."end_time" > p_start
    LIMIT 1
  )
  SELECT ins."id", ins."seat_id", ins."user_id",
    to_char(ins."start_time" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    to_char(ins."end_time" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    ins."status"::text,
    to_char(ins."checked_in_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    to_char(ins."expires_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    to_char(ins."created_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    seat."code"::text, seat."status"::text, upcoming.n,
    CASE WHEN ins."id" IS NULL THEN
      to_char((SELECT o."start_time" FROM own o) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END,
    CASE WHEN ins."id" IS NULL THEN
      to_char((SELECT o."end_time" FROM own o) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END,
    CASE WHEN ins."id" IS NULL THEN (SELECT o."code" FROM own o)::text END,
    CASE WHEN ins."id" IS NULL THEN EXISTS (
      SELECT 1 FROM "reservations" r
      WHERE r."seat_id" = p_seat AND r."status" IN ('HELD', 'CONFIRMED', 'CHECKED_IN', 'AWAY')
        AND r."start_time" < p_end AND r."end_time" > p_start
    ) END,
    CASE WHEN ins."id" IS NULL THEN NOT seat.open END
  FROM upcoming LEFT JOIN seat ON true LEFT JOIN ins ON true;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "book_seats"(
  p_users integer[],
  p_seats integer[],
  p_starts timestamptz[],
  p_ends timestamptz[],
  p_nows timestamptz[],
  p_max_upcoming integer[],
  p_zone text
) RETURNS TABLE (
  "attempt" integer,
  "id" integer,
  "seatId" integer,
  "userId" integer,
  "startTime" text,
  "endTime" text,
  "status" text,
  "checkedInAt" text,
  "expiresAt" text,
  "createdAt" text,
  "seatCode" text,
  "seatStatus" text,
  "upcoming" integer,
  "ownStart" text,
  "ownEnd" text,
  "ownCode" text,
  "seatTaken" boolean,
  "closed" boolean
) LANGUAGE plpgsql VOLATILE SET lock_timeout = '200ms' AS $$
#variable_conflict use_column
DECLARE
  k integer;
BEGIN
  PERFORM 1 FROM "users" u WHERE u."id" = ANY (p_users) ORDER BY u."id" FOR NO KEY UPDATE;
  FOR k IN
    SELECT a.n FROM unnest(p_seats, p_starts) WITH ORDINALITY AS a(seat, start_time, n)
    ORDER BY a.seat, a.start_time, a.n
  LOOP
    RETURN QUERY SELECT k, b.* FROM book_seat(
      p_users[k], p_seats[k], p_starts[k], p_ends[k], p_nows[k], p_max_upcoming[k], p_zone) b;
  END LOOP;
END
$$;
--> statement-breakpoint
-- 0010's audit trigger function with the break's transitions named: stepped_away and back (by the
-- student), away_ended (the sweeper ended a reservation whose break ran out). The rest is unchanged.
CREATE OR REPLACE FUNCTION "audit_reservation_change"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_override text := nullif(current_setting('dlsms.audit_action', true), '');
  v_action text;
  v_actor integer;
  v_reason text;
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW."status" = 'HELD' THEN
      v_action := 'offered';
    ELSIF v_override = 'booked_for' THEN
      v_action := 'booked_for';
    ELSE
      v_action := 'created';
      v_actor := NEW."user_id";
    END IF;
  ELSIF NEW."status" = 'CANCELLED' AND v_override = 'staff_cancelled' THEN
    v_action := 'staff_cancelled';
  ELSIF NEW."status" = 'COMPLETED' AND v_override = 'released' THEN
    v_action := 'released';
  ELSE
    v_action := CASE
      WHEN NEW."status" = 'AWAY' THEN 'stepped_away'
      WHEN NEW."status" = 'CHECKED_IN' AND OLD."status" = 'AWAY' THEN 'back'
      WHEN NEW."status" = 'COMPLETED' AND OLD."status" = 'AWAY' THEN 'away_ended'
      WHEN NEW."status" = 'CHECKED_IN' THEN 'checked_in'
      WHEN NEW."status" = 'NO_SHOW' THEN 'no_show'
      WHEN NEW."status" = 'EXPIRED' THEN 'offer_expired'
      WHEN NEW."status" = 'COMPLETED' THEN 'completed'
      WHEN NEW."status" = 'CONFIRMED' AND OLD."status" = 'HELD' THEN 'claimed'
      WHEN NEW."status" = 'CANCELLED' AND OLD."status" = 'HELD' THEN 'declined'
      WHEN NEW."status" = 'CANCELLED' THEN 'cancelled'
      ELSE lower(NEW."status")
    END;
    IF v_action IN ('checked_in', 'claimed', 'declined', 'cancelled', 'stepped_away', 'back') THEN
      v_actor := NEW."user_id";
    END IF;
  END IF;
  IF v_action IN ('booked_for', 'staff_cancelled', 'released') THEN
    v_actor := nullif(current_setting('dlsms.audit_actor', true), '')::integer;
    v_reason := nullif(current_setting('dlsms.audit_reason', true), '');
  END IF;
  INSERT INTO "audit_log" ("entity_type", "entity_id", "action", "actor_user_id", "reason", "details")
  VALUES ('reservation', NEW."id", v_action, v_actor, v_reason,
    jsonb_build_object('status', NEW."status", 'seatId', NEW."seat_id"));
  RETURN NULL;
END
$$;
