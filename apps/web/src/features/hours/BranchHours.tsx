import { formatDay } from "../../lib/time";
import { type BranchInfo, closedReason, weekSummary } from "./openHours";
import "./hours.css";

/** The chosen branch's week, whether it is open now, and its coming closed days (finder). */
export function BranchHours({ branch }: { branch: BranchInfo }) {
  return (
    <section className="branch-hours" aria-labelledby="branch-hours-title">
      <h2 id="branch-hours-title">
        {branch.name} hours{" "}
        <span className={branch.openNow ? "open-badge open" : "open-badge closed"}>
          {branch.openNow ? "Open now" : "Closed now"}
        </span>
      </h2>
      <p>{weekSummary(branch.openingHours)}</p>
      {branch.closures.length > 0 && (
        <>
          <h3>Closed days</h3>
          <ul className="closed-days">
            {branch.closures.map((c) => (
              <li key={c.date}>
                <strong>{formatDay(`${c.date}T12:00:00Z`)}</strong>: {c.reason}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** With every branch listed: which of them are closed for the window (their seats show as busy). */
export function ClosedBranches({
  branches,
  window,
}: {
  branches: BranchInfo[];
  window: { startTime: string; endTime: string };
}) {
  const closed = branches.flatMap((b) => {
    const reason = closedReason(b, window.startTime, window.endTime);
    return reason ? [reason] : [];
  });
  if (closed.length === 0) return null;
  return (
    <ul className="closed-branches">
      {closed.map((reason) => (
        <li key={reason}>{reason}</li>
      ))}
    </ul>
  );
}
