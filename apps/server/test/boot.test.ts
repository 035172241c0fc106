import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestDatabase, testEnv as dbTestEnv } from "@dlsms/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The real entry point as an operator runs it: boot on PGlite, SIGTERM, boot again on the same
// DATA_DIR and find the data still there.
const serverDir = fileURLToPath(new URL("..", import.meta.url));
const tsx = join(serverDir, "node_modules", ".bin", "tsx");

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "dlsms-boot-"));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function launch(env: Record<string, string>): Running {
  let output = "";
  // A clean environment: no DATABASE_URL/REDIS_URL leaking in from CI, so this is the PGlite path.
  const child = spawn(tsx, ["src/main.ts"], {
    cwd: serverDir,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
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

async function waitHealthy(url: string, running: Running): Promise<void> {
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

async function call(url: string, path: string, input: unknown) {
  const res = await fetch(`${url}/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(input),
  });
  return {
    status: res.status,
    body: (await res.json()) as { result?: { data?: { user?: { name?: string } } } },
  };
}

describe("the real entry point", () => {
  it("boots, stops on SIGTERM with exit 0, and keeps its data across restarts", async () => {
    const port = await freePort();
    const env = {
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      GRPC_PORT: "off",
      BCRYPT_COST: "4",
      LOG_LEVEL: "info",
    };
    const url = `http://127.0.0.1:${port}`;

    const first = launch(env);
    await waitHealthy(url, first);
    expect(first.output()).toMatch(/"database":\{"kind":"pglite"/);
    expect(first.output()).toMatch(/"cache":\{"kind":"memory"\}/);
    const registered = await call(url, "auth.register", {
      studentId: "BOOT001",
      password: "persisted-pass",
      name: "Persisting Student",
    });
    expect(registered.status).toBe(200);
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);

    const second = launch(env);
    try {
      await waitHealthy(url, second);
      // Not seeded twice: the second boot found a non-empty database.
      expect(second.output()).not.toMatch(/"seeded":true/);
      const login = await call(url, "auth.login", { studentId: "BOOT001", password: "persisted-pass" });
      expect(login.status).toBe(200);
      expect(login.body.result?.data?.user?.name).toBe("Persisting Student");
      const alice = await call(url, "auth.login", { studentId: "S2021001", password: "password123" });
      expect(alice.status).toBe(200);
    } finally {
      second.child.kill("SIGTERM");
      expect(await second.exited).toBe(0);
    }
  }, 120_000);

  it("exits 1 naming the variable when the environment is invalid", async () => {
    const bad = launch({ LIBRARY_TIMEZONE: "Nowhere/Special", DATA_DIR: dataDir });
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toMatch(/LIBRARY_TIMEZONE/);
  }, 60_000);

  it("refuses a production start with the default secrets", async () => {
    const bad = launch({ NODE_ENV: "production", DATA_DIR: dataDir });
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toMatch(/JWT_SECRET/);
    expect(bad.output()).toMatch(/ADMIN_PASSWORD/);
  }, 60_000);
});

describe.runIf(dbTestEnv.DATABASE_URL && dbTestEnv.REDIS_URL)("WORKERS > 1 (Postgres + Redis)", () => {
  it("supervises that many server processes on one port and stops them all on SIGTERM", async () => {
    const database = await createTestDatabase({ poolSize: 2 });
    try {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const running = launch({
        PORT: String(port),
        HOST: "127.0.0.1",
        GRPC_PORT: "off",
        WORKERS: "2",
        DATABASE_URL: database.url ?? "",
        REDIS_URL: dbTestEnv.REDIS_URL ?? "",
        REDIS_NAMESPACE: `boot-${port}`,
        BCRYPT_COST: "4",
      });
      await waitHealthy(url, running);
      for (let i = 0; i < 100 && running.output().split("DL-SMS listening").length < 3; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(running.output().split("DL-SMS listening").length - 1).toBe(2);
      const login = await call(url, "auth.login", { studentId: "S2021001", password: "password123" });
      expect(login.body.result?.data?.user?.name).toBe("Alice Johnson");
      running.child.kill("SIGTERM");
      expect(await running.exited).toBe(0);
    } finally {
      await database.destroy();
    }
  });

  it("refuses WORKERS > 1 without Postgres and Redis", async () => {
    const running = launch({ WORKERS: "2", PORT: "0" });
    expect(await running.exited).toBe(1);
    expect(running.output()).toContain("WORKERS");
  });
});
