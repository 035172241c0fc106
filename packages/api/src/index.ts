export { bearerToken, type SessionUser, signToken, verifyToken } from "./auth/jwt";
export {
  addressKey,
  createLoginLimiter,
  type LoginLimiter,
  type LoginLimits,
  type MakeLimiter,
} from "./auth/limiter";
export { type ListingFormat, listingReads, renderedListing } from "./cached-reads";
export * from "./config";
export * from "./context";
export * from "./errors";
export { type AppRouter, appRouter, createCaller, type RouterInputs, type RouterOutputs } from "./root";
export { checkHealth } from "./routers/health";
export * from "./services/events";
export { lostRacesFor } from "./services/lost-races";
export { runSweep, type SweepResult } from "./services/sweeper";
export * from "./services/views";
export { parseLibraryTime } from "./time";
