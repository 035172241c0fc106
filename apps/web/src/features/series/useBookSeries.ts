import { useMutation, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { formatRange } from "../../lib/time";
import { useTRPC } from "../../lib/trpc";

/** A weekly series plus everything it makes stale; a refusal is left to the caller to show. */
export function useBookSeries(opts: { onBooked?: (seatId: number) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.reservations.createSeries.mutationOptions({
      onSuccess: async ({ reservations }) => {
        const first = reservations[0];
        if (first) {
          toast.success(
            `Booked ${reservations.length} weeks from ${formatRange(first.startTime, first.endTime)}`,
            {
              description: "The series is in My reservations, where you can cancel it or single weeks.",
            },
          );
          opts.onBooked?.(first.seatId);
        }
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.seats.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.reservations.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.branches.pathKey() }),
        ]);
      },
    }),
  );
}
