import { useQuery } from "@tanstack/react-query";
import { Link } from "wouter";
import { BellIcon } from "../../components/Icons";
import { useTRPC } from "../../lib/trpc";

export function NotificationBell() {
  const trpc = useTRPC();
  const unread = useQuery(trpc.notifications.list.queryOptions({ unreadOnly: true }));
  const count = unread.data?.length ?? 0;
  return (
    <Link href="/notifications" className="bell">
      <BellIcon />
      <span className="sr-only">Notifications{count > 0 ? `, ${count} unread` : ""}</span>
      {count > 0 && (
        <span className="count" aria-hidden="true">
          {count > 99 ? "99+" : count}
        </span>
      )}
    </Link>
  );
}
