import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { errorMessage } from "../../lib/errors";
import { useTRPC } from "../../lib/trpc";
import { useCatalogueRefresh } from "./BranchForms";
import type { CatalogueSeat } from "./types";

interface SeatFields {
  code: string;
  area: string;
  hasPower: boolean;
  hasMonitor: boolean;
}

/**
 * Adding a seat to a branch (no `seat`) or editing one: code, area, power and monitor. A new
 * seat's code may be left empty for the branch's next free number. Only changed fields are sent.
 */
export function SeatForm({
  branch,
  seat,
  onSaved,
  onDismiss,
}: {
  branch: string;
  seat?: CatalogueSeat;
  onSaved: (message: string) => void;
  onDismiss?: () => void;
}) {
  const trpc = useTRPC();
  const refresh = useCatalogueRefresh();
  const id = useId();
  const empty: SeatFields = { code: "", area: "", hasPower: false, hasMonitor: false };
  const [fields, setFields] = useState<SeatFields>(seat ? { ...seat } : empty);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // An edit form opens from a button: keyboard users land in it.
    if (seat) first.current?.focus();
  }, [seat]);
  const set = <K extends keyof SeatFields>(key: K, value: SeatFields[K]) =>
    setFields((f) => ({ ...f, [key]: value }));
  const create = useMutation(
    trpc.admin.createSeat.mutationOptions({
      onSuccess: async (created) => {
        setFields(empty);
        await refresh();
        onSaved(`Seat ${created.code} added to ${branch}.`);
      },
    }),
  );
  const update = useMutation(
    trpc.admin.updateSeat.mutationOptions({
      onSuccess: async (updated) => {
        await refresh();
        onSaved(`Seat ${updated.code} saved.`);
      },
    }),
  );
  const saving = seat ? update : create;
  const code = fields.code.trim().toUpperCase();
  const area = fields.area.trim();
  const changes = seat
    ? {
        ...(code !== seat.code ? { code } : {}),
        ...(area !== seat.area ? { area } : {}),
        ...(fields.hasPower !== seat.hasPower ? { hasPower: fields.hasPower } : {}),
        ...(fields.hasMonitor !== seat.hasMonitor ? { hasMonitor: fields.hasMonitor } : {}),
      }
    : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (seat && changes) {
      update.mutate({ seatId: seat.id, ...changes });
    } else {
      create.mutate({
        branch,
        area,
        hasPower: fields.hasPower,
        hasMonitor: fields.hasMonitor,
        ...(code ? { code } : {}),
      });
    }
  };
  const label = seat ? `Edit seat ${seat.code}` : `New seat in ${branch}`;
  return (
    <form className="catalogue-form" onSubmit={submit} aria-label={label}>
      {!seat && <h3>New seat</h3>}
      <div className="row catalogue-row">
        <div className="field">
          <label htmlFor={`${id}-code`}>Seat code</label>
          <input
            id={`${id}-code`}
            ref={first}
            value={fields.code}
            maxLength={20}
            required={Boolean(seat)}
            aria-describedby={seat ? undefined : `${id}-code-hint`}
            onChange={(e) => set("code", e.target.value)}
          />
          {!seat && (
            <p id={`${id}-code-hint`} className="hint">
              Optional: empty gives the library's next number.
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor={`${id}-area`}>Area</label>
          <input
            id={`${id}-area`}
            value={fields.area}
            maxLength={100}
            required
            onChange={(e) => set("area", e.target.value)}
          />
        </div>
      </div>
      <div className="row checks">
        <label className="check">
          <input
            type="checkbox"
            checked={fields.hasPower}
            onChange={(e) => set("hasPower", e.target.checked)}
          />
          Power socket
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={fields.hasMonitor}
            onChange={(e) => set("hasMonitor", e.target.checked)}
          />
          Monitor
        </label>
      </div>
      {saving.isError && (
        <p className="form-error" role="alert">
          {errorMessage(saving.error)}
        </p>
      )}
      <div className="actions">
        <button
          type="submit"
          className="primary"
          disabled={saving.isPending || (changes !== null && Object.keys(changes).length === 0)}
        >
          {saving.isPending ? "Saving…" : seat ? "Save seat" : "Add seat"}
        </button>
        {onDismiss && (
          <button type="button" className="ghost" onClick={onDismiss}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
