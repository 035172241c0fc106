import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { Empty, ErrorState, Loading } from "../../components/States";
import { formatRange } from "../../lib/time";
import { useTRPC } from "../../lib/trpc";
import { ReservationHistory } from "../history/ReservationHistory";
import { StatusBadge } from "../reservations/StatusBadge";
import { CancelBooking } from "../staff/CancelBookingForm";
import { CANCELLABLE } from "../staff/types";
import { BookForStudent } from "./BookForStudent";
import { StudentStanding } from "./StudentStanding";
import "./desk.css";

const SEARCH_PAGE = 10;

/** The desk: find a student, see their reservations, book for them or cancel with a reason. */
export function StaffDesk() {
  const trpc = useTRPC();
  const searchId = useId();
  const [typed, setTyped] = useState("");
  const [query, setQuery] = useState<string | null>(null);
  const [page, setPage] = useState(0);
  const [selected, setSelected] = useState<string | null>(null);
  const students = useQuery({
    ...trpc.admin.students.queryOptions(
      { query: query ?? "", limit: SEARCH_PAGE, offset: page * SEARCH_PAGE },
      { placeholderData: keepPreviousData },
    ),
    enabled: query !== null,
  });
  const search = (e: FormEvent) => {
    e.preventDefault();
    setQuery(typed.trim());
    setPage(0);
  };

  return (
    <section aria-labelledby="desk-title" className="staff-section desk">
      <h2 id="desk-title">Desk: book for a student</h2>
      <form className="desk-search" aria-label="Find a student" onSubmit={search}>
        <div className="field">
          <label htmlFor={searchId}>Search students by id or name</label>
          <input
            id={searchId}
            value={typed}
            maxLength={100}
            autoComplete="off"
            onChange={(e) => setTyped(e.target.value)}
          />
        </div>
        <button type="submit" className="primary">
          Find student
        </button>
      </form>
      {query !== null &&
        (students.isPending ? (
          <Loading label="Searching…" />
        ) : students.isError ? (
          <ErrorState error={students.error} retry={() => students.refetch()} />
        ) : students.data.total === 0 ? (
          <Empty>
            <p>No student matches “{query}”.</p>
          </Empty>
        ) : (
          <>
            <p className="muted" role="status">
              {students.data.total} student{students.data.total === 1 ? "" : "s"} found
            </p>
            <ul className="desk-students" aria-label="Students found">
              {students.data.students.map((s) => (
                <li key={s.id}>
                  <span>
                    {s.name} <span className="muted">({s.studentId})</span> · {s.upcoming} upcoming
                  </span>
                  <button
                    type="button"
                    aria-pressed={selected === s.studentId}
                    aria-label={`Open ${s.name} (${s.studentId})`}
                    onClick={() => setSelected(s.studentId)}
                  >
                    Open
                  </button>
                </li>
              ))}
            </ul>
            {students.data.total > SEARCH_PAGE && (
              <nav aria-label="Student pages" className="actions">
                <button type="button" disabled={page === 0} onClick={() => setPage((p) => p - 1)}>
                  Previous students
                </button>
                <button
                  type="button"
                  disabled={(page + 1) * SEARCH_PAGE >= students.data.total}
                  onClick={() => setPage((p) => p + 1)}
                >
                  Next students
                </button>
              </nav>
            )}
          </>
        ))}
      {selected && <StudentPanel studentId={selected} />}
    </section>
  );
}

function StudentPanel({ studentId }: { studentId: string }) {
  const trpc = useTRPC();
  const data = useQuery(trpc.admin.studentReservations.queryOptions({ studentId, limit: 50, offset: 0 }));
  if (data.isPending) return <Loading label="Loading the student…" />;
  if (data.isError) return <ErrorState error={data.error} retry={() => data.refetch()} />;
  const { student, reservations, total } = data.data;
  return (
    <section className="desk-student" aria-labelledby="desk-student-title">
      <h3 id="desk-student-title">
        {student.name} <span className="muted">({student.studentId})</span>
      </h3>
      <StudentStanding studentId={student.studentId} name={student.name} />
      <BookForStudent studentId={student.studentId} name={student.name} />
      <h4>Reservations ({total})</h4>
      {reservations.length === 0 ? (
        <Empty>
          <p>{student.name} has no reservations.</p>
        </Empty>
      ) : (
        <ul className="cards">
          {reservations.map((r) => (
            <li key={r.id} className="card staff-reservation" data-reservation-id={r.id}>
              <div className="card-head">
                <p className="card-title">
                  Seat {r.seatCode} · {r.branch}
                </p>
                <StatusBadge status={r.status} />
              </div>
              <p>{formatRange(r.startTime, r.endTime)}</p>
              {CANCELLABLE.has(r.status) && <CancelBooking reservation={r} />}
              <ReservationHistory reservationId={r.id} staff />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
