import { branches, seats } from "@dlsms/db";
import { seatAvailabilityInput, seatGetInput, seatsListInput, seatsOnChangeInput } from "@dlsms/validators";
import type { TRPCRouterRecord } from "@trpc/server";
import { eq } from "drizzle-orm";
import { listingReads, readListing } from "../read-models/listing-reads";
import { readSeat, readSeatAvailability } from "../read-models/seat-details";
import { SEAT_CHANGES_CHANNEL, type SeatChangeMessage, type SeatChangeReason } from "../services/events";
import { seatLabel } from "../services/seat-labels";
import { protectedProcedure, publicProcedure } from "../trpc";
import { busSubscription } from "./session";

export interface SeatChangeEvent {
  seatId: number;
  branch: string;
  reason: SeatChangeReason;
  at: string;
}

export const seatsRouter = {
  list: protectedProcedure.input(seatsListInput.optional()).query(({ ctx, input }) => {
    return readListing(ctx, listingReads.seats(ctx, input ?? {}));
  }),
  get: protectedProcedure
    .input(seatGetInput)
    // From this process's copy of the seat (seat-details.ts); the same answer as getSeat's SQL.
    .query(({ ctx, input }) => readSeat(ctx, input.id, ctx.user.id, ctx.config.rules)),
  /** The code, branch and area printed with a seat's QR code: no token, as the sticker on the seat shows them. */
  label: publicProcedure.input(seatGetInput).query(({ ctx, input }) => seatLabel(ctx.db, input.id)),
  availability: protectedProcedure
    .input(seatAvailabilityInput)
    .query(({ ctx, input }) => readSeatAvailability(ctx, input, ctx.user.id, ctx.config.rules)),

  /** Live availability changes, optionally for one branch: a cue to refetch the seat map. */
  onChange: protectedProcedure.input(seatsOnChangeInput).subscription(({ ctx, input, signal }) =>
    busSubscription<SeatChangeMessage, SeatChangeEvent>(
      ctx,
      SEAT_CHANGES_CHANNEL,
      signal,
      async function* (messages) {
        const seatBranch = new Map(
          (
            await ctx.db
              .select({ id: seats.id, branch: branches.name })
              .from(seats)
              .innerJoin(branches, eq(branches.id, seats.branchId))
          ).map((s) => [s.id, s.branch]),
        );
        for await (const { changes, at } of messages) {
          for (const change of changes) {
            const branch = seatBranch.get(change.seatId) ?? "";
            if (input?.branch && input.branch !== branch) continue;
            yield { seatId: change.seatId, branch, reason: change.reason, at };
          }
        }
      },
    ),
  ),
} satisfies TRPCRouterRecord;
