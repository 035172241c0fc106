import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { toast } from "sonner";
import { Empty, ErrorState, Loading } from "../components/States";
import { describeNotification } from "../features/notifications/describe";
import { errorMessage } from "../lib/errors";
import { formatDateTime } from "../lib/time";
import { useTRPC } from "../lib/trpc";

export function NotificationsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.notifications.list.queryOptions({}));
  const markRead = useMutation(
    trpc.notifications.markRead.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.notifications.pathKey() }),
      onError: (e) => toast.error(errorMessage(e)),
    }),
  );
  useEffect(() => {
    document.title = "Notifications · DL-SMS";
  }, []);

  if (list.isPending) return <Loading label="Loading notifications…" />;
  if (list.isError) return <ErrorState error={list.error} retry={() => list.refetch()} />;
  const unreadIds = list.data.filter((n) => !n.readAt).map((n) => n.id);

  return (
    <>
      <div className="page-head">
        <h1>Notifications</h1>
        {unreadIds.length > 0 && (
          <button
            type="button"
            disabled={markRead.isPending}
            onClick={() => markRead.mutate({ ids: unreadIds })}
          >
            Mark all read
          </button>
        )}
      </div>
      {list.data.length === 0 ? (
        <Empty>
          <p>No notifications yet. Waitlist offers and reminders will appear here.</p>
        </Empty>
      ) : (
        <ul className="cards">
          {list.data.map((n) => (
            <li key={n.id} className={n.readAt ? "card notification" : "card notification unread"}>
              <p>
                {!n.readAt && <strong>New: </strong>}
                {describeNotification(n)}
              </p>
              <p className="muted">{formatDateTime(n.createdAt)}</p>
              {!n.readAt && (
                <button
                  type="button"
                  disabled={markRead.isPending}
                  onClick={() => markRead.mutate({ ids: [n.id] })}
                >
                  Mark read
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
