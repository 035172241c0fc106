import { Link } from "wouter";
import { BellIcon } from "../../components/Icons";

/** Placeholder until notifications.list is in the router: then it shows the unread count. */
export function NotificationBell() {
  return (
    <Link href="/notifications" className="bell">
      <BellIcon />
      <span className="sr-only">Notifications</span>
    </Link>
  );
}
