-- Hand-written (drizzle-kit cannot describe functions). Bookings that arrive together are
-- attempted together: ONE statement, one transaction, one commit for a batch of attempts
-- (packages/api/src/services/booking-batches.ts sends them). Each attempt runs the same query
-- as a booking alone and gets the same answer; the batch only shares the statement's fixed
-- costs (a round trip, a transaction, a commit's WAL flush) among its attempts.
--
-- book_seat_attempt is 0005's book_seat without its lock: the seat lookup, the student's upcoming
-- count and the insert in one query, and when nothing was inserted, why. Its caller must hold the
-- student's row lock (FOR NO KEY UPDATE) taken before this query started.
CREATE FUNCTION "book_seat_attempt"(
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
--> statement-breakpoint
-- A booking alone, as before (0005): the student's row lock, then the attempt, which starts (and
-- takes its snapshot) after the lock is held, so its count sees every earlier holder's booking.
CREATE OR REPLACE FUNCTION "book_seat"(
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
BEGIN
  PERFORM 1 FROM "users" u WHERE u."id" = p_user FOR NO KEY UPDATE;
  RETURN QUERY SELECT * FROM book_seat_attempt(p_user, p_seat, p_start, p_end, p_now, p_max_upcoming);
END
$$;
--> statement-breakpoint
-- Several bookings in one transaction. Each attempt's answer is the one it would get alone after
-- the attempts before it in the batch; "before" is seat, then start time (input order breaks ties).
--
-- Why it cannot deadlock with another batch or a booking alone: it takes every student's row lock
-- first, in id order, before inserting anything (a booking alone holds one student lock and waits
-- at most at its one insert), and then inserts in seat order, so a batch waiting for another's
-- uncommitted row on a seat only ever waits for batches that hold nothing on later seats. Rows of
-- one student cannot be in two unfinished transactions at once: both would hold the student's lock.
--
-- Transactions of other kinds (a cancellation that offers the seat to the waitlist in the same
-- transaction, which inserts without the student lock) could still close a cycle with a batch's
-- several rows. lock_timeout makes the batch give up first (after 200 ms, long before
-- deadlock_timeout's 1 s would have the other transaction's own check abort it): the batch rolls
-- back whole, and booking-batches.ts attempts its bookings again one by one, as book_seat.
CREATE FUNCTION "book_seats"(
  p_users integer[],
  p_seats integer[],
  p_starts timestamptz[],
  p_ends timestamptz[],
  p_nows timestamptz[],
  p_max_upcoming integer[]
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
  "seatTaken" boolean
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
    RETURN QUERY SELECT k, b.* FROM book_seat_attempt(
      p_users[k], p_seats[k], p_starts[k], p_ends[k], p_nows[k], p_max_upcoming[k]) b;
  END LOOP;
END
$$;
