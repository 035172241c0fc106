import { useQuery } from "@tanstack/react-query";
import { formatDateTime } from "../../lib/time";
import { useTRPC } from "../../lib/trpc";
import "./standing.css";

/**
 * The student's no-show standing where they book: a banner while booking is suspended (with the
 * day and time it ends), a quiet line while strikes stand. Nothing for a student in good standing.
 */
export function StandingNotice() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const standing = me.data?.standing;
  if (!standing) return null;
  if (standing.suspendedUntil) {
    return (
      <section className="standing-banner" aria-labelledby="standing-title" data-standing="suspended">
        <h2 id="standing-title">Booking suspended</h2>
        <p>
          You missed {standing.strikes} check-ins, so you cannot book, scan a free seat or join a waitlist
          until <strong>{formatDateTime(standing.suspendedUntil)}</strong>.
        </p>
        <p>Your reservations made before stay. Library staff at the desk can lift the suspension.</p>
      </section>
    );
  }
  if (standing.strikes === 0) return null;
  return (
    <p className="standing-strikes" data-standing="strikes">
      No-show strikes: {standing.strikes}. Missing check-ins again can suspend your booking for a while.
    </p>
  );
}
