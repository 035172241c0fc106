-- Hand-written (drizzle-kit cannot describe functions). A booking attempt as ONE statement:
-- packages/api/src/services/booking.service.ts calls it and turns its row into the answer.
--
-- Why a function: the attempt must count the student's upcoming reservations only once it holds
-- the student's row lock, so the count sees every booking committed by an earlier holder. As
-- plain SQL that takes two statements in one transaction (BEGIN, the lock, the attempt, COMMIT:
-- four statements for Postgres to run). In a VOLATILE PL/pgSQL function under READ COMMITTED
-- every statement takes a fresh snapshot when it starts, so the lock and then the attempt run in
-- one statement — its own transaction, and more bookings per second than the four-statement
-- form (figures in docs/performance-log.md).
--
-- The attempt: the seat lookup, the upcoming count and the insert in one query; the row is
-- inserted only if the seat exists and is ACTIVE and the student is under p_max_upcoming, and
-- ON CONFLICT DO NOTHING against the EXCLUDE constraints makes a lost race an empty result
-- rather than a 23P01 error (no aborts, no deadlocks). When nothing was inserted, the reason is
-- computed in the same query (CASE evaluates those subqueries only then).
CREATE FUNCTION "book_seat"(
  p_user integer,
  p_seat integer,
  p_start timestamptz,
  p_end timestamptz,
  p_now timestamptz,
  p_max_upcoming integer
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
  "seatTaken" boolean
) LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  -- Serialises this student's bookings; the query below starts (and takes its snapshot) after.
  PERFORM 1 FROM "users" u WHERE u."id" = p_user FOR NO KEY UPDATE;
  RETURN QUERY
  WITH seat AS (SELECT s."id", s."code", s."status" FROM "seats" s WHERE s."id" = p_seat),
  upcoming AS (
    SELECT count(*)::int AS n FROM "reservations" r
    WHERE r."user_id" = p_user AND r."status" IN ('HELD', 'CONFIRMED', 'CHECKED_IN') AND r."end_time" > p_now
  ),
  ins AS (
    INSERT INTO "reservations" AS r ("user_id", "seat_id", "start_time", "end_time", "status")
    SELECT p_user, seat."id", p_start, p_end, 'CONFIRMED' FROM seat, upcoming
    WHERE seat."status" = 'ACTIVE' AND upcoming.n < p_max_upcoming
    ON CONFLICT DO NOTHING
    RETURNING r."id", r."seat_id", r."user_id", r."start_time", r."end_time", r."status",
      r."checked_in_at", r."expires_at", r."created_at"
  ),
  own AS (
    SELECT r."start_time", r."end_time", s."code" FROM "reservations" r JOIN "seats" s ON s."id" = r."seat_id"
    WHERE r."user_id" = p_user AND r."status" IN ('HELD', 'CONFIRMED', 'CHECKED_IN')
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
      WHERE r."seat_id" = p_seat AND r."status" IN ('HELD', 'CONFIRMED', 'CHECKED_IN')
        AND r."start_time" < p_end AND r."end_time" > p_start
    ) END
  FROM upcoming LEFT JOIN seat ON true LEFT JOIN ins ON true;
END
$$;
