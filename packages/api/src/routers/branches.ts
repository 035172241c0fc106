import type { TRPCRouterRecord } from "@trpc/server";
import { listBranches } from "../services/branches.service";
import { protectedProcedure } from "../trpc";

export const branchesRouter = {
  list: protectedProcedure.query(({ ctx }) => listBranches(ctx.db)),
} satisfies TRPCRouterRecord;
