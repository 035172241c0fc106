import { useId } from "react";
import { type Filters, useFinder } from "./finderState";

interface Props {
  branches: string[];
  areas: string[];
}

export function FilterBar({ branches, areas }: Props) {
  const { filters, setFilters } = useFinder();
  const id = useId();
  const set = (patch: Partial<Filters>) => setFilters({ ...filters, ...patch });
  const check = (key: "power" | "monitor" | "freeOnly", label: string) => (
    <label className="check">
      <input type="checkbox" checked={filters[key]} onChange={(e) => set({ [key]: e.target.checked })} />
      {label}
    </label>
  );
  return (
    <fieldset className="filters">
      <legend>Filters</legend>
      <div className="row">
        <div className="field">
          <label htmlFor={`${id}-branch`}>Branch</label>
          {/* Changing branch resets the area: areas belong to one branch. */}
          <select
            id={`${id}-branch`}
            value={filters.branch}
            onChange={(e) => set({ branch: e.target.value, area: "" })}
          >
            <option value="">All branches</option>
            {branches.map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-area`}>Area</label>
          <select id={`${id}-area`} value={filters.area} onChange={(e) => set({ area: e.target.value })}>
            <option value="">All areas</option>
            {areas.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="row checks">
        {check("power", "Power outlet")}
        {check("monitor", "Monitor")}
        {check("freeOnly", "Free only")}
      </div>
    </fieldset>
  );
}
