import { loginInput, registerInput } from "@dlsms/validators";
import type { TRPCRouterRecord } from "@trpc/server";
import { getUser, login, register } from "../services/auth.service";
import { protectedProcedure, publicProcedure } from "../trpc";

export const authRouter = {
  register: publicProcedure
    .input(registerInput)
    .mutation(({ ctx, input }) => register(ctx.db, input, ctx.config.auth)),
  login: publicProcedure
    .input(loginInput)
    .mutation(({ ctx, input }) => login(ctx.db, input, ctx.config.auth, ctx.loginLimiter, ctx.clientIp)),
  me: protectedProcedure.query(({ ctx }) => getUser(ctx.db, ctx.user.id)),
} satisfies TRPCRouterRecord;
