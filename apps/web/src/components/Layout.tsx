import { type ReactNode, useEffect, useRef } from "react";
import { Link, useLocation } from "wouter";
import { LiveNotifications } from "../features/notifications/LiveNotifications";
import { NotificationBell } from "../features/notifications/NotificationBell";
import { isStaff } from "../features/staff/types";
import { OfferBanner } from "../features/waitlist/OfferBanner";
import { auth, type SessionUser } from "../lib/auth";

const NAV = [
  { href: "/", label: "Find a seat" },
  { href: "/reservations", label: "My reservations" },
  { href: "/waitlist", label: "Waitlist" },
  { href: "/settings", label: "Settings" },
];
// Staff see one more entry; students never get a link to it (the page guards itself too).
const STAFF_NAV = [...NAV, { href: "/staff", label: "Staff" }];

export function Layout({ user, children }: { user: SessionUser; children: ReactNode }) {
  const [location] = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);
  useEffect(() => {
    // After a client-side navigation, move focus to the new page (as a full page load would), so
    // keyboard and screen reader users start at its content; not on the first load.
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    if (location) mainRef.current?.focus();
  }, [location]);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <div className="bar">
          <Link href="/" className="brand">
            DL-SMS
          </Link>
          <div className="account">
            <NotificationBell />
            <span className="user-name" title={user.studentId}>
              {user.name}
            </span>
            <button type="button" className="ghost" onClick={() => auth.logout()}>
              Log out
            </button>
          </div>
        </div>
        <nav aria-label="Main">
          <ul>
            {(isStaff(user.role) ? STAFF_NAV : NAV).map((n) => (
              <li key={n.href}>
                <Link href={n.href} aria-current={location === n.href ? "page" : undefined}>
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <LiveNotifications />
      <main id="main" tabIndex={-1} ref={mainRef}>
        <OfferBanner />
        {children}
      </main>
    </>
  );
}
