import { useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useState } from "react";
import { toast } from "sonner";
import { useAuth } from "../../lib/auth";
import { useTRPC } from "../../lib/trpc";
import { useLiveCallbacks } from "../../lib/useLive";
import { describeNotification } from "./describe";

const keyFor = (userId: number) => `dlsms.lastEventId.${userId}`;

/**
 * Live notifications as toasts. The last event id is remembered across reloads, so whatever
 * arrived while the page was closed is replayed by the server; tRPC itself resends the latest
 * id when the socket reconnects.
 */
export function LiveNotifications() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const userId = useAuth().session?.user.id ?? 0;
  // Read once: a changing input would restart the subscription on every event.
  const [lastEventId] = useState(() => localStorage.getItem(keyFor(userId)));
  const resync = () => {
    for (const r of [trpc.notifications, trpc.reservations, trpc.waitlist, trpc.auth]) {
      void queryClient.invalidateQueries({ queryKey: r.pathKey() });
    }
  };
  const live = useLiveCallbacks(resync);
  const sub = useSubscription(
    trpc.notifications.onEvent.subscriptionOptions(lastEventId ? { lastEventId } : {}, {
      ...live,
      onData: ({ id, data }) => {
        localStorage.setItem(keyFor(userId), id);
        const text = describeNotification(data);
        if (data.type === "OFFER") toast.info(text, { duration: 10_000 });
        else toast(text);
        resync();
      },
    }),
  );
  // Invisible; lets tests (and curious developers) see whether the live channel is up.
  return <span hidden data-notifications-live={sub.status} />;
}
