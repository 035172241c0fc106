import { useMutation } from "@tanstack/react-query";
import { useId, useState } from "react";
import { libraryConfig } from "../../lib/libraryConfig";
import { formatCountdown, formatTime } from "../../lib/time";
import { useTRPC } from "../../lib/trpc";
import type { Reservation } from "../../lib/types";

/** Break lengths offered, cut to the server's AWAY_MAX_MINUTES (which is always offered). */
export function breakChoices(max: number): number[] {
  return [...new Set([5, 10, 15, 20, 30, 45, 60, max])].filter((m) => m <= max).sort((a, b) => a - b);
}

interface Props {
  reservation: Reservation;
  now: number;
  disabled: boolean;
  /** What the card does after any change: a toast and fresh lists. */
  options: (done: string) => { onSuccess: () => Promise<unknown>; onError: (e: unknown) => Promise<unknown> };
}

/**
 * A checked-in student may step away for a short break (the seat stays theirs); while away the
 * card counts down to the break's end and offers "I'm back". Not back in time: the reservation
 * ends and the seat goes to the waitlist, so the countdown says so.
 */
export function AwayControls({ reservation: r, now, disabled, options }: Props) {
  const trpc = useTRPC();
  const { awayMaxMinutes, awayBreaks } = libraryConfig();
  const choices = breakChoices(awayMaxMinutes);
  const [minutes, setMinutes] = useState(() => Math.min(15, awayMaxMinutes));
  const selectId = useId();
  const away = useMutation(
    trpc.reservations.away.mutationOptions(options(`Break started: seat ${r.seatCode} stays yours`)),
  );
  const back = useMutation(
    trpc.reservations.back.mutationOptions(options(`Welcome back to seat ${r.seatCode}`)),
  );
  const busy = disabled || away.isPending || back.isPending;

  if (r.status === "AWAY" && r.awayUntil) {
    const left = new Date(r.awayUntil).getTime() - now;
    return (
      <>
        <p className="countdown" aria-live="off">
          {left > 0
            ? `On a break until ${formatTime(r.awayUntil)} — ${formatCountdown(left)} left to come back`
            : "Your break has run out."}
        </p>
        <button
          type="button"
          className="primary"
          disabled={busy || left <= 0}
          onClick={() => back.mutate({ id: r.id })}
        >
          I'm back
        </button>
      </>
    );
  }
  if (r.status !== "CHECKED_IN") return null;
  const breaksLeft = awayBreaks - r.awayBreaks;
  if (breaksLeft <= 0) return <p className="muted">No breaks left for this reservation.</p>;
  return (
    <div className="away-form">
      <label htmlFor={selectId}>Break</label>
      <select
        id={selectId}
        value={minutes}
        disabled={busy}
        onChange={(e) => setMinutes(Number(e.target.value))}
      >
        {choices.map((m) => (
          <option key={m} value={m}>
            {m} min
          </option>
        ))}
      </select>
      <button type="button" disabled={busy} onClick={() => away.mutate({ id: r.id, minutes })}>
        Step away
      </button>
      <span className="muted">
        {breaksLeft} of {awayBreaks} {awayBreaks === 1 ? "break" : "breaks"} left
      </span>
    </div>
  );
}
