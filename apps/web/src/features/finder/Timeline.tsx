import { formatTime, libraryZone } from "../../lib/time";
import type { BusyInterval } from "../../lib/types";

interface Props {
  dayStart: Date;
  /** The next midnight, library time (a day is 23 or 25 hours long when the clocks change). */
  dayEnd: Date;
  busy: BusyInterval[];
  window: { startTime: string; endTime: string } | null;
}

/** A day bar with busy blocks, and the same facts as a list for screen readers and small screens. */
export function Timeline({ dayStart, dayEnd, busy, window }: Props) {
  const from = dayStart.getTime();
  const length = dayEnd.getTime() - from;
  const pos = (iso: string) => Math.min(100, Math.max(0, ((new Date(iso).getTime() - from) / length) * 100));
  const block = (start: string, end: string) => ({
    left: `${pos(start)}%`,
    width: `${Math.max(0.5, pos(end) - pos(start))}%`,
  });
  return (
    <div className="timeline">
      <div className="timeline-bar" aria-hidden="true">
        {busy.map((b) => (
          <span
            key={b.startTime}
            className={b.mine ? "busy mine" : "busy"}
            style={block(b.startTime, b.endTime)}
          />
        ))}
        {window && <span className="chosen" style={block(window.startTime, window.endTime)} />}
      </div>
      <div className="timeline-ticks" aria-hidden="true">
        {["00", "06", "12", "18", "24"].map((h) => (
          <span key={h}>{h}</span>
        ))}
      </div>
      {busy.length === 0 ? (
        <p className="muted">No bookings on this seat that day.</p>
      ) : (
        <ul className="busy-list" aria-label={`Booked times, ${libraryZone()}`}>
          {busy.map((b) => (
            <li key={b.startTime}>
              {formatTime(b.startTime)}–{formatTime(b.endTime)} {b.mine ? "(yours)" : "(booked)"}
              {b.awayUntil && ` — on a break until ${formatTime(b.awayUntil)}`}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
