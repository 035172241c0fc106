import type { AppRouter } from "@dlsms/api";
import { createTRPCClient, createWSClient, splitLink, wsLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { spaHttpLink } from "./links";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

function wsUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === "https:" ? "wss:" : "ws:"}//${host}/trpc`;
}

/**
 * One client per session: the WebSocket carries its token in connectionParams, which are only
 * sent when it connects, so a new login needs a new socket. `lazy` keeps the socket closed
 * until a subscription needs it.
 */
export function createClients(token: string | null) {
  const wsClient = createWSClient({
    url: wsUrl(),
    lazy: { enabled: true, closeMs: 5_000 },
    connectionParams: () => (token ? { token } : {}),
  });
  const client = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: wsLink({ client: wsClient }),
        false: spaHttpLink(token),
      }),
    ],
  });
  return { client, close: () => wsClient.close() };
}
