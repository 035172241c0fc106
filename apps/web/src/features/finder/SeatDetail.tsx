import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { Link } from "wouter";
import { Amenities } from "../../components/Icons";
import { ErrorState, Loading } from "../../components/States";
import { errorCode, errorMessage } from "../../lib/errors";
import { formatRange, nextDayStart, startOfDay } from "../../lib/time";
import { useTRPC } from "../../lib/trpc";
import { type Seat, TILE_LABEL, type TileState } from "../../lib/types";
import { RepeatWeekly } from "../series/RepeatWeekly";
import { useBookSeries } from "../series/useBookSeries";
import { JoinWaitlistButton } from "../waitlist/JoinWaitlistButton";
import { ownConflictSeat } from "./conflicts";
import { OwnConflict } from "./OwnConflict";
import { Suggestions } from "./Suggestions";
import { Timeline } from "./Timeline";
import { type Suggestion, useBook } from "./useBook";

/** A refusal because the seat is taken: the server's words and its free seats for the window. */
interface Conflict {
  message: string;
  suggestions: readonly Suggestion[];
}

interface Props {
  seat: Seat;
  state: TileState;
  window: { startTime: string; endTime: string };
  onClose: () => void;
  onSelect: (seatId: number) => void;
}

/**
 * A native modal <dialog>: focus moves into it, Escape closes it and focus returns to the tile,
 * with no focus-trap code of our own.
 */
export function SeatDetail({ seat, state, window, onClose, onSelect }: Props) {
  const trpc = useTRPC();
  const ref = useRef<HTMLDialogElement>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const dayStart = startOfDay(new Date(window.startTime));
  const dayEnd = nextDayStart(dayStart);
  const detail = useQuery(trpc.seats.get.queryOptions({ id: seat.id }));
  const day = useQuery(
    trpc.seats.availability.queryOptions({
      seatId: seat.id,
      from: dayStart.toISOString(),
      to: dayEnd.toISOString(),
    }),
  );
  const book = useBook({
    onConflict: (message, suggestions) => setConflict({ message, suggestions }),
    onBooked: onSelect,
  });
  // "Repeat weekly": null books the window once, a number books that many weeks as one series.
  const [repeatWeeks, setRepeatWeeks] = useState<number | null>(null);
  const series = useBookSeries({ onBooked: onSelect });

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  // A new seat (e.g. a booked suggestion) starts with a clean slate.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset only when the seat changes
  useEffect(() => {
    setConflict(null);
    book.reset();
    series.reset();
  }, [seat.id]);

  const bookSeat = (s: Seat) => {
    setConflict(null);
    book.mutate({ seatId: s.id, ...window });
  };
  const otherError = book.error && errorCode(book.error) !== "CONFLICT" ? errorMessage(book.error) : null;
  const maintenance = (detail.data?.status ?? seat.status) !== "ACTIVE";
  const ownSeat = conflict ? ownConflictSeat(conflict.message) : null;

  return (
    <dialog ref={ref} className="seat-detail" aria-labelledby="seat-detail-title" onClose={onClose}>
      <header>
        <h2 id="seat-detail-title">Seat {seat.code}</h2>
        <button type="button" className="ghost" onClick={() => ref.current?.close()}>
          Close
        </button>
      </header>
      <p>
        {seat.branch} · {seat.area} <Amenities power={seat.hasPower} monitor={seat.hasMonitor} />
      </p>
      <p>
        Your window: <strong>{formatRange(window.startTime, window.endTime)}</strong> —{" "}
        <span className={`badge tile-${state}`}>{TILE_LABEL[state]}</span>
      </p>
      {detail.isError && <ErrorState error={detail.error} retry={() => detail.refetch()} />}

      <h3>Bookings that day</h3>
      {day.isPending ? (
        <Loading label="Loading the day's bookings…" />
      ) : day.isError ? (
        <ErrorState error={day.error} retry={() => day.refetch()} />
      ) : (
        <Timeline dayStart={dayStart} dayEnd={dayEnd} busy={day.data.busy} window={window} />
      )}

      {maintenance ? (
        <p className="notice">This seat is under maintenance and cannot be booked right now.</p>
      ) : state === "yours" ? (
        <p className="notice">
          This seat is yours for (part of) this time. <Link href="/reservations">Go to My reservations</Link>
        </p>
      ) : state === "busy" ? (
        // Booking a seat that is taken for the window can only fail: the waitlist is the way in.
        <div className="actions">
          <p className="muted">
            This seat is taken for part of your window. Join the waitlist to be offered it if it frees up.
          </p>
          <JoinWaitlistButton target={{ seatId: seat.id, label: `seat ${seat.code}` }} window={window} />
        </div>
      ) : (
        <div className="actions">
          <RepeatWeekly weeks={repeatWeeks} onChange={setRepeatWeeks} />
          {repeatWeeks === null ? (
            <button
              type="button"
              className="primary"
              disabled={book.isPending}
              onClick={() => bookSeat(seat)}
            >
              {book.isPending ? "Booking…" : "Book"}
            </button>
          ) : (
            <button
              type="button"
              className="primary"
              disabled={series.isPending}
              onClick={() => series.mutate({ seatId: seat.id, ...window, weeks: repeatWeeks })}
            >
              {series.isPending ? "Booking…" : `Book ${repeatWeeks} weeks`}
            </button>
          )}
        </div>
      )}
      {series.error && (
        <p className="form-error" role="alert">
          <strong>Not booked.</strong> {errorMessage(series.error)}
        </p>
      )}
      {otherError && (
        <p className="form-error" role="alert">
          {otherError}
        </p>
      )}
      {conflict && (
        <div className="conflict" role="alert">
          <p>
            <strong>Not booked.</strong> {conflict.message}
          </p>
        </div>
      )}
      {conflict &&
        (ownSeat ? (
          <OwnConflict
            seat={seat}
            ownSeatCode={ownSeat}
            window={window}
            pending={book.isPending}
            onBook={bookSeat}
          />
        ) : (
          <Suggestions
            seat={seat}
            suggestions={conflict.suggestions}
            pending={book.isPending}
            onBook={bookSeat}
          />
        ))}
    </dialog>
  );
}
