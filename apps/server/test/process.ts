import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// The real entry point as an operator runs it, in a child process: a crash there is an exit
// code the test can see, not an uncaught error inside the test runner.
const serverDir = fileURLToPath(new URL("..", import.meta.url));
const tsx = join(serverDir, "node_modules", ".bin", "tsx");

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}

export interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export function launch(env: Record<string, string>): Running {
  let output = "";
  // A clean environment: no DATABASE_URL/REDIS_URL leaking in from CI unless the test passes them.
  const child = spawn(tsx, ["src/main.ts"], {
    cwd: serverDir,
    env: { PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, HOME: homedir(), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d) => {
    output += String(d);
  });
  child.stderr?.on("data", (d) => {
    output += String(d);
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

export async function waitHealthy(url: string, running: Running): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (running.child.exitCode !== null) throw new Error(`server exited early:\n${running.output()}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`server never became healthy:\n${running.output()}`);
}

/** The entry point on a free loopback port with fast bcrypt and no gRPC, plus whatever `env` adds. */
export async function launchOnFreePort(env: Record<string, string>): Promise<Running & { url: string }> {
  const port = await freePort();
  const running = launch({
    PORT: String(port),
    HOST: "127.0.0.1",
    GRPC_PORT: "off",
    BCRYPT_COST: "4",
    ...env,
  });
  return { ...running, url: `http://127.0.0.1:${port}` };
}
