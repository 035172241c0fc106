import { lazy, Suspense } from "react";
import { Loading } from "../../components/States";

// The reports (their zod schemas and recharts) load only when a staff page shows them, so
// students' first load does not carry them.
const ReportsSection = lazy(() => import("./ReportsSection").then((m) => ({ default: m.ReportsSection })));

export function Reports() {
  return (
    <Suspense fallback={<Loading label="Loading reports…" />}>
      <ReportsSection />
    </Suspense>
  );
}
