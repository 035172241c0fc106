import { sql } from "drizzle-orm";
import type { Context } from "../context";
import { publicProcedure } from "../trpc";

export type BackendState = "up" | "down";

async function probe(fn: () => Promise<unknown>, timeoutMs = 1_000): Promise<BackendState> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const ok = await Promise.race([
      fn().then((v) => v !== false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    return ok ? "up" : "down";
  } catch {
    return "down";
  } finally {
    clearTimeout(timer);
  }
}

export async function checkHealth(ctx: Pick<Context, "db" | "cache" | "bus">) {
  const [db, cache, bus] = await Promise.all([
    probe(() => ctx.db.execute(sql`select 1`)),
    probe(() => ctx.cache.ping()),
    probe(() => ctx.bus.ping()),
  ]);
  return {
    ok: db === "up",
    db,
    cache,
    bus,
    backends: { cache: ctx.cache.kind, bus: ctx.bus.kind },
  };
}

export const healthProcedure = publicProcedure.query(({ ctx }) => checkHealth(ctx));
