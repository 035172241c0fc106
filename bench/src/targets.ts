import type { ScenarioResult } from "./context";

export interface TargetCheck {
  scenario: string;
  target: string;
  measured: string;
  met: boolean;
}

export const ratio = (r: ScenarioResult) =>
  r.ceiling ? r.measurement.rps / r.ceiling.measurement.rps : undefined;
export const refRatio = (r: ScenarioResult) =>
  r.reference && Number.isFinite(r.measurement.rps) ? r.measurement.rps / r.reference.rps : undefined;

const pct = (x: number | undefined) => (x === undefined ? "n/a" : `${(x * 100).toFixed(0)} %`);
const num = (x: unknown) => (typeof x === "number" ? x : Number(x ?? Number.NaN));

/** The targets, evaluated on one run's numbers. */
export function checkTargets(results: ScenarioResult[]): TargetCheck[] {
  const by = new Map(results.map((r) => [r.id, r]));
  const out: TargetCheck[] = [];
  const add = (scenario: string, target: string, measured: string, met: boolean) =>
    out.push({ scenario, target, measured, met });
  const atLeastHalf = (id: string, of: string) => {
    const r = by.get(id);
    if (r) add(id, `≥ 50 % of ${of}`, pct(ratio(r)), (ratio(r) ?? 0) >= 0.5);
  };
  // Real clients first: the SPA's own requests and a typed client's defaults.
  atLeastHalf("spa-finder", "bare node:http, same bytes");
  atLeastHalf("spa-seat-detail", "bare node:http, same bytes");
  atLeastHalf("create", "raw insert");
  atLeastHalf("discovery-cached", "bare node:http, same bytes");
  const typed = by.get("discovery-cached");
  for (const id of ["discovery-rest", "discovery-grpc"]) {
    const door = by.get(id);
    if (!door || !typed) continue;
    const x = door.measurement.rps / typed.measurement.rps;
    add(id, "≥ 50 % of the typed client's seats.list", pct(x), x >= 0.5);
  }
  for (const id of ["discovery-cached", "discovery-rest", "discovery-grpc"]) {
    const door = by.get(id);
    if (door)
      add(id, "p99 ≤ 25 ms at 64 connections", `${door.measurement.p99} ms`, door.measurement.p99 <= 25);
  }
  const uncached = by.get("discovery-uncached");
  if (uncached)
    add(uncached.id, "≥ 100 % of raw gist query", pct(ratio(uncached)), (ratio(uncached) ?? 0) >= 1);
  const branches = by.get("branches");
  if (branches)
    add(branches.id, "≥ 70 % of bare node:http", pct(ratio(branches)), (ratio(branches) ?? 0) >= 0.7);
  const mine = by.get("mine");
  if (mine)
    add(mine.id, "≥ 3,000 req/s", `${mine.measurement.rps.toFixed(0)} req/s`, mine.measurement.rps >= 3000);
  const storm = by.get("storm");
  if (storm) {
    const n = storm.notes;
    add(
      storm.id,
      "≥ 5,000 attempts/s",
      `${storm.measurement.rps.toFixed(0)}/s`,
      storm.measurement.rps >= 5000,
    );
    add(
      storm.id,
      "exactly 1 winner per slot",
      `${n.winnersMin}–${n.winnersMax}`,
      num(n.winnersMin) === 1 && num(n.winnersMax) === 1,
    );
    add(
      storm.id,
      "0 deadlocks, 0 5xx",
      `${n.deadlocks} / ${n.http5xx}`,
      num(n.deadlocks) === 0 && num(n.http5xx) === 0,
    );
  }
  const login = by.get("login");
  if (login) {
    const cores = num(login.notes.serverCoresLoginsAlone);
    add(
      login.id,
      "logins use both cores (server > 1.5 cores, logins alone)",
      `${cores.toFixed(2)} cores (${(login.serverCores ?? 0).toFixed(2)} with discovery alongside)`,
      cores > 1.5 && num(login.notes.loginsAloneErrors) === 0,
    );
    const p99 = num(login.notes.discoveryP99DuringLogins);
    add(login.id, "discovery p99 ≤ 50 ms during logins", `${p99} ms`, p99 <= 50);
  }
  const ws = by.get("ws-fanout");
  if (ws) {
    add(
      ws.id,
      "fan-out p99 ≤ 100 ms, none missed",
      `${ws.measurement.p99.toFixed(1)} ms, ${ws.measurement.errors} missed`,
      ws.measurement.p99 <= 100 && ws.measurement.errors === 0,
    );
  }
  for (const r of results) {
    const x = refRatio(r);
    if (x !== undefined) add(r.id, "≥ 20× the reference", `${x.toFixed(0)}×`, x >= 20);
  }
  return out;
}
