import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { ErrorState, Loading } from "../../components/States";
import { errorMessage } from "../../lib/errors";
import { dateValue, formatDay, zoneLabel } from "../../lib/time";
import { useTRPC } from "../../lib/trpc";
import { type BranchInfo, DAY_NAMES, type OpeningStretch, weekSummary } from "./openHours";
import "./hours.css";

/** Staff: a branch's week (stretches per day) and its closed days. */
export function HoursEditor() {
  const trpc = useTRPC();
  const id = useId();
  const branches = useQuery(trpc.branches.list.queryOptions());
  const [name, setName] = useState("");
  const branch = branches.data?.find((b) => b.name === name);

  return (
    <section aria-labelledby="staff-hours-title" className="staff-section">
      <h2 id="staff-hours-title">Opening hours and closures</h2>
      {branches.isPending ? (
        <Loading label="Loading branches…" />
      ) : branches.isError ? (
        <ErrorState error={branches.error} retry={() => branches.refetch()} />
      ) : (
        <>
          <div className="field">
            <label htmlFor={`${id}-branch`}>Library</label>
            <select id={`${id}-branch`} value={name} onChange={(e) => setName(e.target.value)}>
              <option value="">Choose a branch</option>
              {(branches.data ?? []).map((b) => (
                <option key={b.name} value={b.name}>
                  {b.name}
                </option>
              ))}
            </select>
          </div>
          {branch && (
            <>
              {/* Keyed by branch: switching branch starts from that branch's saved week. */}
              <WeekForm key={branch.name} branch={branch} />
              <Closures branch={branch} />
            </>
          )}
        </>
      )}
    </section>
  );
}

/** A stretch being edited; `key` keeps its inputs' identity while stretches are added and removed. */
interface DraftStretch {
  key: number;
  open: string;
  close: string;
}
type Draft = Record<number, DraftStretch[]>;

let nextKey = 0;
const stretch = (open: string, close: string): DraftStretch => ({ key: nextKey++, open, close });

function draftOf(hours: OpeningStretch[] | null): Draft {
  const draft: Draft = {};
  for (let day = 1; day <= 7; day++) {
    // Never set: the form starts from the usual week rather than from "around the clock".
    draft[day] =
      hours === null
        ? day <= 5
          ? [stretch("08:00", "20:00")]
          : []
        : hours.filter((s) => s.day === day).map((s) => stretch(s.open, s.close));
  }
  return draft;
}

function useInvalidateListings() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.branches.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.seats.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() }),
    ]);
}

