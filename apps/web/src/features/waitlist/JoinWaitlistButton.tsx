import { useMutation, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { errorMessage } from "../../lib/errors";
import { useTRPC } from "../../lib/trpc";

type Target = { seatId: number; label: string } | { branch: string; label: string };

interface Props {
  target: Target;
  window: { startTime: string; endTime: string };
}

export function JoinWaitlistButton({ target, window }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const join = useMutation(
    trpc.waitlist.join.mutationOptions({
      onSuccess: () => {
        toast.success(`You are on the waitlist for ${target.label}`, {
          description: "We will offer it to you here as soon as it frees up.",
        });
        return queryClient.invalidateQueries({ queryKey: trpc.waitlist.pathKey() });
      },
      onError: (e) => toast.error(errorMessage(e)),
    }),
  );
  const where = "seatId" in target ? { seatId: target.seatId } : { branch: target.branch };
  return (
    <button
      type="button"
      disabled={join.isPending || join.isSuccess}
      onClick={() => join.mutate({ ...where, desiredStart: window.startTime, desiredEnd: window.endTime })}
    >
      {join.isSuccess ? "On the waitlist" : "Join waitlist"}
    </button>
  );
}
