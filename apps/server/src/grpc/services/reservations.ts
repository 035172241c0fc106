import { create } from "@bufbuild/protobuf";
import type { ConnectRouter } from "@connectrpc/connect";
import type { ReservationView, RouterOutputs, SessionUser } from "@dlsms/api";
import { originalStatus } from "../../original-status";
import { assertSelf, authenticate, type GrpcDeps, guard, orEmpty } from "../context";
import {
  CancelReservationResponseSchema,
  CheckInResponseSchema,
  CreateReservationResponseSchema,
  GetReservationResponseSchema,
  GetUserReservationsResponseSchema,
  type Reservation,
  type ReservationDetail,
  ReservationDetailSchema,
  ReservationSchema,
  ReservationService,
} from "../gen/library_pb";

type MyReservation = RouterOutputs["reservations"]["mine"][number];

const baseFields = (r: ReservationView) => ({
  id: r.id,
  userId: r.userId,
  seatId: r.seatId,
  startTime: r.startTime,
  endTime: r.endTime,
  status: originalStatus(r.status),
  createdAt: r.createdAt,
  checkedInAt: orEmpty(r.checkedInAt),
});

export const toReservation = (r: ReservationView): Reservation => create(ReservationSchema, baseFields(r));

/** Only owners see a reservation, so the student is always the caller. */
function toDetail(r: MyReservation, user: SessionUser): ReservationDetail {
  return create(ReservationDetailSchema, {
    ...baseFields(r),
    branch: r.branch,
    area: r.area,
    hasPower: r.hasPower,
    hasMonitor: r.hasMonitor,
    studentId: user.studentId,
    userName: user.name,
  });
}

export function registerReservationService(router: ConnectRouter, { deps, logger }: GrpcDeps): void {
  router.service(ReservationService, {
    createReservation: guard(logger, async (req, ctx) => {
      const { user, caller } = await authenticate(deps, ctx);
      assertSelf(user, req.userId);
      const r = await caller.reservations.create({
        seatId: req.seatId,
        startTime: req.startTime,
        endTime: req.endTime,
      });
      return create(CreateReservationResponseSchema, { reservation: toReservation(r) });
    }),
    getReservation: guard(logger, async (req, ctx) => {
      const { user, caller } = await authenticate(deps, ctx);
      const r = await caller.reservations.get({ id: req.reservationId });
      return create(GetReservationResponseSchema, { reservation: toDetail(r, user) });
    }),
    checkIn: guard(
      logger,
      async (req, ctx) => {
        const { caller } = await authenticate(deps, ctx);
        const r = await caller.reservations.checkIn({ id: req.reservationId });
        return create(CheckInResponseSchema, { reservation: toReservation(r) });
      },
      { preconditions: true },
    ),
    cancelReservation: guard(
      logger,
      async (req, ctx) => {
        const { caller } = await authenticate(deps, ctx);
        const r = await caller.reservations.cancel({ id: req.reservationId });
        return create(CancelReservationResponseSchema, { reservation: toReservation(r) });
      },
      { preconditions: true },
    ),
    getUserReservations: guard(logger, async (req, ctx) => {
      const { user, caller } = await authenticate(deps, ctx);
      assertSelf(user, req.userId);
      const status = req.status.trim().toUpperCase();
      const rows = (await caller.reservations.mine({ upcomingOnly: req.upcomingOnly })).filter(
        (r) => !status || originalStatus(r.status) === status,
      );
      return create(GetUserReservationsResponseSchema, {
        reservations: rows.map((r) => toDetail(r, user)),
        count: rows.length,
      });
    }),
  });
}
