import { loginInput, registerInput, updateProfileInput } from "@dlsms/validators";
import type { TRPCRouterRecord } from "@trpc/server";
import { RateLimited } from "../errors";
import { login, register } from "../services/auth.service";
import { updateProfile } from "../services/profile.service";
import { currentUser } from "../services/standing.service";
import { protectedProcedure, publicProcedure } from "../trpc";

/**
 * A login or registration runs only as the first call of a request (batch index 0, on HTTP and on
 * WebSocket alike): one request carries at most one password check, so a batch of guesses cannot
 * multiply what a single request costs the client. Later ones are refused before any work.
 */
const credentialProcedure = publicProcedure.use(({ batchIndex, path, next }) => {
  if (batchIndex > 0) {
    throw new RateLimited(
      `${path} must be the first call of its request: send one login or registration per request.`,
      1,
    );
  }
  return next();
});

export const authRouter = {
  register: credentialProcedure
    .input(registerInput)
    .mutation(({ ctx, input }) => register(ctx.db, input, ctx.config.auth, ctx.loginLimiter, ctx.clientIp)),
  login: credentialProcedure
    .input(loginInput)
    .mutation(({ ctx, input }) => login(ctx.db, input, ctx.config.auth, ctx.loginLimiter, ctx.clientIp)),
  /** The caller, with their no-show `standing: { strikes, suspendedUntil }`. */
  me: protectedProcedure.query(({ ctx }) => currentUser(ctx.db, ctx.user.id, ctx.config.rules)),
  updateProfile: protectedProcedure
    .input(updateProfileInput)
    .mutation(({ ctx, input }) => updateProfile(ctx.db, ctx.user.id, input)),
} satisfies TRPCRouterRecord;
