import { type ReportGroupBy, type ReportInput, reportInput } from "@dlsms/validators";
import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useId, useMemo, useState } from "react";
import { Empty, ErrorState, Loading } from "../../components/States";
import { auth } from "../../lib/auth";
import { libraryConfig } from "../../lib/libraryConfig";
import { useTRPC } from "../../lib/trpc";
import { GROUP_OPTIONS, hourLabel, hours, localDate, percent, type ReportRow } from "./format";
import ReportCharts from "./ReportCharts";
import "./reports.css";

const isGroup = (v: string): v is ReportGroupBy => GROUP_OPTIONS.some((o) => o.value === v);

type FieldErrors = Partial<Record<"from" | "to" | "groupBy", string>>;

/** Downloads the same report as CSV from the REST door, with this session's token. */
async function downloadCsv(input: ReportInput): Promise<void> {
  const query = new URLSearchParams({ from: input.from, to: input.to, group_by: input.groupBy });
  const res = await fetch(`/api/admin/reports.csv?${query}`, {
    headers: { authorization: `Bearer ${auth.token() ?? ""}` },
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: string } | null;
    throw new Error(body?.error ?? `The download failed (${res.status})`);
  }
  const url = URL.createObjectURL(await res.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = `report-${input.groupBy}-${input.from}-to-${input.to}.csv`;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked after the click has handed the blob to the download.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function ReportTable({ rows, groupBy, range }: { rows: ReportRow[]; groupBy: ReportGroupBy; range: string }) {
  const option = GROUP_OPTIONS.find((o) => o.value === groupBy);
  const label = groupBy === "hour" ? hourLabel : (k: string) => k;
  return (
    // Focusable so a keyboard can scroll it sideways on a phone.
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus (WCAG 2.1.1)
    <section className="table-wrap" tabIndex={0} aria-label="Report table">
      <table className="staff-table report-table">
        <caption>
          Report by {option?.label.toLowerCase()}, {range}
        </caption>
        <thead>
          <tr>
            <th scope="col">{option?.column}</th>
            <th scope="col">Reservations</th>
            <th scope="col">Booked / open seat-hours</th>
            <th scope="col">Utilisation</th>
            <th scope="col">No-shows</th>
            <th scope="col">No-show rate</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              <th scope="row">{label(r.key)}</th>
              <td>{r.reservations}</td>
              <td>
                {hours.format(r.bookedHours)} / {hours.format(r.openHours)} h
              </td>
              <td>{percent.format(r.utilisation)}</td>
              <td>{r.noShows}</td>
              <td>{percent.format(r.noShowRate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Staff reports for a chosen date range, grouped, as a table, three charts and a CSV download. */
export function ReportsSection() {
  const trpc = useTRPC();
  const id = useId();
  const zone = libraryConfig().timeZone;
  const initial = useMemo<ReportInput>(
    () => ({ from: localDate(zone, -6), to: localDate(zone), groupBy: "day" }),
    [zone],
  );
  const [draft, setDraft] = useState<ReportInput>(initial);
  const [applied, setApplied] = useState<ReportInput>(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [download, setDownload] = useState<{ busy: boolean; error: string | null }>({
    busy: false,
    error: null,
  });
  const range = { from: applied.from, to: applied.to };
  const table = useQuery(trpc.admin.report.queryOptions(applied));
  // The charts always show these three groupings of the same range (cached apart from the table's).
  const byHour = useQuery(trpc.admin.report.queryOptions({ ...range, groupBy: "hour" }));
  const byDay = useQuery(trpc.admin.report.queryOptions({ ...range, groupBy: "day" }));
  const byBranch = useQuery(trpc.admin.report.queryOptions({ ...range, groupBy: "branch" }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = reportInput.safeParse(draft);
    if (!parsed.success) {
      const next: FieldErrors = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0];
        if ((field === "from" || field === "to" || field === "groupBy") && !next[field])
          next[field] = issue.message;
      }
      setErrors(next);
      return;
    }
    setErrors({});
    setApplied(parsed.data);
  };
  const startDownload = async () => {
    setDownload({ busy: true, error: null });
    try {
      await downloadCsv(applied);
      setDownload({ busy: false, error: null });
    } catch (error) {
      setDownload({ busy: false, error: error instanceof Error ? error.message : "The download failed" });
    }
  };
  const rangeText = applied.from === applied.to ? applied.from : `${applied.from} to ${applied.to}`;
  const fieldProps = (field: "from" | "to") => ({
    "aria-invalid": errors[field] ? true : undefined,
    "aria-describedby": errors[field] ? `${id}-${field}-error` : undefined,
  });

  return (
    <section aria-labelledby={`${id}-title`} className="staff-section reports">
      <h2 id={`${id}-title`}>Reports</h2>
      <p className="muted">
        Dates are library days ({zone}). Open hours count every seat (except retired ones) × its branch's
        opening hours.
      </p>
      <form onSubmit={submit} aria-label="Report settings" noValidate>
        <fieldset>
          <legend>Range and grouping</legend>
          <div className="row report-fields">
            <div className="field">
              <label htmlFor={`${id}-from`}>From</label>
              <input
                id={`${id}-from`}
                type="date"
                value={draft.from}
                required
                onChange={(e) => setDraft({ ...draft, from: e.target.value })}
                {...fieldProps("from")}
              />
              {errors.from && (
                <p id={`${id}-from-error`} className="field-error">
                  {errors.from}
                </p>
              )}
            </div>
            <div className="field">
              <label htmlFor={`${id}-to`}>To</label>
              <input
                id={`${id}-to`}
                type="date"
                value={draft.to}
                required
                onChange={(e) => setDraft({ ...draft, to: e.target.value })}
                {...fieldProps("to")}
              />
              {errors.to && (
                <p id={`${id}-to-error`} className="field-error">
                  {errors.to}
                </p>
              )}
            </div>
            <div className="field">
              <label htmlFor={`${id}-group`}>Group by</label>
              <select
                id={`${id}-group`}
                value={draft.groupBy}
                onChange={(e) => isGroup(e.target.value) && setDraft({ ...draft, groupBy: e.target.value })}
              >
                {GROUP_OPTIONS.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <div className="actions">
            <button type="submit" className="primary">
              Show report
            </button>
            <button type="button" onClick={startDownload} disabled={download.busy}>
              {download.busy ? "Preparing CSV…" : "Download CSV"}
            </button>
          </div>
          {download.error && (
            <p className="field-error" role="alert">
              {download.error}
            </p>
          )}
        </fieldset>
      </form>
      {table.isPending ? (
        <Loading label="Loading the report…" />
      ) : table.isError ? (
        <ErrorState error={table.error} retry={() => table.refetch()} />
      ) : table.data.length === 0 ? (
        <Empty>
          <p>Nothing to report for this range.</p>
        </Empty>
      ) : (
        <ReportTable rows={table.data} groupBy={applied.groupBy} range={rangeText} />
      )}
      <h3>Charts, {rangeText}</h3>
      {byHour.isError || byDay.isError || byBranch.isError ? (
        <ErrorState error={byHour.error ?? byDay.error ?? byBranch.error} />
      ) : byHour.data && byDay.data && byBranch.data ? (
        <ReportCharts byHour={byHour.data} byDay={byDay.data} byBranch={byBranch.data} />
      ) : (
        <Loading label="Loading charts…" />
      )}
    </section>
  );
}
