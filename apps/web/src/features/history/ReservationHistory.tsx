import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { ErrorState, Loading } from "../../components/States";
import { formatDateTime } from "../../lib/time";
import { useTRPC } from "../../lib/trpc";
import "./history.css";

/** What each audited action reads as, for students and staff alike. */
const ACTION_WORDS: Record<string, string> = {
  created: "Booked",
  booked_for: "Booked by library staff",
  checked_in: "Checked in",
  cancelled: "Cancelled",
  staff_cancelled: "Cancelled by library staff",
  released: "Released (left early)",
  no_show: "Marked as a no-show",
  completed: "Completed",
  offered: "Offered from the waitlist",
  claimed: "Offer claimed",
  declined: "Offer declined",
  offer_expired: "Offer expired",
  stepped_away: "Stepped away (break)",
  back: "Back from the break",
  away_ended: "Ended: the break ran out",
};

export const actionWords = (action: string): string => ACTION_WORDS[action] ?? action.replaceAll("_", " ");

/**
 * A reservation's history behind a disclosure button: fetched only when opened. Staff read any
 * reservation's (admin.history); a student reads their own (reservations.history).
 */
export function ReservationHistory({
  reservationId,
  staff = false,
}: {
  reservationId: number;
  staff?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  return (
    <div className="history">
      <button
        type="button"
        className="ghost"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
      >
        {open ? "Hide history" : "History"}
      </button>
      <div id={panelId} hidden={!open}>
        {open && <HistoryList reservationId={reservationId} staff={staff} />}
      </div>
    </div>
  );
}

function HistoryList({ reservationId, staff }: { reservationId: number; staff: boolean }) {
  const trpc = useTRPC();
  const history = useQuery(
    staff
      ? trpc.admin.history.queryOptions({ reservationId })
      : trpc.reservations.history.queryOptions({ id: reservationId }),
  );
  if (history.isPending) return <Loading label="Loading history…" />;
  if (history.isError) return <ErrorState error={history.error} retry={() => history.refetch()} />;
  if (history.data.length === 0) return <p className="muted">No history recorded.</p>;
  return (
    <ol className="history-list" aria-label={`History of reservation ${reservationId}`}>
      {history.data.map((h, i) => (
        // The trail is append-only and ordered: the position is a stable key.
        // biome-ignore lint/suspicious/noArrayIndexKey: entries have no id on the wire
        <li key={i}>
          <span className="history-action">{actionWords(h.action)}</span>{" "}
          <span className="muted">
            {formatDateTime(h.at)} ·{" "}
            {h.actor ? `${h.actor.name}${h.actor.role === "admin" ? " (staff)" : ""}` : "the system"}
          </span>
          {h.reason && <span className="history-reason">Reason: {h.reason}</span>}
        </li>
      ))}
    </ol>
  );
}
