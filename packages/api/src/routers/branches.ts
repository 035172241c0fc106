import type { TRPCRouterRecord } from "@trpc/server";
import { listBranches } from "../services/branches.service";
import { cachedListing } from "../services/listing-cache";
import { protectedProcedure } from "../trpc";

export const branchesRouter = {
  list: protectedProcedure.query(({ ctx }) =>
    cachedListing(ctx.cache, "branches:list", () => listBranches(ctx.db)),
  ),
} satisfies TRPCRouterRecord;
