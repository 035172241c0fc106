// `@dlsms/api`: the router, its types and the context factory. What a server process runs beside
// the router is in `@dlsms/api/server`; the read models its shortcuts answer from, in
// `@dlsms/api/read-models`.
export { bearerToken, type SessionUser, signToken, verifyToken } from "./auth/jwt";
export type { ApiConfig, AuthConfig, BookingRules } from "./config";
export {
  type ApiDeps,
  type ApiObserver,
  type AuthProblem,
  type BookingOutcome,
  type Context,
  createContextFactory,
  createContextInner,
  type IdempotencyKeyHeader,
  resolveUser,
  signedInUser,
} from "./context";
export * from "./errors";
export { type AppRouter, appRouter, createCaller, type RouterInputs, type RouterOutputs } from "./root";
export type {
  BusyInterval,
  NotificationView,
  ReservationView,
  SeatView,
  UserView,
  WaitlistEntryView,
} from "./services/views";
export { parseLibraryTime } from "./time";
