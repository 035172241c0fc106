import { useId, useMemo } from "react";
import { libraryConfig } from "../../lib/libraryConfig";
import { addDays, dateValue, libraryZone } from "../../lib/time";
import { useFinder } from "./finderState";

/**
 * Date and time window in library time; 15-minute steps match how the library books seats.
 * Bookable days: today (library time) up to the server's booking horizon.
 */
export function WindowPicker() {
  const { fields, setFields, window } = useFinder();
  const id = useId();
  const [min, max] = useMemo(() => {
    const today = dateValue(new Date());
    return [today, addDays(today, libraryConfig().maxAdvanceDays)];
  }, []);
  return (
    <fieldset className="window-picker">
      <legend>
        When <span className="zone-note">(times in {libraryZone()})</span>
      </legend>
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
