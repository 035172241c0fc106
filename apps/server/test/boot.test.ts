import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, testEnv as dbTestEnv } from "@dlsms/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, launch, launchOnFreePort, waitHealthy } from "./process";

// The real entry point as an operator runs it: boot on PGlite, SIGTERM, boot again on the same
// DATA_DIR and find the data still there.
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "dlsms-boot-"));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

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
      const running = await launchOnFreePort({
        WORKERS: "2",
        DATABASE_URL: database.url ?? "",
        REDIS_URL: dbTestEnv.REDIS_URL ?? "",
        REDIS_NAMESPACE: `boot-${database.url?.split("/").pop()}`,
      });
      const { url } = running;
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
