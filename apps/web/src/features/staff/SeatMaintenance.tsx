import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useMemo, useState } from "react";
import { ErrorState, Loading } from "../../components/States";
import { errorMessage } from "../../lib/errors";
import { useTRPC } from "../../lib/trpc";

type SeatStatus = "ACTIVE" | "MAINTENANCE";

export function SeatMaintenance() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  // The unfiltered listing: its cache is shared with the student screens, and it carries status.
  const seats = useQuery(trpc.seats.list.queryOptions());
  const [branch, setBranch] = useState("");
  const [seatId, setSeatId] = useState<number | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const branches = useMemo(() => [...new Set((seats.data ?? []).map((s) => s.branch))].sort(), [seats.data]);
  const inBranch = useMemo(() => (seats.data ?? []).filter((s) => s.branch === branch), [seats.data, branch]);
  const seat = inBranch.find((s) => s.id === seatId);
  const setStatus = useMutation(
    trpc.admin.setSeatStatus.mutationOptions({
      onSuccess: (r, vars) => {
        const code = seat?.code ?? `#${vars.seatId}`;
        const n = r.cancelled === 1 ? "1 booking" : `${r.cancelled} bookings`;
        setResult(
          r.status === "MAINTENANCE"
            ? `Seat ${code} is closed for maintenance. ${n} cancelled.`
            : `Seat ${code} is open again.`,
        );
        // Seat status shows in every listing; cancelled bookings change the staff list and totals.
        return Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.seats.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() }),
        ]);
      },
    }),
  );
  const act = (status: SeatStatus) => {
    if (seatId === null) return;
    setResult(null);
    setStatus.mutate({ seatId, status });
  };

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
                  setSeatId(null);
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
                onChange={(e) => setSeatId(e.target.value ? Number(e.target.value) : null)}
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
          <div className="actions">
            <button
              type="button"
              disabled={!seat || seat.status === "MAINTENANCE" || setStatus.isPending}
              onClick={() => act("MAINTENANCE")}
            >
              Close for maintenance
            </button>
            <button
              type="button"
              disabled={!seat || seat.status === "ACTIVE" || setStatus.isPending}
              onClick={() => act("ACTIVE")}
            >
              Reopen
            </button>
          </div>
          {/* Always in the DOM, so screen readers announce the outcome when its text changes. */}
          <p className="seat-result" role="status">
            {result}
          </p>
          {setStatus.isError && (
            <p className="form-error" role="alert">
              {errorMessage(setStatus.error)}
            </p>
          )}
        </fieldset>
      )}
    </section>
  );
}
