// `@dlsms/api/server`: what a server process runs beside the router (the sweeper, the health
// check, the login limiter, the bus channels and cache keys changes are published on).
export {
  addressKey,
  createLoginLimiter,
  type LoginLimiter,
  type LoginLimits,
  type MakeLimiter,
} from "./auth/limiter";
export type { MailAttachment, RenderedMail } from "./mail/layout";
export { formatSlot, type MailContext, type MailSettings, renderMail, TEMPLATES } from "./mail/render";
export { checkHealth } from "./routers/health";
export { type CampusIdentity, signInCampusStudent } from "./services/campus-sign-in.service";
export * from "./services/events";
export * from "./services/mail-outbox.service";
export { runSweep, type SweepResult } from "./services/sweeper";
