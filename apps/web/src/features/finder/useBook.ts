import { useMutation, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { errorCode, errorMessage } from "../../lib/errors";
import { formatRange } from "../../lib/time";
import { useTRPC } from "../../lib/trpc";

/** Booking plus everything a booking makes stale; CONFLICT is left to the caller to explain. */
export function useBook(opts: {
  onConflict: (message: string) => void;
  onBooked?: (seatId: number) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.reservations.create.mutationOptions({
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
        if (errorCode(error) === "CONFLICT") opts.onConflict(errorMessage(error));
      },
    }),
  );
}
