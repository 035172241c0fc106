import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { ErrorState, Loading } from "../components/States";
import { setLibraryConfig } from "./libraryConfig";
import { useTRPC } from "./trpc";

/** Renders its children once the library's zone and rules are known, so every time shown is library time. */
export function LibraryConfigGate({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const config = useQuery(
    trpc.config.public.queryOptions(undefined, { staleTime: Number.POSITIVE_INFINITY }),
  );
  if (config.isPending) return <Loading label="Loading…" />;
  if (config.isError) return <ErrorState error={config.error} retry={() => config.refetch()} />;
  setLibraryConfig(config.data);
  return <>{children}</>;
}
