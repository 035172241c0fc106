import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { toast } from "sonner";
import { errorMessage } from "../../lib/errors";
import { useTRPC } from "../../lib/trpc";
import type { StaffReservation } from "./types";

/** "Cancel booking" opens an inline reason form: a modal would be heavier and no more accessible. */
export function CancelBooking({ reservation }: { reservation: StaffReservation }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // Focus moves into the form the button just opened, so keyboard users land where they act.
    if (open) inputRef.current?.focus();
  }, [open]);
  const cancel = useMutation(
    trpc.admin.cancelReservation.mutationOptions({
      onSuccess: () => {
        toast.success(`Booking for seat ${reservation.seatCode} cancelled`);
        setOpen(false);
        // The list, totals and today's utilisation all change; the student views refetch on their own.
        return queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() });
      },
    }),
  );
  if (!open)
    return (
      <div className="actions">
        <button type="button" onClick={() => setOpen(true)}>
          Cancel booking
        </button>
      </div>
    );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const trimmed = reason.trim();
    // The schema refuses an empty reason; leaving it out gives the server's default wording.
    cancel.mutate({ id: reservation.id, ...(trimmed ? { reason: trimmed } : {}) });
  };
  return (
    <form className="cancel-form" onSubmit={submit}>
      <div className="field">
        <label htmlFor={`${id}-reason`}>Reason for cancelling</label>
        <input
          id={`${id}-reason`}
          ref={inputRef}
          value={reason}
          maxLength={300}
          aria-describedby={`${id}-hint${cancel.isError ? ` ${id}-error` : ""}`}
          onChange={(e) => setReason(e.target.value)}
        />
        <p id={`${id}-hint`} className="hint">
          Optional; sent to the student with the cancellation.
        </p>
        {cancel.isError && (
          <p id={`${id}-error`} className="field-error" role="alert">
            {errorMessage(cancel.error)}
          </p>
        )}
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={cancel.isPending}>
          {cancel.isPending ? "Cancelling…" : "Confirm cancellation"}
        </button>
        <button type="button" className="ghost" onClick={() => setOpen(false)}>
          Keep booking
        </button>
      </div>
    </form>
  );
}
