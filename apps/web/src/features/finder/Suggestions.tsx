import { Amenities } from "../../components/Icons";
import type { Seat } from "../../lib/types";
import { type Suggestion, suggestedSeat } from "./useBook";

interface Props {
  seat: Seat;
  /** Free seats for the same window, nearest first, as the server sent them with the refusal. */
  suggestions: readonly Suggestion[];
  pending: boolean;
  onBook: (seat: Seat) => void;
}

/** Free seats for the same window: the next best thing after a conflict, with no second query. */
export function Suggestions({ seat, suggestions, pending, onBook }: Props) {
  if (suggestions.length === 0) {
    return <p className="muted">No other seat is free for this time. Try another time.</p>;
  }
  const sameArea = suggestions.every((s) => s.branch === seat.branch && s.area === seat.area);
  return (
    <div className="suggestions">
      <h3>{sameArea ? `Free nearby in ${seat.area}` : "Free nearby"}</h3>
      <ul>
        {suggestions.map((s) => (
          <li key={s.seatId}>
            <span className="code">{s.code}</span>
            {!sameArea && (
              <span className="muted">{s.branch === seat.branch ? s.area : `${s.branch} · ${s.area}`}</span>
            )}
            <Amenities power={s.hasPower} monitor={s.hasMonitor} />
            <button
              type="button"
              className="primary"
              disabled={pending}
              onClick={() => onBook(suggestedSeat(s))}
            >
              Book {s.code}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
