import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { Empty, ErrorState, Loading } from "../../components/States";
import { useTRPC } from "../../lib/trpc";
import { utcToday } from "./types";

const percent = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 0 });
const hours = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

export function UtilisationTable() {
  const trpc = useTRPC();
  // Fixed for the page's lifetime: a new day shows after a reload, which staff do anyway.
  const day = useMemo(() => utcToday(), []);
  const stats = useQuery(trpc.admin.utilisation.queryOptions(day));
  return (
    <section aria-labelledby="staff-util-title" className="staff-section">
      <h2 id="staff-util-title">Today’s utilisation</h2>
      {stats.isPending ? (
        <Loading label="Loading utilisation…" />
      ) : stats.isError ? (
        <ErrorState error={stats.error} retry={() => stats.refetch()} />
      ) : stats.data.length === 0 ? (
        <Empty>
          <p>No branches with seats yet.</p>
        </Empty>
      ) : (
        // The wrapper scrolls on its own if a narrow phone cannot fit the columns, never the page.
        <div className="table-wrap">
          <table className="staff-table">
            <caption className="sr-only">Utilisation per branch, today (UTC day)</caption>
            <thead>
              <tr>
                <th scope="col">Branch</th>
                <th scope="col">Booked</th>
                <th scope="col">No-shows</th>
                <th scope="col">Check-ins</th>
              </tr>
            </thead>
            <tbody>
              {stats.data.map((b) => (
                <tr key={b.branch}>
                  <th scope="row">{b.branch}</th>
                  <td>
                    {hours.format(b.bookedHours)} / {hours.format(b.capacityHours)} h
                    <span className="muted"> ({percent.format(b.utilisation)})</span>
                  </td>
                  <td>{b.noShows}</td>
                  <td>{b.checkIns}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
