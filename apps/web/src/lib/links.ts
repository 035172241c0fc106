import type { AppRouter } from "@dlsms/api";
import { httpBatchLink, type Operation, splitLink } from "@trpc/client";

/** An operation's Idempotency-Key, set per call: `mutate(input, { context: { idempotencyKey } })`. */
export const idempotencyKeyOf = (op: Pick<Operation, "context">): string | undefined => {
  const key = op.context.idempotencyKey;
  return typeof key === "string" ? key : undefined;
};

/**
 * The SPA's HTTP link: the queries and mutations of one tick go out as one batched request.
 * The bench imports it to send exactly what the SPA sends (`fetch` lets it record requests).
 * A call with an Idempotency-Key (a booking, see features/finder/useBook.ts) goes in a request
 * of its own, as the server honours a key for a request with one booking; same URL and body shape.
 */
export function spaHttpLink(token: string | null, fetch?: typeof globalThis.fetch) {
  const authorization = (): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});
  const common = { url: "/trpc", ...(fetch ? { fetch } : {}) };
  return splitLink<AppRouter>({
    condition: (op) => idempotencyKeyOf(op) !== undefined,
    true: httpBatchLink<AppRouter>({
      ...common,
      maxItems: 1,
      headers: ({ opList }) => {
        const key = opList[0] && idempotencyKeyOf(opList[0]);
        return key === undefined ? authorization() : { ...authorization(), "idempotency-key": key };
      },
    }),
    false: httpBatchLink<AppRouter>({ ...common, headers: authorization }),
  });
}
