import { useQuery } from "@tanstack/react-query";
import { Amenities } from "../../components/Icons";
import { ErrorState, Loading } from "../../components/States";
import { useTRPC } from "../../lib/trpc";
import type { Seat } from "../../lib/types";

interface Props {
  seat: Seat;
  window: { startTime: string; endTime: string };
  pending: boolean;
  onBook: (seat: Seat) => void;
}

/** Free seats in the same area for the same window: the next best thing after a conflict. */
export function Suggestions({ seat, window, pending, onBook }: Props) {
  const trpc = useTRPC();
  const query = useQuery(
    trpc.seats.list.queryOptions({ branch: seat.branch, area: seat.area, availableOnly: true, ...window }),
  );
  if (query.isPending) return <Loading label="Looking for free seats nearby…" />;
  if (query.isError) return <ErrorState error={query.error} retry={() => query.refetch()} />;
  const options = query.data.filter((s) => s.id !== seat.id && s.status === "ACTIVE").slice(0, 4);
  if (options.length === 0) {
    return (
      <p className="muted">No other seat in {seat.area} is free for this time. Try another time or area.</p>
    );
  }
  return (
    <div className="suggestions">
      <h3>Free nearby in {seat.area}</h3>
      <ul>
        {options.map((s) => (
          <li key={s.id}>
            <span className="code">{s.code}</span>
            <Amenities power={s.hasPower} monitor={s.hasMonitor} />
            <button type="button" className="primary" disabled={pending} onClick={() => onBook(s)}>
              Book {s.code}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
