import { toast } from "sonner";

interface Props {
  seatId: number;
  window: { startTime: string; endTime: string };
}

/** Placeholder until waitlist.join is in the router; replaced by the real mutation then. */
export function JoinWaitlistButton(_props: Props) {
  return (
    <button type="button" onClick={() => toast.info("The waitlist opens soon.")}>
      Join waitlist
    </button>
  );
}
