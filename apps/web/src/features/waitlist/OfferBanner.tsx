import { useQuery } from "@tanstack/react-query";
import { formatCountdown, formatRange, formatTime } from "../../lib/time";
import { useTRPC } from "../../lib/trpc";
import { useNow } from "../../lib/useNow";
import { useOfferActions } from "./useOfferActions";

/**
 * Open waitlist offers (HELD reservations) on every page, with a countdown to expiry: an offer
 * lapses in minutes, so it must not hide on a page the student is not looking at.
 */
export function OfferBanner() {
  const trpc = useTRPC();
  const now = useNow(1_000);
  const mine = useQuery(trpc.reservations.mine.queryOptions({ upcomingOnly: true }));
  const { claim, decline, pending } = useOfferActions();
  const offers = (mine.data ?? []).filter(
    (r) => r.status === "HELD" && (!r.expiresAt || new Date(r.expiresAt).getTime() > now),
  );
  if (offers.length === 0) return null;
  return (
    <div className="offers">
      {offers.map((r) => (
        <section key={r.id} className="offer-banner" aria-labelledby={`offer-${r.id}`}>
          <h2 id={`offer-${r.id}`}>Seat {r.seatCode} is free for you</h2>
          <p>
            {r.branch} · {r.area}, {formatRange(r.startTime, r.endTime)}
          </p>
          {r.expiresAt && (
            <p className="countdown">
              Claim it before {formatTime(r.expiresAt)} —{" "}
              {formatCountdown(new Date(r.expiresAt).getTime() - now)} left
            </p>
          )}
          <div className="actions">
            <button
              type="button"
              className="primary"
              disabled={pending}
              onClick={() => claim.mutate({ reservationId: r.id })}
            >
              Claim
            </button>
            <button type="button" disabled={pending} onClick={() => decline.mutate({ reservationId: r.id })}>
              Decline
            </button>
          </div>
        </section>
      ))}
    </div>
  );
}