function WeekForm({ branch }: { branch: BranchInfo }) {
  const trpc = useTRPC();
  const id = useId();
  const invalidate = useInvalidateListings();
  const [draft, setDraft] = useState<Draft>(() => draftOf(branch.openingHours));
  const [result, setResult] = useState<string | null>(null);
  const save = useMutation(
    trpc.admin.setOpeningHours.mutationOptions({
      onSuccess: (saved) => {
        setResult(`Saved: ${saved.branch} is open ${weekSummary(saved.openingHours)}.`);
        return invalidate();
      },
    }),
  );
  const update = (day: number, stretches: DraftStretch[]) => {
    setResult(null);
    setDraft({ ...draft, [day]: stretches });
  };

  return (
    <form
      aria-labelledby={`${id}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        setResult(null);
        const hours = Object.entries(draft).flatMap(([day, stretches]) =>
          stretches.map((s) => ({ day: Number(day), open: s.open, close: s.close })),
        );
        save.mutate({ branch: branch.name, hours });
      }}
    >
      <h3 id={`${id}-title`}>Week {zoneLabel()}</h3>
      <p className="muted">
        Now: {weekSummary(branch.openingHours)}. A day without hours is closed. Bookings already made are
        kept; close a day below to cancel its bookings.
      </p>
      <div className="hours-week">
        {DAY_NAMES.map((dayName, i) => {
          const day = i + 1;
          const stretches = draft[day] ?? [];
          return (
            <fieldset key={dayName} className="hours-day">
              <legend className="sr-only">{dayName}</legend>
              <p className="day-name" aria-hidden="true">
                {dayName}
              </p>
              {stretches.length === 0 && <p className="muted">Closed</p>}
              {stretches.map((s, k) => (
                <div className="hours-stretch" key={s.key}>
                  <div className="field">
                    <label htmlFor={`${id}-${s.key}-open`}>
                      {dayName} opens{stretches.length > 1 ? ` (${k + 1})` : ""}
                    </label>
                    <input
                      id={`${id}-${s.key}-open`}
                      type="time"
                      required
                      value={s.open}
                      onChange={(e) =>
                        update(
                          day,
                          stretches.map((x, j) => (j === k ? { ...x, open: e.target.value } : x)),
                        )
                      }
                    />
                  </div>
                  <div className="field">
                    <label htmlFor={`${id}-${s.key}-close`}>
                      {dayName} closes{stretches.length > 1 ? ` (${k + 1})` : ""}
                    </label>
                    {/* A time input cannot say 24:00: a close of 00:00 means midnight at the end of the day. */}
                    <input
                      id={`${id}-${s.key}-close`}
                      type="time"
                      required
                      value={s.close === "24:00" ? "00:00" : s.close}
                      onChange={(e) =>
                        update(
                          day,
                          stretches.map((x, j) =>
                            j === k
                              ? { ...x, close: e.target.value === "00:00" ? "24:00" : e.target.value }
                              : x,
                          ),
                        )
                      }
                    />
                  </div>
                  <button
                    type="button"
                    className="ghost"
                    onClick={() =>
                      update(
                        day,
                        stretches.filter((_, j) => j !== k),
                      )
                    }
                  >
                    Remove {dayName} {s.open}–{s.close}
                  </button>
                </div>
              ))}
              <button
                type="button"
                onClick={() => {
                  const last = stretches[stretches.length - 1];
                  update(day, [
                    ...stretches,
                    last
                      ? stretch(last.close === "24:00" ? "23:00" : last.close, "24:00")
                      : stretch("08:00", "20:00"),
                  ]);
                }}
              >
                Add hours on {dayName}
              </button>
            </fieldset>
          );
        })}
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save the week
        </button>
      </div>
      <p role="status">{result}</p>
      {save.isError && (
        <p className="form-error" role="alert">
          {errorMessage(save.error)}
        </p>
      )}
    </form>
  );
}

function Closures({ branch }: { branch: BranchInfo }) {
  const trpc = useTRPC();
  const id = useId();
  const invalidate = useInvalidateListings();
  const [date, setDate] = useState("");
  const [reason, setReason] = useState("");
  const [result, setResult] = useState<string | null>(null);
  const add = useMutation(
    trpc.admin.addClosure.mutationOptions({
      onSuccess: (closure) => {
        const n = closure.cancelled === 1 ? "1 booking was" : `${closure.cancelled} bookings were`;
        setResult(
          `${closure.branch} is closed on ${closure.date}. ${n} cancelled and the students told why.`,
        );
        setDate("");
        setReason("");
        return invalidate();
      },
    }),
  );
  const remove = useMutation(
    trpc.admin.removeClosure.mutationOptions({
      onSuccess: (removed) => {
        setResult(`${removed.branch} is open again on ${removed.date} (cancelled bookings stay cancelled).`);
        return invalidate();
      },
    }),
  );
  const error = add.error ?? remove.error;

  return (
    <form
      aria-labelledby={`${id}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        setResult(null);
        remove.reset();
        add.mutate({ branch: branch.name, date, reason });
      }}
    >
      <h3 id={`${id}-title`}>Closed days</h3>
      {branch.closures.length === 0 ? (
        <p className="muted">No closed days ahead.</p>
      ) : (
        <ul className="closure-list">
          {branch.closures.map((c) => (
            <li key={c.date}>
              <span>
                <strong>{formatDay(`${c.date}T12:00:00Z`)}</strong> ({c.date}): {c.reason}
              </span>
              <button
                type="button"
                disabled={remove.isPending}
                onClick={() => {
                  setResult(null);
                  add.reset();
                  remove.mutate({ branch: branch.name, date: c.date });
                }}
              >
                Reopen {c.date}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="row">
        <div className="field">
          <label htmlFor={`${id}-date`}>Date to close</label>
          <input
            id={`${id}-date`}
            type="date"
            required
            min={dateValue(new Date())}
            value={date}
            onChange={(e) => setDate(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-reason`}>Reason (students are told)</label>
          <input
            id={`${id}-reason`}
            type="text"
            required
            maxLength={300}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        </div>
      </div>
      <p className="hint">
        Closing a day cancels every booking on it, each student notified with the reason.
      </p>
      <div className="actions">
        <button type="submit" className="primary" disabled={add.isPending}>
          Close this day
        </button>
      </div>
      <p role="status">{result}</p>
      {error && (
        <p className="form-error" role="alert">
          {errorMessage(error)}
        </p>
      )}
    </form>
  );
}
