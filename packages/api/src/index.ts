export { bearerToken, type SessionUser, signToken, verifyToken } from "./auth/jwt";
export {
  addressKey,
  createLoginLimiter,
  type LoginLimiter,
  type LoginLimits,
  type MakeLimiter,
} from "./auth/limiter";
export { BOOKING_PATH, knownBookingLoss } from "./booking-fast-answer";
export {
  cachedReadAnswer,
  isCachedReadPath,
  type ListingFormat,
  listingReads,
  renderedListing,
} from "./cached-reads";
export { type CallErrorHandler, callMutation } from "./call-over-http";
export * from "./config";
export * from "./context";
export * from "./errors";
export type { Answer } from "./lent-buffers";
export { type AppRouter, appRouter, createCaller, type RouterInputs, type RouterOutputs } from "./root";
export { checkHealth } from "./routers/health";
export * from "./services/events";
export { lostRacesFor } from "./services/lost-races";
export { runSweep, type SweepResult } from "./services/sweeper";
export * from "./services/views";
export { parseLibraryTime } from "./time";
export { TRPC_JSON_HEADERS } from "./trpc-wire";
