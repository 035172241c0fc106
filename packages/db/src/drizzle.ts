/**
 * drizzle-orm's query helpers, from this package's own copy: apps that only need them in tests
 * import them here, so every package builds queries with one drizzle-orm (pnpm would otherwise
 * give apps/server a second copy, made for prom-client's @opentelemetry/api, whose SQL type differs).
 */
export * from "drizzle-orm";
