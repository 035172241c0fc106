import { useId } from "react";
import { useFinder } from "./finderState";

/** Date and time window; 15-minute steps match how the library books seats. */
export function WindowPicker() {
  const { fields, setFields, window } = useFinder();
  const id = useId();
  return (
    <fieldset className="window-picker">
      <legend>When</legend>
      <div className="row">
        <div className="field">
          <label htmlFor={`${id}-date`}>Date</label>
          <input
            id={`${id}-date`}
            type="date"
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
