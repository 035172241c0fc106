import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useMemo, useState } from "react";
import { ErrorState, Loading } from "../../components/States";
import { errorMessage } from "../../lib/errors";
import { formatDay, formatTime } from "../../lib/time";
import { useTRPC } from "../../lib/trpc";
import { CloseSeatForm, type SeatStatusChange } from "./CloseSeatForm";

const when = (iso: string) => `${formatDay(iso)}, ${formatTime(iso)}`;

export function SeatMaintenance() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  // The unfiltered listing: its cache is shared with the student screens, and it carries status.
  const seats = useQuery(trpc.seats.list.queryOptions());
  const [branch, setBranch] = useState("");
  const [seatId, setSeatId] = useState<number | null>(null);
  const [closing, setClosing] = useState(false);
  const [result, setResult] = useState<string | null>(null);
  const branches = useMemo(() => [...new Set((seats.data ?? []).map((s) => s.branch))].sort(), [seats.data]);
  const inBranch = useMemo(() => (seats.data ?? []).filter((s) => s.branch === branch), [seats.data, branch]);
  const seat = inBranch.find((s) => s.id === seatId);
  // A closed seat's end time and reason come with the preview (the listing carries neither).
  const closure = useQuery(
    trpc.admin.maintenancePreview.queryOptions(
      { seatId: seat?.id ?? 0 },
      { enabled: seat?.status === "MAINTENANCE" && !closing },
    ),
  );
  const reopen = useMutation(
    trpc.admin.setSeatStatus.mutationOptions({
      onSuccess: () => {
        setResult(`Seat ${seat?.code ?? ""} is open again.`);
        return Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.seats.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() }),
        ]);
      },
    }),
  );
  const choose = (next: number | null) => {
    setSeatId(next);
    setClosing(false);
  };
  const closed = (change: SeatStatusChange) => {
    setClosing(false);
    const n = change.cancelled === 1 ? "1 booking" : `${change.cancelled} bookings`;
    const until = change.until ? ` until ${when(change.until)}` : "";
    setResult(`Seat ${seat?.code ?? `#${change.seatId}`} is closed for maintenance${until}. ${n} cancelled.`);
  };
  const current = seat?.status === "MAINTENANCE" ? closure.data : undefined;

  return (
    <section aria-labelledby="staff-seat-title" className="staff-section">
      <h2 id="staff-seat-title">Seat maintenance</h2>
      {seats.isPending ? (
        <Loading label="Loading seats…" />
      ) : seats.isError ? (
        <ErrorState error={seats.error} retry={() => seats.refetch()} />
      ) : (
        <fieldset>
          <legend>Choose a seat</legend>
          <div className="row">
            <div className="field">
              <label htmlFor={`${id}-branch`}>Branch</label>
              <select
                id={`${id}-branch`}
                value={branch}
                onChange={(e) => {
                  setBranch(e.target.value);
                  choose(null);
                }}
              >
                <option value="">Choose a branch</option>
                {branches.map((b) => (
                  <option key={b} value={b}>
                    {b}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={`${id}-seat`}>Seat</label>
              <select
                id={`${id}-seat`}
                value={seatId ?? ""}
                disabled={!branch}
                onChange={(e) => choose(e.target.value ? Number(e.target.value) : null)}
              >
                <option value="">Choose a seat</option>
                {inBranch.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.status === "MAINTENANCE" ? `${s.code} (closed for maintenance)` : s.code}
                  </option>
                ))}
              </select>
            </div>
          </div>
          {current && (
            <p className="closure-state">
              Closed for maintenance
              {current.maintenanceUntil ? ` until ${when(current.maintenanceUntil)}` : " until reopened"}
              {current.maintenanceReason ? `: ${current.maintenanceReason}` : "."}
            </p>
          )}
          {closing && seat ? (
            <CloseSeatForm
              seatId={seat.id}
              seatCode={seat.code}
              onClosed={closed}
              onDismiss={() => setClosing(false)}
            />
          ) : (
            <div className="actions">
              <button
                type="button"
                disabled={!seat || seat.status === "MAINTENANCE"}
                onClick={() => {
                  setResult(null);
                  setClosing(true);
                }}
              >
                Close for maintenance
              </button>
              <button
                type="button"
                disabled={!seat || seat.status === "ACTIVE" || reopen.isPending}
                onClick={() => {
                  if (!seat) return;
                  setResult(null);
                  reopen.mutate({ seatId: seat.id, status: "ACTIVE" });
                }}
              >
                Reopen
              </button>
            </div>
          )}
          {/* Always in the DOM, so screen readers announce the outcome when its text changes. */}
          <p className="seat-result" role="status">
            {result}
          </p>
          {reopen.isError && (
            <p className="form-error" role="alert">
              {errorMessage(reopen.error)}
            </p>
          )}
        </fieldset>
      )}
    </section>
  );
}
