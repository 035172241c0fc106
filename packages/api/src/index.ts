export { bearerToken, type SessionUser, signToken, verifyToken } from "./auth/jwt";
export {
  addressKey,
  createLoginLimiter,
  type LoginLimiter,
  type LoginLimits,
  type MakeLimiter,
} from "./auth/limiter";
export * from "./config";
export * from "./context";
export * from "./errors";
export { lostRacesFor } from "./read-models/known-losses";
export { type ListingFormat, listingReads, renderedListing } from "./read-models/listing-reads";
export { type AppRouter, appRouter, createCaller, type RouterInputs, type RouterOutputs } from "./root";
export { checkHealth } from "./routers/health";
export * from "./services/events";
export { runSweep, type SweepResult } from "./services/sweeper";
export * from "./services/views";
export { parseLibraryTime } from "./time";
