-- Hand-written (drizzle-kit cannot describe functions). Opening hours and closures (0008's tables)
-- become a rule the database enforces in the same statement that books, so no booking path can
-- skip it and no race can slip a booking past a closure.
--
-- branch_open_during: is [p_start, p_end) wholly inside the branch's open stretches, read as wall
-- time in p_zone (the library's zone)? A branch whose hours were never set (hours_set false, the
-- seeded branches) is open around the clock; a closure closes its whole local day in either case.
-- Stretches of consecutive days that touch (Mon 20:00–24:00, Tue 00:00–02:00) merge in range_agg.
-- Wall time to instant goes through AT TIME ZONE, so a DST day's 24:00 is the next midnight, 23 or
-- 25 hours later. services/opening-hours.ts mirrors this rule in TypeScript for messages and listings.
CREATE FUNCTION "branch_open_during"(
  p_branch integer,
  p_start timestamptz,
  p_end timestamptz,
  p_zone text
) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
DECLARE
  v_hours_set boolean;
BEGIN
  SELECT b."hours_set" INTO v_hours_set FROM "branches" b WHERE b."id" = p_branch;
  IF v_hours_set IS NULL THEN RETURN false; END IF;
  -- The common case (hours never set, no closure in the window's days) without building ranges.
  IF NOT v_hours_set AND NOT EXISTS (
    SELECT 1 FROM "branch_closures" c
    WHERE c."branch_id" = p_branch
      AND c."date" BETWEEN (p_start AT TIME ZONE p_zone)::date AND (p_end AT TIME ZONE p_zone)::date
  ) THEN
    RETURN true;
  END IF;
  RETURN (
    WITH days AS (
      SELECT g::date AS d FROM generate_series(
        (p_start AT TIME ZONE p_zone)::date::timestamp,
        (p_end AT TIME ZONE p_zone)::date::timestamp,
        interval '1 day') AS g
      WHERE NOT EXISTS (
        SELECT 1 FROM "branch_closures" c WHERE c."branch_id" = p_branch AND c."date" = g::date)
    ),
    stretches AS (
      SELECT days.d + h."open_minute" * interval '1 minute' AS lo,
             days.d + h."close_minute" * interval '1 minute' AS hi
      FROM days JOIN "branch_opening_hours" h
        ON h."branch_id" = p_branch AND h."day" = extract(isodow FROM days.d)
      WHERE v_hours_set
      UNION ALL
      SELECT days.d::timestamp, days.d + interval '1 day' FROM days WHERE NOT v_hours_set
    )
    SELECT coalesce(
      range_agg(tstzrange(s.lo AT TIME ZONE p_zone, greatest(s.lo AT TIME ZONE p_zone, s.hi AT TIME ZONE p_zone)))
        @> tstzrange(p_start, p_end),
      false)
    FROM stretches s
  );
END
$$;
--> statement-breakpoint
-- Why a lock: under READ COMMITTED a booking that does not yet see a closure (not committed) and a
-- closure whose cancelling UPDATE does not yet see the booking (not committed) would both commit,
-- leaving a booking on a closed day. So every writer of a reservation row for a branch holds this
-- SHARED transaction lock on the branch from before it checks the hours until it commits, and an
-- hours or closure change holds it EXCLUSIVELY: the change waits for bookings in flight (then its
-- own statements see them and cancel them), and bookings that come later wait for the change to
-- commit (then their next statement sees it). Advisory locks live in the lock manager, so the
-- many bookings of a branch sharing one costs no row writes. The class id 9 names this use
-- (pg_advisory_xact_lock_shared(9, branch id); services/opening-hours.ts takes the others).
DROP FUNCTION "book_seats"(integer[], integer[], timestamptz[], timestamptz[], timestamptz[], integer[]);
--> statement-breakpoint
DROP FUNCTION "book_seat"(integer, integer, timestamptz, timestamptz, timestamptz, integer);
--> statement-breakpoint
-- 0005's book_seat with the hours rule: after the student's lock, the branch's shared hours lock
-- (above), then the same one query, which inserts only if the window is inside the branch's
-- hours. "closed" says so when it was not (the caller then explains with that day's hours).
CREATE FUNCTION "book_seat"(
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
    WHERE r."user_id" = p_user AND r."status" IN ('HELD', 'CONFIRMED', 'CHECKED_IN') AND r."end_time" > p_now
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
    ) END,
    CASE WHEN ins."id" IS NULL THEN NOT seat.open END
  FROM upcoming LEFT JOIN seat ON true LEFT JOIN ins ON true;
END
$$;
--> statement-breakpoint
-- 0006's book_seats, unchanged but for the zone it passes to each book_seat.
CREATE FUNCTION "book_seats"(
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
