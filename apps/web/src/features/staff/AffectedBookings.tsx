import { formatRange } from "../../lib/time";

export const bookings = (n: number) => (n === 1 ? "1 booking" : `${n} bookings`);

interface Affected {
  id: number;
  userName: string;
  studentId: string;
  startTime: string;
  endTime: string;
}

/** What closing or retiring a seat would cancel, as staff confirm it (maintenance and retire forms). */
export function AffectedBookings({
  cancelled,
  affected,
}: {
  cancelled: number;
  affected: readonly Affected[];
}) {
  return (
    <>
      <p>
        <strong>
          {cancelled === 0 ? "No bookings will be cancelled." : `${bookings(cancelled)} will be cancelled:`}
        </strong>
      </p>
      {affected.length > 0 && (
        <ul className="affected-bookings">
          {affected.map((r) => (
            <li key={r.id}>
              {r.userName} ({r.studentId}), {formatRange(r.startTime, r.endTime)}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
