import { useMutation, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { errorMessage } from "../../lib/errors";
import { useTRPC } from "../../lib/trpc";

/** Claim and decline touch reservations, the waitlist and seat availability: refresh all three. */
export function useOfferActions() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () =>
    Promise.all(
      [trpc.reservations, trpc.waitlist, trpc.seats, trpc.branches].map((r) =>
        queryClient.invalidateQueries({ queryKey: r.pathKey() }),
      ),
    );
  const handlers = (done: string) => ({
    onSuccess: () => {
      toast.success(done);
      return refresh();
    },
    onError: (e: unknown) => {
      toast.error(errorMessage(e));
      return refresh();
    },
  });
  const claim = useMutation(
    trpc.waitlist.claim.mutationOptions(handlers("Claimed: the seat is yours. See My reservations.")),
  );
  const decline = useMutation(trpc.waitlist.decline.mutationOptions(handlers("Offer declined")));
  return { claim, decline, pending: claim.isPending || decline.isPending };
}
