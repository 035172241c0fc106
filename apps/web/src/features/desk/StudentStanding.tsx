import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { toast } from "sonner";
import { ErrorState, Loading } from "../../components/States";
import { errorMessage } from "../../lib/errors";
import { formatDateTime } from "../../lib/time";
import { useTRPC } from "../../lib/trpc";

/** The student's no-show strikes and suspension at the desk, and the Pardon that lifts them. */
export function StudentStanding({ studentId, name }: { studentId: string; name: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [reason, setReason] = useState("");
  const standing = useQuery(trpc.admin.studentStanding.queryOptions({ studentId }));
  const pardon = useMutation(
    trpc.admin.pardon.mutationOptions({
      onSuccess: () => {
        toast.success(`${name} pardoned: strikes and suspension cleared`);
        setReason("");
        return queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() });
      },
    }),
  );
  if (standing.isPending) return <Loading label="Loading the student's standing…" />;
  if (standing.isError) return <ErrorState error={standing.error} retry={() => standing.refetch()} />;
  const { strikes, suspendedUntil, strikeLimit, strikeWindowDays } = standing.data;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    pardon.mutate({ studentId, reason: reason.trim() });
  };
  return (
    <section className="desk-standing" aria-labelledby={`${id}-title`}>
      <h4 id={`${id}-title`}>No-show standing</h4>
      <p data-standing={suspendedUntil ? "suspended" : "ok"}>
        {strikes} of {strikeLimit} strikes in the last {strikeWindowDays} days.{" "}
        {suspendedUntil ? (
          <strong>Booking suspended until {formatDateTime(suspendedUntil)}.</strong>
        ) : (
          "Not suspended."
        )}
      </p>
      {(strikes > 0 || suspendedUntil) && (
        <form className="desk-pardon" aria-label={`Pardon ${name}`} onSubmit={submit}>
          <div className="field">
            <label htmlFor={`${id}-reason`}>Reason for the pardon</label>
            <input
              id={`${id}-reason`}
              value={reason}
              maxLength={300}
              required
              aria-describedby={`${id}-hint${pardon.isError ? ` ${id}-error` : ""}`}
              onChange={(e) => setReason(e.target.value)}
            />
            <p id={`${id}-hint`} className="hint">
              Recorded in the audit trail with your name.
            </p>
            {pardon.isError && (
              <p id={`${id}-error`} className="field-error" role="alert">
                {errorMessage(pardon.error)}
              </p>
            )}
          </div>
          <div className="actions">
            <button type="submit" className="primary" disabled={pardon.isPending}>
              {pardon.isPending ? "Pardoning…" : `Pardon ${name}`}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
