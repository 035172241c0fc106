import { useMutation, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { Amenities } from "../../components/Icons";
import { errorMessage } from "../../lib/errors";
import { formatCountdown, formatRange } from "../../lib/time";
import { useTRPC } from "../../lib/trpc";
import type { Reservation } from "../../lib/types";
import { ReservationHistory } from "../history/ReservationHistory";
import { AwayControls } from "./AwayControls";
import { ConfirmCancel } from "./ConfirmCancel";
import { downloadIcs } from "./calendar";
import { cancelledBecause } from "./cancelReason";
import { checkInPhase } from "./checkInWindow";
import { StatusBadge } from "./StatusBadge";

interface Props {
  reservation: Reservation;
  now: number;
}

export function ReservationCard({ reservation: r, now }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.reservations.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.seats.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.branches.pathKey() }),
    ]);
  const opts = (done: string) => ({
    onSuccess: () => {
      toast.success(done);
      return refresh();
    },
    onError: (e: unknown) => {
      toast.error(errorMessage(e));
      return refresh();
    },
  });
  const checkIn = useMutation(trpc.reservations.checkIn.mutationOptions(opts(`Checked in at ${r.seatCode}`)));
  const cancel = useMutation(trpc.reservations.cancel.mutationOptions(opts("Reservation cancelled")));
  const release = useMutation(trpc.reservations.release.mutationOptions(opts(`Seat ${r.seatCode} released`)));
  const busy = checkIn.isPending || cancel.isPending || release.isPending;

  const phase = checkInPhase(r, now);
  const confirmed = r.status === "CONFIRMED";
  const seated = r.status === "CHECKED_IN" || r.status === "AWAY";
  const ended = new Date(r.endTime).getTime() <= now;
  const titleId = `res-${r.id}-title`;

  return (
    <li className="card reservation" aria-labelledby={titleId} data-reservation-id={r.id}>
      <div className="card-head">
        <h3 id={titleId}>
          Seat {r.seatCode} <Amenities power={r.hasPower} monitor={r.hasMonitor} />
        </h3>
        <StatusBadge status={r.status} />
      </div>
      <p>{formatRange(r.startTime, r.endTime)}</p>
      <p className="muted">
        {r.branch} · {r.area}
      </p>
      {r.status === "CANCELLED" && r.cancelReason && (
        <p className="cancel-reason">{cancelledBecause(r.cancelReason)}</p>
      )}
      {confirmed && !ended && (
        <p className="countdown" aria-live="off">
          {phase.phase === "before"
            ? `Check-in opens in ${formatCountdown(phase.opensInMs)}`
            : phase.phase === "open"
              ? `Check-in open — closes in ${formatCountdown(phase.closesInMs)}`
              : "The check-in window has passed."}
        </p>
      )}
      {(confirmed || seated) && !ended && (
        <div className="actions">
          {confirmed && (
            <button
              type="button"
              className="primary"
              disabled={busy || phase.phase !== "open"}
              onClick={() => checkIn.mutate({ id: r.id })}
            >
              Check in
            </button>
          )}
          {confirmed && phase.phase !== "after" && (
            <ConfirmCancel
              question={`Cancel seat ${r.seatCode} for ${formatRange(r.startTime, r.endTime)}? This cannot be undone.`}
              disabled={busy}
              onConfirm={() => cancel.mutate({ id: r.id })}
            />
          )}
          {seated && <AwayControls reservation={r} now={now} disabled={busy} options={opts} />}
          {seated && (
            <button
              type="button"
              className="primary"
              disabled={busy}
              onClick={() => release.mutate({ id: r.id })}
            >
              I'm leaving
            </button>
          )}
          <button
            type="button"
            className="ghost"
            onClick={() => downloadIcs(r).catch((e: unknown) => toast.error(errorMessage(e)))}
          >
            Add to calendar
          </button>
        </div>
      )}
      <ReservationHistory reservationId={r.id} />
    </li>
  );
}
