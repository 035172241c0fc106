import { useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useTRPC } from "../../lib/trpc";
import { useLiveCallbacks } from "../../lib/useLive";

/**
 * Seat changes pushed over the WebSocket are a cue to refetch: the seat list stays the one
 * source of truth, so a missed or duplicated event can never leave a wrong tile behind.
 */
export function LiveSeats({ branch }: { branch: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.seats.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.branches.pathKey() });
  };
  const live = useLiveCallbacks(refresh);
  const sub = useSubscription(
    trpc.seats.onChange.subscriptionOptions(branch ? { branch } : {}, { ...live, onData: refresh }),
  );
  return (
    <p className="live-status" data-live={sub.status}>
      {sub.status === "pending" ? "● Live" : sub.status === "error" ? "Live updates paused" : "Connecting…"}
    </p>
  );
}
