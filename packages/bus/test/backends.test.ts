import { describe, expect, it } from "vitest";
import { createBackends } from "../src";
import { testEnv } from "./env";

describe("createBackends", () => {
  it("chooses the in-process backends without a Redis URL", async () => {
    const backends = createBackends({ redisUrl: undefined });
    expect([backends.cache.kind, backends.bus.kind]).toEqual(["memory", "memory"]);
    await backends.close();
  });

  it("chooses Redis for both when a URL is given", async () => {
    const backends = createBackends({ redisUrl: testEnv.REDIS_URL });
    expect([backends.cache.kind, backends.bus.kind]).toEqual(["redis", "redis"]);
    expect(await backends.cache.ping()).toBe(true);
    expect(await backends.bus.ping()).toBe(true);
    await backends.close();
  });
});
