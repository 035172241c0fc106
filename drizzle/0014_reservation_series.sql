CREATE TABLE "reservation_series" (
	"id" serial PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"weeks" smallint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reservation_series_weeks_check" CHECK ("reservation_series"."weeks" >= 2)
);
--> statement-breakpoint
ALTER TABLE "reservation_series" ADD CONSTRAINT "reservation_series_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reservation_series_user_idx" ON "reservation_series" USING btree ("user_id");--> statement-breakpoint
ALTER TABLE "reservations" ADD COLUMN "series_id" integer;--> statement-breakpoint
ALTER TABLE "reservations" ADD CONSTRAINT "reservations_series_id_reservation_series_id_fk" FOREIGN KEY ("series_id") REFERENCES "public"."reservation_series"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reservations_series_idx" ON "reservations" USING btree ("series_id","start_time") WHERE "reservations"."series_id" is not null;--> statement-breakpoint
-- The two partial indexes book_seat reads, over the active statuses book_seat now names (AWAY
-- included, migration 0012): a partial index serves a query only if the query's status list is
-- inside the index's. The student's one also carries series_id, so counting a series as one
-- stays an index-only scan.
DROP INDEX IF EXISTS "reservations_user_active_idx";--> statement-breakpoint
CREATE INDEX "reservations_user_active_idx" ON "reservations" USING btree ("user_id","start_time","end_time","series_id") WHERE "reservations"."status" in ('HELD', 'CONFIRMED', 'CHECKED_IN', 'AWAY');--> statement-breakpoint
DROP INDEX IF EXISTS "reservations_active_seat_time_idx";--> statement-breakpoint
CREATE INDEX "reservations_active_seat_time_idx" ON "reservations" USING btree ("seat_id","start_time","end_time") WHERE "reservations"."status" in ('HELD', 'CONFIRMED', 'CHECKED_IN', 'AWAY');--> statement-breakpoint
-- Hand-written from here (drizzle-kit cannot describe functions).
--
-- book_seat, restated from 0009 with two changes:
-- * a weekly series counts as ONE toward p_max_upcoming: the student's active reservations that
--   have not ended count one each, except those of a series, which count one per series;
-- * p_series (default NULL, so book_seats' and the services' 7-argument calls still resolve here):
--   the series the inserted week belongs to; that series' own weeks are left out of the count,
--   so booking its later weeks does not count the series against itself.
-- The active statuses include AWAY (migration 0012), so a student away from their seat still
-- holds it and it still counts.
DROP FUNCTION "book_seat"(integer, integer, timestamptz, timestamptz, timestamptz, integer, text);
--> statement-breakpoint
CREATE FUNCTION "book_seat"(
  p_user integer,
  p_seat integer,
  p_start timestamptz,
  p_end timestamptz,
  p_now timestamptz,
  p_max_upcoming integer,
  p_zone text,
  p_series integer DEFAULT NULL
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
    SELECT (count(*) FILTER (WHERE r."series_id" IS NULL) + count(DISTINCT r."series_id"))::int AS n
    FROM "reservations" r
    WHERE r."user_id" = p_user AND r."status" IN ('HELD', 'CONFIRMED', 'CHECKED_IN', 'AWAY') AND r."end_time" > p_now
      AND (p_series IS NULL OR r."series_id" IS DISTINCT FROM p_series)
  ),
  ins AS (
    INSERT INTO "reservations" AS r ("user_id", "seat_id", "start_time", "end_time", "status", "series_id")
    SELECT p_user, seat."id", p_start, p_end, 'CONFIRMED', p_series FROM seat, upcoming
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
-- A weekly series: the series row, then each week attempted by book_seat in week order, in one
-- statement. Every week is attempted and answered (one row per week, "week" 1-based), so the
-- caller can name the first that failed; ALL OR NOTHING is the caller's transaction, which rolls
-- back when any week has no id (services/series.service.ts). Weeks go in time order on one seat, so two
-- series racing for the same slots wait on each other in the same order and cannot deadlock;
-- the EXCLUDE constraints stay the last word.
CREATE FUNCTION "book_series"(
  p_user integer,
  p_seat integer,
  p_starts timestamptz[],
  p_ends timestamptz[],
  p_now timestamptz,
  p_max_upcoming integer,
  p_zone text
) RETURNS TABLE (
  "week" integer,
  "seriesId" integer,
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
DECLARE
  v_series integer;
  k integer;
BEGIN
  PERFORM 1 FROM "users" u WHERE u."id" = p_user FOR NO KEY UPDATE;
  INSERT INTO "reservation_series" AS rs ("user_id", "weeks") VALUES (p_user, cardinality(p_starts))
    RETURNING rs."id" INTO v_series;
  FOR k IN 1 .. cardinality(p_starts) LOOP
    RETURN QUERY SELECT k, v_series, b.* FROM book_seat(
      p_user, p_seat, p_starts[k], p_ends[k], p_now, p_max_upcoming, p_zone, v_series) b;
  END LOOP;
END
$$;
