-- Hand-written (drizzle-kit cannot describe functions). Bookings that arrive together are
-- attempted together: ONE statement, one transaction, one commit for a batch of attempts
-- (packages/api/src/services/booking-batches.ts sends them). Each attempt is 0005's book_seat,
-- unchanged, so it gets the answer it would get alone; the batch only shares the statement's fixed
-- costs (a round trip, a transaction, a commit's WAL flush) among its attempts. book_seat's own
-- student lock finds the lock already held by this transaction and goes straight on.
--
-- Each attempt's answer is the one it would get alone after the attempts before it in the batch;
-- "before" is seat, then start time (input order breaks ties).
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
    RETURN QUERY SELECT k, b.* FROM book_seat(
      p_users[k], p_seats[k], p_starts[k], p_ends[k], p_nows[k], p_max_upcoming[k]) b;
  END LOOP;
END
$$;
