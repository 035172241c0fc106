import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo } from "react";
import { toast } from "sonner";
import { Link } from "wouter";
import { Empty, ErrorState, Loading } from "../components/States";
import { errorMessage } from "../lib/errors";
import { formatRange } from "../lib/time";
import { useTRPC } from "../lib/trpc";
import type { WaitlistEntry } from "../lib/types";

const STATUS: Record<string, string> = {
  WAITING: "Waiting",
  OFFERED: "Offer open",
  FULFILLED: "Claimed",
  DECLINED: "Declined",
  EXPIRED: "Expired",
  LEFT: "Left",
};

export function WaitlistPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const entries = useQuery(trpc.waitlist.mine.queryOptions());
  // Seat codes for entries that wait for one seat; the listing is cached and shared.
  const seats = useQuery(trpc.seats.list.queryOptions());
  const codes = useMemo(() => new Map((seats.data ?? []).map((s) => [s.id, s.code])), [seats.data]);
  const leave = useMutation(
    trpc.waitlist.leave.mutationOptions({
      onSuccess: () => {
        toast.success("You left the waitlist");
        return queryClient.invalidateQueries({ queryKey: trpc.waitlist.pathKey() });
      },
      onError: (e) => toast.error(errorMessage(e)),
    }),
  );
  useEffect(() => {
    document.title = "Waitlist · DL-SMS";
  }, []);

  if (entries.isPending) return <Loading label="Loading your waitlist…" />;
  if (entries.isError) return <ErrorState error={entries.error} retry={() => entries.refetch()} />;

  const target = (e: WaitlistEntry) => {
    if (e.seatId) return `Seat ${codes.get(e.seatId) ?? `#${e.seatId}`}`;
    const wants = [e.hasPower ? "power" : null, e.hasMonitor ? "monitor" : null].filter(Boolean);
    return `Any seat in ${e.branch}${wants.length ? ` with ${wants.join(" and ")}` : ""}`;
  };
  const open = (e: WaitlistEntry) => e.status === "WAITING" || e.status === "OFFERED";

  return (
    <>
      <h1>Waitlist</h1>
      <p className="muted">
        When a seat you wait for frees up, it is held for you for a few minutes: claim it from the banner at
        the top.
      </p>
      {entries.data.length === 0 ? (
        <Empty>
          <p>
            You are not waiting for any seat. Open a busy seat in <Link href="/">Find a seat</Link> and choose
            “Join waitlist”.
          </p>
        </Empty>
      ) : (
        <ul className="cards">
          {entries.data.map((e) => (
            <li key={e.id} className="card" data-waitlist-id={e.id}>
              <div className="card-head">
                <h2 className="card-title">{target(e)}</h2>
                <span className={`badge waitlist-${e.status.toLowerCase()}`}>
                  {STATUS[e.status] ?? e.status}
                </span>
              </div>
              <p>{formatRange(e.desiredStart, e.desiredEnd)}</p>
              {open(e) && (
                <div className="actions">
                  <button type="button" disabled={leave.isPending} onClick={() => leave.mutate({ id: e.id })}>
                    Leave
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
