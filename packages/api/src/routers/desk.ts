import {
  bookForInput,
  entityHistoryInput,
  idInput,
  reservationHistoryInput,
  studentReservationsInput,
  studentSearchInput,
} from "@dlsms/validators";
import type { TRPCRouterRecord } from "@trpc/server";
import * as desk from "../services/desk.service";
import { withEffects } from "../services/events";
import { entityHistory, reservationHistory } from "../services/history.service";
import { adminProcedure, protectedProcedure, staffBookingProcedure } from "../trpc";

/** The staff desk and the audit trail's reader; spread into the admin router. */
export const deskProcedures = {
  /** Books for a student, under every rule they book under; they are notified. */
  bookFor: staffBookingProcedure
    .input(bookForInput)
    .mutation(({ ctx, input }) =>
      withEffects(ctx, (effects) => desk.bookFor(ctx.db, ctx.user.id, input, ctx.config.rules, effects)),
    ),
  students: adminProcedure
    .input(studentSearchInput)
    .query(({ ctx, input }) => desk.searchStudents(ctx.db, input ?? { query: "", limit: 20, offset: 0 })),
  studentReservations: adminProcedure
    .input(studentReservationsInput)
    .query(({ ctx, input }) => desk.studentReservations(ctx.db, input, ctx.config.rules)),
  /** Any reservation's trail, oldest first. */
  history: adminProcedure
    .input(reservationHistoryInput)
    .query(({ ctx, input }) => reservationHistory(ctx.db, input.reservationId)),
  /** A seat's or branch's trail, oldest first (empty for one never changed through the API). */
  entityHistory: adminProcedure
    .input(entityHistoryInput)
    .query(({ ctx, input }) => entityHistory(ctx.db, input.entityType, input.entityId)),
} satisfies TRPCRouterRecord;

/** `reservations.history`: the student's own reservation's trail (another's is NOT_FOUND). */
export const ownReservationHistory = protectedProcedure
  .input(idInput)
  .query(({ ctx, input }) => reservationHistory(ctx.db, input.id, ctx.user.id));
