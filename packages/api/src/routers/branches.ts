import type { TRPCRouterRecord } from "@trpc/server";
import { listBranches } from "../services/branches.service";
import { BRANCHES_LISTING_KEY, cachedListing } from "../services/listing-cache";
import { protectedProcedure } from "../trpc";

export const branchesRouter = {
  list: protectedProcedure.query(({ ctx }) =>
    cachedListing(ctx.cache, BRANCHES_LISTING_KEY, () => listBranches(ctx.db)),
  ),
} satisfies TRPCRouterRecord;
