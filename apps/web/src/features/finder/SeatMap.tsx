import { Amenities } from "../../components/Icons";
import { type Seat, TILE_LABEL, type TileState, tileState } from "../../lib/types";

interface Props {
  seats: Seat[];
  mine: Set<number>;
  selected: number | null;
  onSelect: (seat: Seat) => void;
}

interface Group {
  key: string;
  branch: string;
  area: string;
  seats: Seat[];
}

function groupSeats(seats: Seat[]): Group[] {
  const groups = new Map<string, Group>();
  for (const s of seats) {
    const key = `${s.branch}\u0000${s.area}`;
    let g = groups.get(key);
    if (!g) {
      g = { key, branch: s.branch, area: s.area, seats: [] };
      groups.set(key, g);
    }
    g.seats.push(s);
  }
  return [...groups.values()];
}

export function Legend() {
  const states: TileState[] = ["free", "busy", "yours", "maintenance"];
  return (
    <ul className="legend" aria-label="Legend">
      {states.map((s) => (
        <li key={s}>
          <span className={`swatch tile-${s}`} aria-hidden="true" />
          {TILE_LABEL[s]}
        </li>
      ))}
    </ul>
  );
}

/** One grid of tiles per branch and area, the way the rooms are laid out in the building. */
export function SeatMap({ seats, mine, selected, onSelect }: Props) {
  return (
    <div className="seat-map">
      {groupSeats(seats).map((g) => {
        const free = g.seats.filter((s) => tileState(s, mine) === "free").length;
        return (
          <section key={g.key} className="area" aria-labelledby={`area-${g.seats[0]?.id}`}>
            <h3 id={`area-${g.seats[0]?.id}`}>
              {g.branch} · {g.area} <span className="muted">({free} free)</span>
            </h3>
            <ul className="tiles">
              {g.seats.map((s) => {
                const state = tileState(s, mine);
                return (
                  <li key={s.id}>
                    <button
                      type="button"
                      className={`tile tile-${state}`}
                      aria-pressed={selected === s.id}
                      data-seat-id={s.id}
                      data-state={state}
                      onClick={() => onSelect(s)}
                    >
                      <span className="code">{s.code}</span>
                      <span className="tile-state">{TILE_LABEL[state]}</span>
                      <Amenities power={s.hasPower} monitor={s.hasMonitor} />
                    </button>
                  </li>
                );
              })}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
