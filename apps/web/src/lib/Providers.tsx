import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { type ReactNode, useEffect, useMemo, useRef, useState } from "react";
import { auth, useAuth } from "./auth";
import { errorCode, errorMessage } from "./errors";
import { createClients, TRPCProvider } from "./trpc";

const NO_RETRY = new Set(["UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "BAD_REQUEST", "CONFLICT"]);

/** Any call that finds the token expired or invalid sends the student back to the login form. */
function onAnyError(error: unknown) {
  if (errorCode(error) === "UNAUTHORIZED" && auth.token()) {
    auth.logout(errorMessage(error) || "Your session has expired. Please log in again.");
  }
}

function makeQueryClient() {
  return new QueryClient({
    queryCache: new QueryCache({ onError: onAnyError }),
    mutationCache: new MutationCache({ onError: onAnyError }),
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        // Rule violations and auth errors will not fix themselves; a dropped connection may.
        retry: (count, error) => count < 2 && !NO_RETRY.has(errorCode(error) ?? ""),
      },
    },
  });
}

export function Providers({ children }: { children: ReactNode }) {
  const { session } = useAuth();
  const token = session?.token ?? null;
  const [queryClient] = useState(makeQueryClient);
  const clients = useMemo(() => createClients(token), [token]);

  const previous = useRef(clients);

  useEffect(() => {
    // Closed when replaced, not in a cleanup: StrictMode re-runs effects with the same clients.
    if (previous.current === clients) return;
    void previous.current.close();
    previous.current = clients;
  }, [clients]);

  useEffect(() => {
    // Logged out, nothing is mounted that reads the cache: drop it, so the next student to log
    // in on this browser never sees the previous one's reservations or notifications.
    if (!token) queryClient.clear();
  }, [token, queryClient]);

  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={clients.client} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
