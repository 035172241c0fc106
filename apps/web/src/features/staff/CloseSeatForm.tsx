import type { RouterOutputs } from "@dlsms/api";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { errorCode, errorMessage } from "../../lib/errors";
import { useTRPC } from "../../lib/trpc";
import { AffectedBookings, bookings } from "./AffectedBookings";

export type SeatStatusChange = RouterOutputs["admin"]["setSeatStatus"];

/** A datetime-local value ("2026-12-06T12:00", the browser's time) as an ISO instant; null if unset or invalid. */
function untilInstant(value: string): string | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/**
 * Closing a seat: staff give a reason and an optional end, see which bookings the closure would
 * cancel, and confirm that count. If the bookings change before the confirmation arrives, the
 * server refuses it and the preview reloads, so nobody cancels more than they saw.
 */
export function CloseSeatForm({
  seatId,
  seatCode,
  onClosed,
  onDismiss,
}: {
  seatId: number;
  seatCode: string;
  onClosed: (change: SeatStatusChange) => void;
  onDismiss: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [reason, setReason] = useState("");
  const [untilValue, setUntilValue] = useState("");
  const reasonRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // Focus moves into the form the button just opened, so keyboard users land where they act.
    reasonRef.current?.focus();
  }, []);
  const until = untilInstant(untilValue);
  const preview = useQuery(
    trpc.admin.maintenancePreview.queryOptions(
      { seatId, ...(until ? { until } : {}) },
      // While a new end time loads, the previous count stays on screen (marked busy).
      { placeholderData: keepPreviousData },
    ),
  );
  const close = useMutation(
    trpc.admin.setSeatStatus.mutationOptions({
      onSuccess: async (change) => {
        onClosed(change);
        // Seat status shows in every listing; cancelled bookings change the staff list and totals.
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.seats.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() }),
        ]);
      },
      onError: (error) => {
        // The bookings changed since the preview: show the new set before asking again.
        if (errorCode(error) === "CONFLICT") void preview.refetch();
      },
    }),
  );
  const ready = preview.isSuccess && !preview.isPlaceholderData && !preview.isFetching;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!ready) return;
    const trimmed = reason.trim();
    close.mutate({
      seatId,
      status: "MAINTENANCE",
      // The schema refuses an empty reason; leaving it out gives the server's default wording.
      ...(trimmed ? { reason: trimmed } : {}),
      ...(until ? { until } : {}),
      expectedCancellations: preview.data.cancelled,
    });
  };
  const untilError = preview.isError ? errorMessage(preview.error) : null;
  const affected = preview.data?.reservations ?? [];

  return (
    <form className="cancel-form maintenance-form" onSubmit={submit} aria-label={`Close seat ${seatCode}`}>
      <div className="field">
        <label htmlFor={`${id}-reason`}>Reason for closing</label>
        <input
          id={`${id}-reason`}
          ref={reasonRef}
          value={reason}
          maxLength={300}
          aria-describedby={`${id}-reason-hint`}
          onChange={(e) => setReason(e.target.value)}
        />
        <p id={`${id}-reason-hint`} className="hint">
          Optional; sent to every student whose booking is cancelled.
        </p>
      </div>
      <div className="field">
        <label htmlFor={`${id}-until`}>Closed until</label>
        <input
          id={`${id}-until`}
          type="datetime-local"
          value={untilValue}
          aria-invalid={untilError ? true : undefined}
          aria-describedby={`${id}-until-hint${untilError ? ` ${id}-until-error` : ""}`}
          onChange={(e) => setUntilValue(e.target.value)}
        />
        <p id={`${id}-until-hint`} className="hint">
          Optional. The seat reopens by itself then, and bookings from then on are kept. Leave empty to keep
          it closed until you reopen it.
        </p>
        {untilError && (
          <p id={`${id}-until-error`} className="field-error" role="alert">
            {untilError}
          </p>
        )}
      </div>
      <div className="maintenance-preview" role="status" aria-busy={!ready || undefined}>
        {preview.isPending ? (
          <p>Checking the seat's bookings…</p>
        ) : preview.data ? (
          <AffectedBookings cancelled={preview.data.cancelled} affected={affected} />
        ) : null}
      </div>
      {close.isError && (
        <p className="form-error" role="alert">
          {errorMessage(close.error)}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={!ready || close.isPending}>
          {close.isPending
            ? "Closing…"
            : preview.data && preview.data.cancelled > 0
              ? `Close and cancel ${bookings(preview.data.cancelled)}`
              : "Close seat"}
        </button>
        <button type="button" className="ghost" onClick={onDismiss}>
          Keep seat open
        </button>
      </div>
    </form>
  );
}
