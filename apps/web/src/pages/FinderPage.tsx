import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo } from "react";
import { Empty, ErrorState, Loading } from "../components/States";
import { FilterBar } from "../features/finder/FilterBar";
import { useFinder } from "../features/finder/finderState";
import { LiveSeats } from "../features/finder/LiveSeats";
import { SeatDetail } from "../features/finder/SeatDetail";
import { Legend, SeatMap } from "../features/finder/SeatMap";
import { WindowPicker } from "../features/finder/WindowPicker";
import { BranchHours, ClosedBranches } from "../features/hours/BranchHours";
import { closedReason } from "../features/hours/openHours";
import { StandingNotice } from "../features/standing/StandingNotice";
import { JoinWaitlistButton } from "../features/waitlist/JoinWaitlistButton";
import { formatRange } from "../lib/time";
import { useTRPC } from "../lib/trpc";
import { mySeatIds, tileState } from "../lib/types";

export function FinderPage() {
  const trpc = useTRPC();
  const { filters, window, selectedSeat, setSelectedSeat } = useFinder();
  useEffect(() => {
    document.title = "Find a seat · DL-SMS";
  }, []);

  const branches = useQuery(trpc.branches.list.queryOptions());
  const range = window.ok ? { startTime: window.startTime, endTime: window.endTime } : null;
  // One query per branch and window; the other filters are applied here so toggling them is instant
  // and the area list always shows every area of the branch.
  const seats = useQuery({
    ...trpc.seats.list.queryOptions({ ...(filters.branch ? { branch: filters.branch } : {}), ...range }),
    enabled: range !== null,
  });
  const mine = useQuery(trpc.reservations.mine.queryOptions({ upcomingOnly: true }));
  const myIds = useMemo(
    () => (window.ok ? mySeatIds(mine.data, window.startTime, window.endTime) : new Set<number>()),
    [mine.data, window],
  );

  const areas = useMemo(() => [...new Set((seats.data ?? []).map((s) => s.area))], [seats.data]);
  const shown = useMemo(
    () =>
      (seats.data ?? []).filter(
        (s) =>
          (!filters.area || s.area === filters.area) &&
          (!filters.power || s.hasPower) &&
          (!filters.monitor || s.hasMonitor) &&
          (!filters.freeOnly || tileState(s, myIds) === "free"),
      ),
    [seats.data, filters, myIds],
  );
  const selected = seats.data?.find((s) => s.id === selectedSeat) ?? null;
  // A window outside the chosen branch's hours offers no seat: say why instead of a grid of "Busy".
  const branchInfo = branches.data?.find((b) => b.name === filters.branch);
  const closed = branchInfo && range ? closedReason(branchInfo, range.startTime, range.endTime) : null;

  return (
    <>
      <h1>Find a seat</h1>
      <StandingNotice />
      <div className="finder-controls">
        <WindowPicker />
        <FilterBar branches={(branches.data ?? []).map((b) => b.name)} areas={areas} />
      </div>
      {branchInfo && <BranchHours branch={branchInfo} />}
      {!filters.branch && range && <ClosedBranches branches={branches.data ?? []} window={range} />}
      <LiveSeats branch={filters.branch} />
      <section aria-labelledby="map-title" className="map-section">
        <div className="map-head">
          <h2 id="map-title">
            Seats{" "}
            {range ? <span className="muted">for {formatRange(range.startTime, range.endTime)}</span> : null}
          </h2>
          <Legend />
        </div>
        <p className="sr-only" role="status" aria-live="polite">
          {seats.isSuccess ? `${shown.length} seats shown` : ""}
        </p>
        {!window.ok ? (
          <Empty>
            <p className="window-problem">
              No seats shown: this window cannot be booked. Change the date or times above.
            </p>
          </Empty>
        ) : !range ? null : closed ? (
          <Empty>
            <p className="closed-notice">{closed}</p>
          </Empty>
        ) : seats.isPending ? (
          <Loading label="Loading seats…" />
        ) : seats.isError ? (
          <ErrorState error={seats.error} retry={() => seats.refetch()} />
        ) : shown.length === 0 ? (
          <Empty>
            <p>No seat matches these filters for this time. Try another time, branch or fewer filters.</p>
            {filters.branch && (
              <JoinWaitlistButton
                target={{ branch: filters.branch, label: `any seat in ${filters.branch}` }}
                window={range}
              />
            )}
          </Empty>
        ) : (
          <SeatMap
            seats={shown}
            mine={myIds}
            selected={selectedSeat}
            onSelect={(s) => setSelectedSeat(s.id)}
          />
        )}
      </section>
      {selected && range && !closed && (
        <SeatDetail
          key="detail"
          seat={selected}
          state={tileState(selected, myIds)}
          window={range}
          onClose={() => setSelectedSeat(null)}
          onSelect={setSelectedSeat}
        />
      )}
    </>
  );
}
