/**
 * The original system's sample data (seed-contract §5), so its clients and scripts work
 * unchanged: ids are fixed. Every seat with a monitor also has power.
 */
export const SAMPLE_BRANCHES = [
  { id: 1, name: "Main Library", code: "ML" },
  { id: 2, name: "Science Library", code: "SL" },
  { id: 3, name: "Engineering Library", code: "EL" },
] as const;

interface AreaSpec {
  branchId: number;
  area: string;
  ids: [first: number, last: number];
  withoutPower: number[];
  withMonitor: number[];
}

const AREAS: AreaSpec[] = [
  {
    branchId: 1,
    area: "Silent Study Zone",
    ids: [1, 15],
    withoutPower: [6, 7, 8, 12],
    withMonitor: [4, 5, 11, 15],
  },
  {
    branchId: 1,
    area: "Group Study Zone",
    ids: [16, 25],
    withoutPower: [22, 23],
    withMonitor: [16, 17, 18, 21],
  },
  { branchId: 2, area: "Research Zone", ids: [26, 30], withoutPower: [], withMonitor: [26, 27, 28, 29] },
  { branchId: 2, area: "Reading Room", ids: [31, 35], withoutPower: [33, 34], withMonitor: [35] },
  { branchId: 2, area: "Quiet Zone", ids: [36, 37], withoutPower: [], withMonitor: [] },
  {
    branchId: 3,
    area: "Computer Lab",
    ids: [38, 43],
    withoutPower: [],
    withMonitor: [38, 39, 40, 41, 42, 43],
  },
  { branchId: 3, area: "Study Desks", ids: [44, 47], withoutPower: [47], withMonitor: [] },
  { branchId: 3, area: "Collaborative Space", ids: [48, 50], withoutPower: [], withMonitor: [48, 49] },
];

export interface SampleSeat {
  id: number;
  code: string;
  branchId: number;
  area: string;
  hasPower: boolean;
  hasMonitor: boolean;
}

function buildSeats(): SampleSeat[] {
  const seats: SampleSeat[] = [];
  const perBranch = new Map<number, number>();
  for (const spec of AREAS) {
    const branch = SAMPLE_BRANCHES.find((b) => b.id === spec.branchId);
    if (!branch) throw new Error(`unknown branch ${spec.branchId}`);
    for (let id = spec.ids[0]; id <= spec.ids[1]; id++) {
      const n = (perBranch.get(spec.branchId) ?? 0) + 1;
      perBranch.set(spec.branchId, n);
      seats.push({
        id,
        code: `${branch.code}-${String(n).padStart(2, "0")}`,
        branchId: spec.branchId,
        area: spec.area,
        hasPower: !spec.withoutPower.includes(id),
        hasMonitor: spec.withMonitor.includes(id),
      });
    }
  }
  return seats;
}

export const SAMPLE_SEATS: readonly SampleSeat[] = buildSeats();

export const SAMPLE_STUDENT_NAMES = [
  "Alice Johnson",
  "Bob Smith",
  "Charlie Brown",
  "Diana Prince",
  "Eve Adams",
  "Frank Miller",
  "Grace Hopper",
  "Henry Ford",
  "Ivy Chen",
  "Jack Wilson",
] as const;

export const SAMPLE_STUDENTS = SAMPLE_STUDENT_NAMES.map((name, i) => ({
  id: i + 1,
  studentId: `S20210${String(i + 1).padStart(2, "0")}`,
  name,
}));

export const SAMPLE_PASSWORD = "password123";
export const ADMIN_STUDENT_ID = "ADMIN001";
