import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "wouter";
import { errorMessage } from "../../lib/errors";
import { formatRange } from "../../lib/time";
import { useTRPC } from "../../lib/trpc";
import type { Seat } from "../../lib/types";
import { blockingReservation } from "./conflicts";

interface Props {
  seat: Seat;
  ownSeatCode: string;
  window: { startTime: string; endTime: string };
  pending: boolean;
  onBook: (seat: Seat) => void;
}

/**
 * After a clash with the student's own booking every other seat would fail the same way, so
 * instead of "free nearby" this offers to move that booking here (cancel it, then book).
 */
export function OwnConflict({ seat, ownSeatCode, window, pending, onBook }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mine = useQuery(trpc.reservations.mine.queryOptions({ upcomingOnly: true }));
  const own = blockingReservation(mine.data, ownSeatCode, window);
  const cancel = useMutation(
    trpc.reservations.cancel.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.reservations.pathKey() });
        onBook(seat);
      },
    }),
  );
  const canMove = own && own.status === "CONFIRMED";
  return (
    <div className="own-conflict">
      <h3>You already have a seat then</h3>
      <p>
        You already have seat {ownSeatCode}
        {own ? ` for ${formatRange(own.startTime, own.endTime)}` : ""}. You can hold one seat at a time.
      </p>
      <div className="actions">
        {canMove && (
          <button
            type="button"
            className="primary"
            disabled={pending || cancel.isPending}
            onClick={() => cancel.mutate({ id: own.id })}
          >
            {cancel.isPending ? "Moving…" : `Cancel ${ownSeatCode} and book ${seat.code}`}
          </button>
        )}
        <Link href="/reservations">Go to My reservations</Link>
      </div>
      {cancel.isError && (
        <p className="form-error" role="alert">
          {errorMessage(cancel.error)}
        </p>
      )}
    </div>
  );
}
