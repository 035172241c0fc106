import { useId, useMemo } from "react";
import { dateValue } from "../../lib/time";
import { useFinder } from "./finderState";

/** Bookable days: today up to 14 days ahead (the server's default; it has the final word). */
const MAX_ADVANCE_DAYS = 14;

/** Date and time window; 15-minute steps match how the library books seats. */
export function WindowPicker() {
  const { fields, setFields, window } = useFinder();
  const id = useId();
  const [min, max] = useMemo(() => {
    const today = new Date();
    return [dateValue(today), dateValue(new Date(today.getTime() + MAX_ADVANCE_DAYS * 24 * 60 * 60_000))];
  }, []);
  return (
    <fieldset className="window-picker">
      <legend>When</legend>
      <div className="row">
        <div className="field">
          <label htmlFor={`${id}-date`}>Date</label>
          <input
            id={`${id}-date`}
            type="date"
            min={min}
            max={max}
            value={fields.date}
            onChange={(e) => setFields({ ...fields, date: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-from`}>From</label>
          <input
            id={`${id}-from`}
            type="time"
            step={900}
            value={fields.from}
            onChange={(e) => setFields({ ...fields, from: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-to`}>To</label>
          <input
            id={`${id}-to`}
            type="time"
            step={900}
            value={fields.to}
            onChange={(e) => setFields({ ...fields, to: e.target.value })}
          />
        </div>
      </div>
      {!window.ok && (
        <p className="field-error" role="alert">
          {window.problem}
        </p>
      )}
    </fieldset>
  );
}
