import type { AppRouter, RouterInputs } from "@dlsms/api";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { TRPCClientError } from "@trpc/client";
import { useRef } from "react";
import { toast } from "sonner";
import { errorCode, errorMessage } from "../../lib/errors";
import { IdempotencyKeys, unanswered } from "../../lib/idempotency";
import { formatRange } from "../../lib/time";
import { useTRPC, useTRPCClient } from "../../lib/trpc";
import type { Seat } from "../../lib/types";

type Booking = RouterInputs["reservations"]["create"];

/** Free seats for the same window that the server sends with a "seat taken" refusal. */
export type Suggestion = NonNullable<TRPCClientError<AppRouter>["data"]>["suggestions"] extends
  | readonly (infer S)[]
  | undefined
  ? S
  : never;

/** A suggestion as the seat it names, to open or book like any listed seat. */
export const suggestedSeat = (s: Suggestion): Seat => ({
  id: s.seatId,
  code: s.code,
  branch: s.branch,
  area: s.area,
  hasPower: s.hasPower,
  hasMonitor: s.hasMonitor,
  status: "ACTIVE",
  available: true,
});

function suggestionsOf(error: unknown): readonly Suggestion[] {
  return (error as TRPCClientError<AppRouter>).data?.suggestions ?? [];
}

/** A lost answer is retried (twice) with the same key: the server books at most once. */
const MAX_RETRIES = 2;

/**
 * Booking plus everything a booking makes stale; CONFLICT is left to the caller to explain.
 * Every booking action carries a fresh Idempotency-Key, reused when it is retried after no
 * answer (automatically, or by pressing Book again), so a lost response never books twice.
 */
export function useBook(opts: {
  onConflict: (message: string, suggestions: readonly Suggestion[]) => void;
  onBooked?: (seatId: number) => void;
}) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const keys = useRef(new IdempotencyKeys()).current;
  const mutation = useMutation({
    mutationKey: trpc.reservations.create.mutationKey(),
    mutationFn: ({ booking, idempotencyKey }: { booking: Booking; idempotencyKey: string }) =>
      client.reservations.create.mutate(booking, { context: { idempotencyKey } }),
    retry: (failures, error) => failures < MAX_RETRIES && unanswered(error),
    onSettled: (_data, error) => {
      if (!unanswered(error)) keys.answered();
    },
    onSuccess: async (r) => {
      toast.success(`Booked for ${formatRange(r.startTime, r.endTime)}`, {
        description: "It is in My reservations. Check in up to 15 minutes before it starts.",
      });
      opts.onBooked?.(r.seatId);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: trpc.seats.pathKey() }),
        queryClient.invalidateQueries({ queryKey: trpc.reservations.pathKey() }),
        queryClient.invalidateQueries({ queryKey: trpc.branches.pathKey() }),
      ]);
    },
    onError: (error) => {
      if (errorCode(error) === "CONFLICT") opts.onConflict(errorMessage(error), suggestionsOf(error));
    },
  });
  return {
    ...mutation,
    mutate: (booking: Booking) => mutation.mutate({ booking, idempotencyKey: keys.keyFor(booking) }),
  };
}
