import type { RouterOutputs } from "@dlsms/api";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { errorCode, errorMessage } from "../../lib/errors";
import { useTRPC } from "../../lib/trpc";
import { AffectedBookings, bookings } from "../staff/AffectedBookings";
import { useCatalogueRefresh } from "./BranchForms";

export type SeatRetirement = RouterOutputs["admin"]["retireSeat"];

/**
 * Retiring a seat: staff give the reason students will read, see which bookings it cancels, and
 * confirm that count. If the bookings change before the confirmation arrives, the server refuses
 * and the preview reloads, so nobody cancels more than they saw.
 */
export function RetireSeatForm({
  seatId,
  seatCode,
  onRetired,
  onDismiss,
}: {
  seatId: number;
  seatCode: string;
  onRetired: (retirement: SeatRetirement) => void;
  onDismiss: () => void;
}) {
  const trpc = useTRPC();
  const refresh = useCatalogueRefresh();
  const id = useId();
  const [reason, setReason] = useState("");
  const [missing, setMissing] = useState(false);
  const reasonRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    reasonRef.current?.focus();
  }, []);
  const preview = useQuery(trpc.admin.retirePreview.queryOptions({ seatId }));
  const retire = useMutation(
    trpc.admin.retireSeat.mutationOptions({
      onSuccess: async (retirement) => {
        onRetired(retirement);
        await refresh();
      },
      onError: (error) => {
        if (errorCode(error) === "CONFLICT") void preview.refetch();
      },
    }),
  );
  const ready = preview.isSuccess && !preview.isFetching;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const trimmed = reason.trim();
    setMissing(!trimmed);
    if (!trimmed) {
      reasonRef.current?.focus();
      return;
    }
    if (!ready) return;
    retire.mutate({ seatId, reason: trimmed, expectedCancellations: preview.data.cancelled });
  };
  const affected = preview.data?.reservations ?? [];
  const waiting = preview.data?.waitlistEntries ?? 0;
  return (
    <form
      className="cancel-form retire-form"
      onSubmit={submit}
      aria-label={`Retire seat ${seatCode}`}
      noValidate
    >
      <p className="hint">
        A retired seat leaves the catalogue for good: students can no longer find or book it. Its past
        reservations stay in the history and reports.
      </p>
      <div className="field">
        <label htmlFor={`${id}-reason`}>Reason for retiring</label>
        <input
          id={`${id}-reason`}
          ref={reasonRef}
          value={reason}
          maxLength={300}
          required
          aria-invalid={missing || undefined}
          aria-describedby={`${id}-reason-hint${missing ? ` ${id}-reason-error` : ""}`}
          onChange={(e) => {
            setReason(e.target.value);
            if (e.target.value.trim()) setMissing(false);
          }}
        />
        <p id={`${id}-reason-hint`} className="hint">
          Sent to every student whose booking or waitlist entry is cancelled.
        </p>
        {missing && (
          <p id={`${id}-reason-error`} className="field-error" role="alert">
            Give a reason: students are told why their booking was cancelled.
          </p>
        )}
      </div>
      <div className="maintenance-preview" role="status" aria-busy={!ready || undefined}>
        {preview.isPending ? (
          <p>Checking the seat's bookings…</p>
        ) : preview.isError ? (
          <p className="form-error">{errorMessage(preview.error)}</p>
        ) : (
          <>
            <AffectedBookings cancelled={preview.data.cancelled} affected={affected} />
            {waiting > 0 && (
              <p>
                {waiting === 1 ? "1 student waiting" : `${waiting} students waiting`} for this seat will be
                told.
              </p>
            )}
          </>
        )}
      </div>
      {retire.isError && (
        <p className="form-error" role="alert">
          {errorMessage(retire.error)}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="danger" disabled={!ready || retire.isPending}>
          {retire.isPending
            ? "Retiring…"
            : preview.data && preview.data.cancelled > 0
              ? `Retire and cancel ${bookings(preview.data.cancelled)}`
              : "Retire seat"}
        </button>
        <button type="button" className="ghost" onClick={onDismiss}>
          Keep seat
        </button>
      </div>
    </form>
  );
}
