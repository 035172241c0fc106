import { createContext, type ReactNode, useContext, useMemo, useState } from "react";
import { combine, dateValue, defaultWindow, timeValue } from "../../lib/time";

export interface Filters {
  branch: string;
  area: string;
  power: boolean;
  monitor: boolean;
  freeOnly: boolean;
}

export interface WindowFields {
  date: string;
  from: string;
  to: string;
}

interface FinderState {
  fields: WindowFields;
  setFields: (f: WindowFields) => void;
  filters: Filters;
  setFilters: (f: Filters) => void;
  /** The chosen window as ISO strings, or an explanation of why it is not usable. */
  window: { ok: true; startTime: string; endTime: string } | { ok: false; problem: string };
  selectedSeat: number | null;
  setSelectedSeat: (id: number | null) => void;
}

const Ctx = createContext<FinderState | null>(null);

function initialFields(): WindowFields {
  const w = defaultWindow();
  return { date: dateValue(w.start), from: timeValue(w.start), to: timeValue(w.end) };
}

/** Kept above the routes so the chosen window and filters survive a trip to My reservations. */
export function FinderProvider({ children }: { children: ReactNode }) {
  const [fields, setFields] = useState(initialFields);
  const [filters, setFilters] = useState<Filters>({
    branch: "",
    area: "",
    power: false,
    monitor: false,
    freeOnly: false,
  });
  const [selectedSeat, setSelectedSeat] = useState<number | null>(null);

  const window = useMemo<FinderState["window"]>(() => {
    const start = combine(fields.date, fields.from);
    let end = combine(fields.date, fields.to);
    if (!start || !end) return { ok: false, problem: "Choose a date, a start and an end time." };
    // "22:00 → 01:00" means past midnight, not a negative window.
    if (end <= start) end = new Date(end.getTime() + 24 * 60 * 60_000);
    return { ok: true, startTime: start.toISOString(), endTime: end.toISOString() };
  }, [fields]);

  const value = useMemo(
    () => ({ fields, setFields, filters, setFilters, window, selectedSeat, setSelectedSeat }),
    [fields, filters, window, selectedSeat],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useFinder(): FinderState {
  const v = useContext(Ctx);
  if (!v) throw new Error("useFinder outside FinderProvider");
  return v;
}
