import { execFile } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** `pnpm lint`'s verdict (biome) on a file written under packages/api/src/<folder>. */
async function lintIn(folder: string, source: string): Promise<{ ok: boolean; output: string }> {
  const file = `packages/api/src/${folder}/layer-probe-${process.pid}-${Date.now()}.ts`;
  await writeFile(`${ROOT}${file}`, source);
  try {
    await run("pnpm", ["exec", "biome", "lint", file], { cwd: ROOT });
    return { ok: true, output: "" };
  } catch (error) {
    const { stdout, stderr } = error as { stdout: string; stderr: string };
    return { ok: false, output: `${stdout}${stderr}` };
  } finally {
    await rm(`${ROOT}${file}`, { force: true });
  }
}

// The house rule "services and read models never import a transport" is enforced by the linter.
describe("layers", () => {
  const transports = [
    "@trpc/server",
    "@trpc/server/rpc",
    "hono",
    "hono/streaming",
    "@hono/zod-openapi",
    "@connectrpc/connect",
    "node:http",
  ];

  for (const folder of ["services", "read-models"]) {
    it(`refuses tRPC, Hono, Connect and node:http in ${folder}`, async () => {
      for (const module of transports) {
        const verdict = await lintIn(
          folder,
          `import * as transport from "${module}";\nexport const t = transport;\n`,
        );
        expect(verdict.ok, module).toBe(false);
        expect(verdict.output).toContain("noRestrictedImports");
      }
    });
  }

  it("refuses type-only imports and re-exports of a transport too", async () => {
    for (const source of [
      `import type { IncomingMessage } from "node:http";\nexport type R = IncomingMessage;\n`,
      `export { TRPCError } from "@trpc/server";\n`,
    ]) {
      const verdict = await lintIn("read-models", source);
      expect(verdict.ok, source).toBe(false);
      expect(verdict.output).toContain("noRestrictedImports");
    }
  });

  it("lets a plain service or read model through", async () => {
    for (const folder of ["services", "read-models"]) {
      const verdict = await lintIn(folder, `import { z } from "zod";\nexport const id = z.number();\n`);
      expect(verdict).toEqual({ ok: true, output: "" });
    }
  });
});
