import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { Link } from "wouter";
import { Empty, ErrorState, Loading } from "../components/States";
import { ReservationCard } from "../features/reservations/ReservationCard";
import { groupBySeries } from "../features/series/groupBySeries";
import { SeriesGroup } from "../features/series/SeriesGroup";
import { StandingNotice } from "../features/standing/StandingNotice";
import { useTRPC } from "../lib/trpc";
import { ACTIVE_STATUSES, type Reservation } from "../lib/types";
import { useNow } from "../lib/useNow";

export function ReservationsPage() {
  const trpc = useTRPC();
  const now = useNow(1_000);
  const mine = useQuery(trpc.reservations.mine.queryOptions({}));
  useEffect(() => {
    document.title = "My reservations · DL-SMS";
  }, []);

  if (mine.isPending) return <Loading label="Loading your reservations…" />;
  if (mine.isError) return <ErrorState error={mine.error} retry={() => mine.refetch()} />;

  // Offers (HELD) are shown by the offer banner, not here.
  const isUpcoming = (r: Reservation) =>
    ACTIVE_STATUSES.has(r.status) && r.status !== "HELD" && new Date(r.endTime).getTime() > now;
  const upcoming = mine.data.filter(isUpcoming).sort((a, b) => a.startTime.localeCompare(b.startTime));
  const past = mine.data.filter((r) => !isUpcoming(r) && r.status !== "HELD");

  return (
    <>
      <h1>My reservations</h1>
      <StandingNotice />
      <section aria-labelledby="upcoming-title">
        <h2 id="upcoming-title">Upcoming</h2>
        {upcoming.length === 0 ? (
          <Empty>
            <p>
              No upcoming reservations. <Link href="/">Find a seat</Link>
            </p>
          </Empty>
        ) : (
          <ul className="cards">
            {/* A weekly series is one group of its upcoming weeks. */}
            {groupBySeries(upcoming).map((item) =>
              item.kind === "series" ? (
                <SeriesGroup
                  key={`series-${item.seriesId}`}
                  seriesId={item.seriesId}
                  weeks={item.weeks}
                  now={now}
                />
              ) : (
                <ReservationCard key={item.reservation.id} reservation={item.reservation} now={now} />
              ),
            )}
          </ul>
        )}
      </section>
      <section aria-labelledby="past-title">
        <h2 id="past-title">Past</h2>
        {past.length === 0 ? (
          <Empty>
            <p>Nothing here yet.</p>
          </Empty>
        ) : (
          <ul className="cards">
            {past.map((r) => (
              <ReservationCard key={r.id} reservation={r} now={now} />
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
