import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Empty, ErrorState, Loading } from "../../components/States";
import { formatRange } from "../../lib/time";
import { useTRPC } from "../../lib/trpc";
import { ReservationHistory } from "../history/ReservationHistory";
import { StatusBadge } from "../reservations/StatusBadge";
import { CancelBooking } from "./CancelBookingForm";
import { ReservationFilters, type StaffFilters } from "./ReservationFilters";
import { CANCELLABLE, PAGE_SIZE } from "./types";

export function StaffReservations() {
  const trpc = useTRPC();
  const [filters, setFilters] = useState<StaffFilters>({ status: "", studentId: "" });
  const [page, setPage] = useState(0);
  const list = useQuery(
    trpc.admin.reservations.queryOptions(
      {
        limit: PAGE_SIZE,
        offset: page * PAGE_SIZE,
        // Empty filters are left out: the schema refuses an empty student id.
        ...(filters.status ? { status: filters.status } : {}),
        ...(filters.studentId ? { studentId: filters.studentId } : {}),
      },
      // Keep the old page on screen while the next loads, so the pager does not jump.
      { placeholderData: keepPreviousData },
    ),
  );
  const apply = (next: StaffFilters) => {
    setFilters(next);
    setPage(0);
  };

  return (
    <section aria-labelledby="staff-res-title" className="staff-section">
      <h2 id="staff-res-title">All reservations</h2>
      <ReservationFilters value={filters} onApply={apply} />
      {list.isPending ? (
        <Loading label="Loading reservations…" />
      ) : list.isError ? (
        <ErrorState error={list.error} retry={() => list.refetch()} />
      ) : list.data.total === 0 ? (
        <Empty>
          <p>No reservations match these filters.</p>
        </Empty>
      ) : list.data.reservations.length === 0 ? (
        // A page can empty out under staff (another desk cancelled, a filter now matches fewer).
        <Empty>
          <p>This page is empty now.</p>
          <button type="button" onClick={() => setPage(0)}>
            First page
          </button>
        </Empty>
      ) : (
        <>
          <p className="muted" role="status">
            Showing {page * PAGE_SIZE + 1}–{page * PAGE_SIZE + list.data.reservations.length} of{" "}
            {list.data.total}
          </p>
          {/* Busy while a new filter or page loads over the previous one. */}
          <ul className="cards" aria-busy={list.isPlaceholderData || undefined}>
            {list.data.reservations.map((r) => (
              <li key={r.id} className="card staff-reservation" data-reservation-id={r.id}>
                <div className="card-head">
                  <h3 className="card-title">
                    Seat {r.seatCode} · {r.branch}
                  </h3>
                  <StatusBadge status={r.status} />
                </div>
                <p>{formatRange(r.startTime, r.endTime)}</p>
                <p>
                  {r.userName} <span className="muted">({r.studentId})</span>
                </p>
                {CANCELLABLE.has(r.status) && <CancelBooking reservation={r} />}
                <ReservationHistory reservationId={r.id} staff />
              </li>
            ))}
          </ul>
          <nav aria-label="Reservation pages" className="actions">
            <button type="button" disabled={page === 0} onClick={() => setPage((p) => p - 1)}>
              Previous page
            </button>
            <button
              type="button"
              disabled={(page + 1) * PAGE_SIZE >= list.data.total}
              onClick={() => setPage((p) => p + 1)}
            >
              Next page
            </button>
          </nav>
        </>
      )}
    </section>
  );
}
