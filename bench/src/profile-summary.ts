import { readFileSync } from "node:fs";

/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): top frames by self time, and self time by
 * package, so a bench run's hot spots can be read in a terminal.
 * Usage: pnpm --filter @dlsms/bench profile:summary <file.cpuprofile> [topN]
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export function summarise(profile: Profile, top = 25): string {
  const selfUs = new Map<number, number>();
  const { samples = [], timeDeltas = [] } = profile;
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i] as number;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (timeDeltas[i + 1] ?? timeDeltas[i] ?? 0));
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0) || 1;
  const byFrame = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (us === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^file:\/\//, "").replace(/.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, "");
    const frame = `${functionName || "(anonymous)"}  ${file ? `${file}:${lineNumber + 1}` : ""}`;
    byFrame.set(frame, (byFrame.get(frame) ?? 0) + us);
    const pkg = url.includes("node_modules")
      ? (/node_modules\/(?!\.pnpm)((?:@[^/]+\/)?[^/]+)/.exec(
          url.replace(/.*node_modules\/\.pnpm\/[^/]+\//, ""),
        )?.[1] ?? "?")
      : url.startsWith("node:") || url === ""
        ? functionName.startsWith("(")
          ? functionName
          : "node internals"
        : url.includes("/packages/") || url.includes("/apps/")
          ? "dlsms"
          : "other";
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  }
  const fmt = (m: Map<string, number>, n: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(
        ([k, us]) =>
          `${((us / total) * 100).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`,
      );
  return [
    `profile: ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s wall, ${(total / 1e6).toFixed(1)} s sampled`,
    "",
    "self time by package:",
    ...fmt(byPackage, 15),
    "",
    `top ${top} frames by self time:`,
    ...fmt(byFrame, top),
  ].join("\n");
}

const [file, topArg] = process.argv.slice(2);
if (file) console.log(summarise(JSON.parse(readFileSync(file, "utf8")) as Profile, Number(topArg ?? 25)));
