import { useMutation } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { Link } from "wouter";
import { ErrorState, Loading } from "../../components/States";
import { errorMessage } from "../../lib/errors";
import { formatDateTime, formatTime, zoneLabel } from "../../lib/time";
import { useTRPC } from "../../lib/trpc";

const HOUR_MS = 3_600_000;

/**
 * What a seat's QR code opens (/s/<seat code>): scanning checks the student in to their booking
 * of the seat, or takes the free seat now, or says when it is free and offers its waitlist. Logged
 * out, the login form shows at this address and the scan runs once the student is in.
 */
export function ScanPage({ code }: { code: string }) {
  const trpc = useTRPC();
  const scan = useMutation(trpc.reservations.scan.mutationOptions());
  const join = useMutation(trpc.waitlist.join.mutationOptions());
  const sent = useRef<string | null>(null);
  useEffect(() => {
    document.title = `Seat ${code} · DL-SMS`;
    // Once per code: a scan books, so a re-render must not send it again.
    if (sent.current === code) return;
    sent.current = code;
    scan.mutate({ seatCode: code });
  }, [code, scan.mutate]);

  const result = scan.data;
  return (
    <section aria-labelledby="scan-title" className="scan">
      <h1 id="scan-title">Seat {code}</h1>
      {scan.isPending || scan.isIdle ? (
        <Loading label={`Checking seat ${code}…`} />
      ) : scan.isError ? (
        <ErrorState error={scan.error} retry={() => scan.mutate({ seatCode: code })} />
      ) : result?.outcome === "checked_in" ? (
        <p role="status" className="scan-outcome ok">
          You're checked in at {code}
          {result.reservation ? ` until ${formatTime(result.reservation.endTime)} ${zoneLabel()}` : ""}.
        </p>
      ) : result?.outcome === "booked" ? (
        <p role="status" className="scan-outcome ok">
          Seat {code} is yours
          {result.reservation ? ` until ${formatTime(result.reservation.endTime)} ${zoneLabel()}` : ""}, and
          you're checked in.
        </p>
      ) : result ? (
        <>
          <p role="status" className="scan-outcome">
            Seat {code} is taken.{" "}
            {result.freeFrom
              ? `It is free from ${formatDateTime(result.freeFrom)}.`
              : "It is not free again soon."}
          </p>
          {join.isSuccess ? (
            <p role="status">
              You're on the waitlist: we'll offer you the seat if it frees up in the next hour.
            </p>
          ) : (
            <button
              type="button"
              disabled={join.isPending}
              onClick={() => {
                const now = new Date();
                join.mutate({
                  seatId: result.seat.id,
                  desiredStart: now.toISOString(),
                  desiredEnd: new Date(now.getTime() + HOUR_MS).toISOString(),
                });
              }}
            >
              Wait for this seat (next hour)
            </button>
          )}
          {join.isError ? (
            <p role="alert" className="error">
              {errorMessage(join.error)}
            </p>
          ) : null}
        </>
      ) : null}
      <p>
        <Link href="/">Find another seat</Link> · <Link href="/reservations">My reservations</Link>
      </p>
    </section>
  );
}
