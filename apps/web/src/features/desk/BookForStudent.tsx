import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { toast } from "sonner";
import { errorMessage } from "../../lib/errors";
import { combine, dateValue, formatRange, zoneLabel } from "../../lib/time";
import { useTRPC } from "../../lib/trpc";

/** Staff book a seat for the student at the desk; the server applies the student's rules. */
export function BookForStudent({ studentId, name }: { studentId: string; name: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const seats = useQuery(trpc.seats.list.queryOptions({}));
  const [seatId, setSeatId] = useState("");
  const [date, setDate] = useState(() => dateValue(new Date()));
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const book = useMutation(
    trpc.admin.bookFor.mutationOptions({
      onSuccess: (r) => {
        toast.success(`Booked for ${name}: ${formatRange(r.startTime, r.endTime)}`);
        setProblem(null);
        return queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() });
      },
      onError: (e) => setProblem(errorMessage(e)),
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const start = combine(date, from);
    const end = combine(date, to);
    if (!seatId) return setProblem("Choose a seat");
    if (!start || !end) return setProblem("Give the date and both times");
    book.mutate({
      studentId,
      seatId: Number(seatId),
      startTime: start.toISOString(),
      endTime: end.toISOString(),
    });
  };
  const errorId = `${id}-error`;
  const described = problem ? errorId : undefined;
  return (
    <form className="desk-book" aria-label={`Book for ${name}`} onSubmit={submit}>
      <div className="field">
        <label htmlFor={`${id}-seat`}>Seat to book</label>
        <select
          id={`${id}-seat`}
          value={seatId}
          aria-describedby={described}
          onChange={(e) => setSeatId(e.target.value)}
        >
          <option value="">{seats.isPending ? "Loading seats…" : "Choose a seat"}</option>
          {seats.data?.map((s) => (
            <option key={s.id} value={s.id} disabled={s.status !== "ACTIVE"}>
              {s.code} · {s.branch} · {s.area}
              {s.status !== "ACTIVE" ? " (maintenance)" : ""}
            </option>
          ))}
        </select>
      </div>
      <div className="row">
        <div className="field">
          <label htmlFor={`${id}-date`}>Date</label>
          <input
            id={`${id}-date`}
            type="date"
            value={date}
            required
            aria-describedby={described}
            onChange={(e) => setDate(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-from`}>From {zoneLabel()}</label>
          <input
            id={`${id}-from`}
            type="time"
            value={from}
            required
            aria-describedby={described}
            onChange={(e) => setFrom(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-to`}>To {zoneLabel()}</label>
          <input
            id={`${id}-to`}
            type="time"
            value={to}
            required
            aria-describedby={described}
            onChange={(e) => setTo(e.target.value)}
          />
        </div>
      </div>
      {problem && (
        <p id={errorId} className="field-error" role="alert">
          {problem}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={book.isPending}>
          {book.isPending ? "Booking…" : `Book for ${name}`}
        </button>
      </div>
    </form>
  );
}
