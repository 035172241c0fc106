import { useQuery } from "@tanstack/react-query";
import { useEffect, useId, useMemo, useState } from "react";
import { Link } from "wouter";
import { Empty, ErrorState, Loading } from "../../components/States";
import { useAuth } from "../../lib/auth";
import { useTRPC } from "../../lib/trpc";
import { isStaff } from "../staff/types";

/**
 * A printable sheet of seat QR codes for one branch and area: staff cut them out and stick each
 * on its seat; scanning one opens /s/<seat code> (check in, walk up and book, or join the waitlist).
 */
export function QrSheetPage() {
  const trpc = useTRPC();
  const { session } = useAuth();
  const branchId = useId();
  const areaId = useId();
  useEffect(() => {
    document.title = "Seat QR codes · DL-SMS";
  }, []);
  const seats = useQuery(trpc.seats.list.queryOptions());
  const [branch, setBranch] = useState("");
  const [area, setArea] = useState("");
  const branches = useMemo(() => [...new Set((seats.data ?? []).map((s) => s.branch))].sort(), [seats.data]);
  const areas = useMemo(
    () => [...new Set((seats.data ?? []).filter((s) => s.branch === branch).map((s) => s.area))].sort(),
    [seats.data, branch],
  );
  const chosen = (seats.data ?? []).filter((s) => s.branch === branch && (area === "" || s.area === area));

  if (!isStaff(session?.user.role))
    return (
      <>
        <h1>Staff only</h1>
        <p>
          This page is for library staff. <Link href="/">Find a seat</Link> instead.
        </p>
      </>
    );
  return (
    <>
      <div className="qr-controls">
        <h1>Seat QR codes</h1>
        <p>
          Print a sheet for a branch or one area and stick each code on its seat.{" "}
          <Link href="/staff">Back to Staff</Link>
        </p>
        {seats.isPending ? (
          <Loading label="Loading seats…" />
        ) : seats.isError ? (
          <ErrorState error={seats.error} retry={() => seats.refetch()} />
        ) : (
          <div className="filters">
            <label htmlFor={branchId}>Branch</label>
            <select
              id={branchId}
              value={branch}
              onChange={(e) => {
                setBranch(e.target.value);
                setArea("");
              }}
            >
              <option value="">Choose a branch</option>
              {branches.map((b) => (
                <option key={b}>{b}</option>
              ))}
            </select>
            <label htmlFor={areaId}>Area</label>
            <select
              id={areaId}
              value={area}
              onChange={(e) => setArea(e.target.value)}
              disabled={branch === ""}
            >
              <option value="">Every area</option>
              {areas.map((a) => (
                <option key={a}>{a}</option>
              ))}
            </select>
            <button type="button" onClick={() => window.print()} disabled={chosen.length === 0}>
              Print
            </button>
          </div>
        )}
      </div>
      {branch === "" ? null : chosen.length === 0 ? (
        <Empty>No seats here.</Empty>
      ) : (
        <ul className="qr-sheet" aria-label={`QR codes for ${branch}${area ? `, ${area}` : ""}`}>
          {chosen.map((s) => (
            <li key={s.id} className="qr-card">
              <img
                src={`/api/seats/${s.id}/qr.svg`}
                alt={`QR code for seat ${s.code}`}
                width={160}
                height={160}
              />
              <strong>{s.code}</strong>
              <span>
                {s.branch} · {s.area}
              </span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
