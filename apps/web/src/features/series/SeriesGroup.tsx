import { useMutation, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { errorMessage } from "../../lib/errors";
import { formatRange } from "../../lib/time";
import { useTRPC } from "../../lib/trpc";
import type { Reservation } from "../../lib/types";
import { ConfirmCancel } from "../reservations/ConfirmCancel";
import { ReservationCard } from "../reservations/ReservationCard";

interface Props {
  seriesId: number;
  /** The series' weeks shown here, in start order (at least one). */
  weeks: Reservation[];
  now: number;
}

/** One weekly series as one group: its dates as cards (each cancellable alone) and "Cancel series". */
export function SeriesGroup({ seriesId, weeks, now }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const cancelSeries = useMutation(
    trpc.reservations.cancelSeries.mutationOptions({
      onSuccess: ({ cancelled }) => {
        toast.success(
          cancelled.length === 1
            ? "1 week of the series cancelled"
            : `${cancelled.length} weeks of the series cancelled`,
        );
      },
      onError: (e) => {
        toast.error(errorMessage(e));
      },
      onSettled: () =>
        Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.reservations.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.seats.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.branches.pathKey() }),
        ]),
    }),
  );
  const first = weeks[0];
  if (!first) return null;
  const titleId = `series-${seriesId}-title`;
  const cancellable = weeks.some((w) => w.status === "CONFIRMED" && new Date(w.startTime).getTime() > now);

  return (
    <li className="card series-group" data-series-id={seriesId}>
      <section aria-labelledby={titleId}>
        <div className="card-head">
          <h3 id={titleId}>Weekly series · seat {first.seatCode}</h3>
          <span className="badge">{weeks.length === 1 ? "1 week" : `${weeks.length} weeks`}</span>
        </div>
        <p className="muted">
          {first.branch} · {first.area} · from {formatRange(first.startTime, first.endTime)}
        </p>
        {cancellable && (
          <div className="actions">
            <ConfirmCancel
              label="Cancel series"
              question={`Cancel every week of this series at seat ${first.seatCode} that has not started yet? This cannot be undone.`}
              disabled={cancelSeries.isPending}
              onConfirm={() => cancelSeries.mutate({ seriesId })}
            />
          </div>
        )}
        <ul className="cards series-weeks" aria-label="Weeks of this series">
          {weeks.map((r) => (
            <ReservationCard key={r.id} reservation={r} now={now} />
          ))}
        </ul>
      </section>
    </li>
  );
}
