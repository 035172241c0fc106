import { type FormEvent, useId, useState } from "react";
import { type ReservationStatus, STATUS_OPTIONS } from "./types";

export interface StaffFilters {
  status: ReservationStatus | "";
  studentId: string;
}

const isStatus = (v: string): v is ReservationStatus => STATUS_OPTIONS.some((o) => o.value === v);

/** Applied on submit, not per keystroke: a half-typed student id would query for nothing. */
export function ReservationFilters({
  value,
  onApply,
}: {
  value: StaffFilters;
  onApply: (next: StaffFilters) => void;
}) {
  const id = useId();
  const [status, setStatus] = useState(value.status);
  const [studentId, setStudentId] = useState(value.studentId);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply({ status, studentId: studentId.trim() });
  };
  return (
    <form onSubmit={submit} aria-label="Filter reservations">
      <fieldset>
        <legend>Filter</legend>
        <div className="row">
          <div className="field">
            <label htmlFor={`${id}-status`}>Status</label>
            <select
              id={`${id}-status`}
              value={status}
              onChange={(e) => setStatus(isStatus(e.target.value) ? e.target.value : "")}
            >
              <option value="">All statuses</option>
              {STATUS_OPTIONS.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-student`}>Student ID</label>
            <input
              id={`${id}-student`}
              value={studentId}
              maxLength={50}
              autoComplete="off"
              onChange={(e) => setStudentId(e.target.value)}
            />
          </div>
        </div>
        <div className="actions">
          <button type="submit" className="primary">
            Apply filters
          </button>
        </div>
      </fieldset>
    </form>
  );
}
