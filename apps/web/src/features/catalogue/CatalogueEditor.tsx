import { useMutation, useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { ErrorState, Loading } from "../../components/States";
import { errorMessage } from "../../lib/errors";
import { formatDay } from "../../lib/time";
import { useTRPC } from "../../lib/trpc";
import { CloseSeatForm } from "../staff/CloseSeatForm";
import { NewBranchForm, RenameBranchForm, useCatalogueRefresh } from "./BranchForms";
import { RetireSeatForm } from "./RetireSeatForm";
import { SeatForm } from "./SeatForm";
import { amenities, bookings, type CatalogueBranch, type CatalogueSeat } from "./types";
import "./catalogue.css";

type Panel = { seatId: number; mode: "edit" | "maintenance" | "retire" } | null;

/** Staff's catalogue editor: branches (create, rename) and a branch's seats (add, edit, close, retire). */
export function CatalogueEditor() {
  const trpc = useTRPC();
  const id = useId();
  const catalogue = useQuery(trpc.admin.catalogue.queryOptions());
  const [branchId, setBranchId] = useState<number | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const branch = catalogue.data?.find((b) => b.id === branchId);

  return (
    <section aria-labelledby="catalogue-title" className="staff-section catalogue">
      <h2 id="catalogue-title">Catalogue</h2>
      {catalogue.isPending ? (
        <Loading label="Loading the catalogue…" />
      ) : catalogue.isError ? (
        <ErrorState error={catalogue.error} retry={() => catalogue.refetch()} />
      ) : (
        <>
          <div className="field">
            <label htmlFor={`${id}-branch`}>Library to edit</label>
            <select
              id={`${id}-branch`}
              value={branchId ?? ""}
              onChange={(e) => {
                setBranchId(e.target.value ? Number(e.target.value) : null);
                setMessage(null);
              }}
            >
              <option value="">Choose a library</option>
              {catalogue.data.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name} ({b.code})
                </option>
              ))}
            </select>
          </div>
          {/* Always in the DOM, so screen readers announce each outcome when its text changes. */}
          <p className="seat-result" role="status">
            {message}
          </p>
          {branch ? (
            <BranchEditor key={branch.id} branch={branch} onMessage={setMessage} />
          ) : (
            <NewBranchForm
              onCreated={(created) => {
                setBranchId(created.id);
                setMessage(`Library ${created.name} created. Add its seats below.`);
              }}
            />
          )}
        </>
      )}
    </section>
  );
}

function BranchEditor({ branch, onMessage }: { branch: CatalogueBranch; onMessage: (m: string) => void }) {
  const [panel, setPanel] = useState<Panel>(null);
  const open = branch.seats.filter((s) => s.status !== "RETIRED");
  const retired = branch.seats.filter((s) => s.status === "RETIRED");
  return (
    <>
      <RenameBranchForm branch={branch} onRenamed={(name) => onMessage(`Library renamed to ${name}.`)} />
      <h3>
        Seats of {branch.name} <span className="muted">({open.length})</span>
      </h3>
      {open.length === 0 ? (
        <p className="muted">No seats yet.</p>
      ) : (
        <ul className="cards catalogue-seats">
          {open.map((seat) => (
            <SeatCard
              key={seat.id}
              branch={branch.name}
              seat={seat}
              mode={panel?.seatId === seat.id ? panel.mode : null}
              setMode={(mode) => setPanel(mode ? { seatId: seat.id, mode } : null)}
              onMessage={onMessage}
            />
          ))}
        </ul>
      )}
      <SeatForm branch={branch.name} onSaved={onMessage} />
      {retired.length > 0 && (
        <details className="retired-seats">
          <summary>Retired seats ({retired.length})</summary>
          <ul>
            {retired.map((s) => (
              <li key={s.id}>
                {s.code}, {s.area}
                {s.retiredAt ? `, retired ${formatDay(s.retiredAt)}` : ""}
                {s.retiredReason ? `: ${s.retiredReason}` : ""}
              </li>
            ))}
          </ul>
        </details>
      )}
    </>
  );
}

function SeatCard({
  branch,
  seat,
  mode,
  setMode,
  onMessage,
}: {
  branch: string;
  seat: CatalogueSeat;
  mode: "edit" | "maintenance" | "retire" | null;
  setMode: (mode: "edit" | "maintenance" | "retire" | null) => void;
  onMessage: (m: string) => void;
}) {
  const trpc = useTRPC();
  const refresh = useCatalogueRefresh();
  const reopen = useMutation(
    trpc.admin.setSeatStatus.mutationOptions({
      onSuccess: async () => {
        onMessage(`Seat ${seat.code} is open again.`);
        await refresh();
      },
    }),
  );
  const closed = seat.status === "MAINTENANCE";
  const hidden = <span className="sr-only"> seat {seat.code}</span>;
  return (
    <li className="card">
      <div className="card-head">
        <h4>{seat.code}</h4>
        {closed && <span className="badge status-held">Maintenance</span>}
      </div>
      <p>
        {seat.area} · {amenities(seat)}
      </p>
      {closed && seat.maintenanceReason && <p className="closure-state">Closed: {seat.maintenanceReason}</p>}
      {mode === "edit" ? (
        <SeatForm
          branch={branch}
          seat={seat}
          onSaved={(m) => {
            setMode(null);
            onMessage(m);
          }}
          onDismiss={() => setMode(null)}
        />
      ) : mode === "maintenance" ? (
        <CloseSeatForm
          seatId={seat.id}
          seatCode={seat.code}
          onClosed={(change) => {
            setMode(null);
            onMessage(
              `Seat ${seat.code} is closed for maintenance. ${bookings(change.cancelled)} cancelled.`,
            );
            void refresh();
          }}
          onDismiss={() => setMode(null)}
        />
      ) : mode === "retire" ? (
        <RetireSeatForm
          seatId={seat.id}
          seatCode={seat.code}
          onRetired={(r) => {
            setMode(null);
            onMessage(`Seat ${r.seatCode} is retired. ${bookings(r.cancelled)} cancelled.`);
          }}
          onDismiss={() => setMode(null)}
        />
      ) : (
        <div className="actions">
          <button type="button" onClick={() => setMode("edit")}>
            Edit{hidden}
          </button>
          {closed ? (
            <button
              type="button"
              disabled={reopen.isPending}
              onClick={() => reopen.mutate({ seatId: seat.id, status: "ACTIVE" })}
            >
              Reopen{hidden}
            </button>
          ) : (
            <button type="button" onClick={() => setMode("maintenance")}>
              Close for maintenance{hidden}
            </button>
          )}
          <button type="button" className="danger" onClick={() => setMode("retire")}>
            Retire{hidden}
          </button>
        </div>
      )}
      {reopen.isError && (
        <p className="form-error" role="alert">
          {errorMessage(reopen.error)}
        </p>
      )}
    </li>
  );
}
