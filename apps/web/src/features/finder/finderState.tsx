import { createContext, type ReactNode, useContext, useMemo, useState } from "react";
import { libraryConfig } from "../../lib/libraryConfig";
import { dateValue, defaultWindow, timeValue } from "../../lib/time";
import { useNow } from "../../lib/useNow";
import { type CheckedWindow, checkWindow } from "./window";

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
  window: CheckedWindow;
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

  // A window left open in a tab drifts into the past: re-checked every half minute.
  const now = useNow(30_000);
  const checked = checkWindow(fields, now, libraryConfig());
  const key = checked.ok ? `${checked.startTime}/${checked.endTime}` : checked.problem;
  // Same verdict, same object: the seat queries and memos below keep their identity between ticks.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for `checked`
  const window = useMemo<CheckedWindow>(() => checked, [key]);

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
