import { lazy, Suspense } from "react";
import { Toaster } from "sonner";
import { Route, Switch } from "wouter";
import { Layout } from "./components/Layout";
import { Loading } from "./components/States";
import { FinderProvider } from "./features/finder/finderState";
import { QrSheetPage } from "./features/qr/QrSheetPage";
import { ScanPage } from "./features/scan/ScanPage";
import { useAuth } from "./lib/auth";
import { LibraryConfigGate } from "./lib/LibraryConfigGate";
import { Providers } from "./lib/Providers";
import { FinderPage } from "./pages/FinderPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { NotificationsPage } from "./pages/NotificationsPage";
import { ReservationsPage } from "./pages/ReservationsPage";
import { StaffPage } from "./pages/StaffPage";
import { WaitlistPage } from "./pages/WaitlistPage";

// The login form carries the zod schemas; a returning student with a stored session never needs them.
const LoginPage = lazy(() => import("./pages/LoginPage").then((m) => ({ default: m.LoginPage })));
// Settings validates the address with the zod schema too: loaded when opened.
const SettingsPage = lazy(() =>
  import("./features/profile/SettingsPage").then((m) => ({ default: m.SettingsPage })),
);

function Routes() {
  const { session } = useAuth();
  // Logged out, every path shows the login form; the URL stays, so a reload after login returns there.
  if (!session)
    return (
      <Suspense fallback={<Loading label="Loading…" />}>
        <LoginPage />
      </Suspense>
    );
  return (
    <LibraryConfigGate>
      <FinderProvider>
        <Layout user={session.user}>
          <Switch>
            <Route path="/" component={FinderPage} />
            <Route path="/reservations" component={ReservationsPage} />
            <Route path="/waitlist" component={WaitlistPage} />
            <Route path="/notifications" component={NotificationsPage} />
            <Route path="/settings">
              <Suspense fallback={<Loading label="Loading your settings…" />}>
                <SettingsPage />
              </Suspense>
            </Route>
            <Route path="/staff" component={StaffPage} />
            <Route path="/staff/qr" component={QrSheetPage} />
            <Route path="/s/:code">{(params) => <ScanPage code={decodeURIComponent(params.code)} />}</Route>
            <Route component={NotFoundPage} />
          </Switch>
        </Layout>
      </FinderProvider>
    </LibraryConfigGate>
  );
}

export function App() {
  return (
    <Providers>
      <Routes />
      <Toaster position="top-center" closeButton />
    </Providers>
  );
}
