import type { TRPCRouterRecord } from "@trpc/server";
import { listingReads, readListing } from "../read-models/listing-reads";
import { protectedProcedure } from "../trpc";

export const branchesRouter = {
  list: protectedProcedure.query(({ ctx }) => readListing(ctx, listingReads.branches(ctx))),
} satisfies TRPCRouterRecord;
