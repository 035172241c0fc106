import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const SERVER_DIR = fileURLToPath(new URL("../../apps/server", import.meta.url));
const CEILING_SCRIPT = fileURLToPath(new URL("./ceiling-server.ts", import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface Child {
  url: string;
  port: number;
  /** Everything the process wrote (stdout + stderr): scanned for errors and deadlocks. */
  output(): string;
  /** CPU seconds the process (all its threads) and its child processes have used so far. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/**
 * CPU seconds of a process and its live child processes (WORKERS=N: node:cluster workers are
 * children of the supervisor, which itself does almost nothing), from Linux /proc; else NaN.
 */
function cpuSecondsOf(pid: number | undefined): number {
  const own = statOf(pid);
  if (!own) return Number.NaN;
  let total = own.cpu;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const child = statOf(Number(entry));
    if (child && child.ppid === pid) total += child.cpu;
  }
  return total;
}

function statOf(pid: number | undefined): { ppid: number; cpu: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name: ppid is the 2nd, utime and stime the 12th
    // and 13th (clock ticks, 100 per second on Linux).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / 100 };
  } catch {
    return undefined;
  }
}

async function waitHealthy(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`process exited early:\n${log().slice(-2000)}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`process did not become healthy at ${url}:\n${log().slice(-2000)}`);
}

function launch(args: string[], cwd: string, env: Record<string, string>, healthPath: string, port: number) {
  // Plain node with tsx's loader (not the tsx CLI, which adds a relay process), so that
  // --cpu-prof profiles the server itself.
  const child = spawn(process.execPath, ["--import", "tsx", ...args], {
    cwd,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const append = (chunk: Buffer) => {
    log += chunk.toString();
    if (log.length > 4_000_000) log = log.slice(-2_000_000);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const handle: Child = {
    url,
    port,
    output: () => log,
    cpuSeconds: () => cpuSecondsOf(child.pid),
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
  return { child, handle, ready: waitHealthy(`${url}${healthPath}`, child, () => log) };
}

export interface ServerOptions {
  dbEnv: Record<string, string>;
  redisUrl: string | undefined;
  base: Record<string, string>;
  poolSize: number;
  bcryptCost: number;
  cpuProfDir: string | undefined;
  extra: Record<string, string>;
}

export interface ServerProcess extends Child {
  jwtSecret: string;
  /** The gRPC door (plaintext HTTP/2, library.proto), e.g. http://127.0.0.1:40123. */
  grpcUrl: string;
}

/** The real server (apps/server/src/main.ts) in its own process: its own event loop and core. */
export async function startServer(options: ServerOptions): Promise<ServerProcess> {
  const port = await freePort();
  const grpcPort = await freePort();
  const jwtSecret = randomBytes(32).toString("hex");
  const env: Record<string, string> = {
    ...options.base,
    ...options.dbEnv,
    ...(options.redisUrl
      ? { REDIS_URL: options.redisUrl, REDIS_NAMESPACE: `bench${randomBytes(3).toString("hex")}` }
      : {}),
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: String(port),
    // The gRPC door listens before the HTTP one, so /healthz answering means both are up.
    GRPC_PORT: String(grpcPort),
    LOG_LEVEL: "warn",
    JWT_SECRET: jwtSecret,
    ADMIN_PASSWORD: randomBytes(16).toString("hex"),
    DB_POOL_SIZE: String(options.poolSize),
    BCRYPT_COST: String(options.bcryptCost),
    // The bench books thousands of slots per student and logs in thousands of times from one
    // IP: the per-student and per-IP limits are product rules, not what is measured here.
    MAX_UPCOMING_RESERVATIONS: "1000000",
    LOGIN_ATTEMPTS_PER_IP_PER_MINUTE: "100000000",
    LOGIN_FAILURES_PER_MINUTE: "100000000",
    LOGIN_FAILURES_PER_STUDENT_PER_MINUTE: "100000000",
    // The sweeper's minute ticks would move data under the scenarios; it is not what we measure.
    SWEEP_INTERVAL_SECONDS: "86400",
    ...options.extra,
  };
  const profArgs = options.cpuProfDir ? ["--cpu-prof", "--cpu-prof-dir", options.cpuProfDir] : [];
  const { handle, ready } = launch([...profArgs, "src/main.ts"], SERVER_DIR, env, "/healthz", port);
  try {
    await ready;
  } catch (error) {
    await handle.stop();
    throw error;
  }
  return { ...handle, jwtSecret, grpcUrl: `http://127.0.0.1:${grpcPort}` };
}

/** The bare node:http ceiling: answers every request with `bodyFile`'s exact bytes. */
export async function startCeiling(base: Record<string, string>, bodyFile: string): Promise<Child> {
  const port = await freePort();
  const env = { ...base, CEILING_PORT: String(port), CEILING_BODY_FILE: bodyFile };
  const { handle, ready } = launch([CEILING_SCRIPT], SERVER_DIR, env, "/", port);
  try {
    await ready;
  } catch (error) {
    await handle.stop();
    throw error;
  }
  return handle;
}
