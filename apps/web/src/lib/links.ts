import type { AppRouter } from "@dlsms/api";
import { httpBatchLink } from "@trpc/client";

/**
 * The SPA's HTTP link: the queries and mutations of one tick go out as one batched request.
 * The bench imports it to send exactly what the SPA sends (`fetch` lets it record requests).
 */
export function spaHttpLink(token: string | null, fetch?: typeof globalThis.fetch) {
  return httpBatchLink<AppRouter>({
    url: "/trpc",
    headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
    ...(fetch ? { fetch } : {}),
  });
}
