import { useId } from "react";
import { libraryConfig } from "../../lib/libraryConfig";

interface Props {
  /** Weeks to book, or null when the booking is not repeated. */
  weeks: number | null;
  onChange: (weeks: number | null) => void;
}

/**
 * "Repeat weekly" in the booking dialog: off books the window once; on books the same seat and
 * times every week for 2 to SERIES_MAX_WEEKS weeks (the server's limit, from config.public).
 */
export function RepeatWeekly({ weeks, onChange }: Props) {
  const id = useId();
  const max = libraryConfig().seriesMaxWeeks;
  const hintId = `${id}-hint`;
  return (
    <fieldset className="repeat-weekly">
      <legend className="sr-only">Repeat</legend>
      <label className="check">
        <input
          type="checkbox"
          checked={weeks !== null}
          onChange={(e) => onChange(e.target.checked ? 2 : null)}
        />
        Repeat weekly
      </label>
      {weeks !== null && (
        <div className="field">
          <label htmlFor={id}>Number of weeks</label>
          <input
            id={id}
            type="number"
            inputMode="numeric"
            min={2}
            max={max}
            value={weeks}
            aria-describedby={hintId}
            onChange={(e) => onChange(clampWeeks(e.target.valueAsNumber, max))}
          />
          <p id={hintId} className="hint">
            The same seat and times every week, 2 to {max} weeks. All weeks are booked, or none.
          </p>
        </div>
      )}
    </fieldset>
  );
}

/** A typed number kept within 2…max (an emptied field counts as 2). */
export function clampWeeks(value: number, max: number): number {
  if (!Number.isFinite(value)) return 2;
  return Math.min(max, Math.max(2, Math.round(value)));
}
