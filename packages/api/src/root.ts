import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { adminRouter } from "./routers/admin";
import { authRouter } from "./routers/auth";
import { branchesRouter } from "./routers/branches";
import { configRouter } from "./routers/config";
import { healthProcedure } from "./routers/health";
import { notificationsRouter } from "./routers/notifications";
import { reservationsRouter } from "./routers/reservations";
import { seatsRouter } from "./routers/seats";
import { waitlistRouter } from "./routers/waitlist";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  health: healthProcedure,
  config: configRouter,
  auth: authRouter,
  branches: branchesRouter,
  seats: seatsRouter,
  reservations: reservationsRouter,
  waitlist: waitlistRouter,
  notifications: notificationsRouter,
  admin: adminRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

export const createCaller = createCallerFactory(appRouter);
