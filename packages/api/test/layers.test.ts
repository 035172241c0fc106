import { execFile } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** `pnpm lint`'s verdict (biome) on a file written under packages/api/src/services. */
async function lintService(source: string): Promise<{ ok: boolean; output: string }> {
  const file = `packages/api/src/services/layer-probe-${process.pid}-${Date.now()}.ts`;
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
  it("refuses tRPC, Hono, Connect and node:http in services and read models", async () => {
    for (const module of ["@trpc/server", "@trpc/server/rpc", "hono", "@connectrpc/connect", "node:http"]) {
      const verdict = await lintService(
        `import * as transport from "${module}";\nexport const t = transport;\n`,
      );
      expect(verdict.ok, module).toBe(false);
      expect(verdict.output).toContain("noRestrictedImports");
    }
  });

  it("lets a plain service through", async () => {
    const verdict = await lintService(`import { z } from "zod";\nexport const id = z.number();\n`);
    expect(verdict).toEqual({ ok: true, output: "" });
  });
});
