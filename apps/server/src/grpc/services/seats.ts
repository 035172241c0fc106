import { create } from "@bufbuild/protobuf";
import type { ConnectRouter } from "@connectrpc/connect";
import type { RouterOutputs } from "@dlsms/api";
import { authenticate, type GrpcDeps, given, guard } from "../context";
import {
  BranchSchema,
  CheckAvailabilityResponseSchema,
  GetBranchesResponseSchema,
  GetSeatResponseSchema,
  GetSeatsResponseSchema,
  type Seat,
  SeatSchema,
  SeatService,
} from "../gen/library_pb";

type SeatView = RouterOutputs["seats"]["list"][number];

export function toSeat(s: SeatView): Seat {
  return create(SeatSchema, {
    id: s.id,
    branch: s.branch,
    area: s.area,
    hasPower: s.hasPower,
    hasMonitor: s.hasMonitor,
    status: s.status === "ACTIVE" ? "AVAILABLE" : "MAINTENANCE",
    isAvailable: s.available,
  });
}

const HOUR_MS = 3_600_000;

export function registerSeatService(router: ConnectRouter, { deps, logger }: GrpcDeps): void {
  router.service(SeatService, {
    getSeats: guard(logger, async (req, ctx) => {
      const { caller } = await authenticate(deps, ctx);
      const seats = await caller.seats.list({
        branch: given(req.branch),
        area: given(req.area),
        hasPower: req.hasPower,
        hasMonitor: req.hasMonitor,
        // proto3 default false: the original's gRPC default too (REST defaults to true).
        availableOnly: req.availableOnly,
        startTime: given(req.startTime),
        endTime: given(req.endTime),
      });
      return create(GetSeatsResponseSchema, { seats: seats.map(toSeat), count: seats.length });
    }),
    getSeat: guard(logger, async (req, ctx) => {
      const { caller } = await authenticate(deps, ctx);
      return create(GetSeatResponseSchema, { seat: toSeat(await caller.seats.get({ id: req.seatId })) });
    }),
    checkAvailability: guard(logger, async (req, ctx) => {
      const { caller } = await authenticate(deps, ctx);
      // Empty times: "now" (the next hour), as the original's fallback to current availability.
      const now = new Date();
      const from = given(req.startTime) ?? (given(req.endTime) ? "" : now.toISOString());
      const to =
        given(req.endTime) ?? (given(req.startTime) ? "" : new Date(now.getTime() + HOUR_MS).toISOString());
      const result = await caller.seats.availability({ seatId: req.seatId, from, to });
      return create(CheckAvailabilityResponseSchema, {
        seatId: result.seatId,
        available: result.available,
        startTime: result.from,
        endTime: result.to,
      });
    }),
    getBranches: guard(logger, async (_req, ctx) => {
      const { caller } = await authenticate(deps, ctx);
      const branches = await caller.branches.list();
      return create(GetBranchesResponseSchema, {
        branches: branches.map((b) =>
          create(BranchSchema, {
            branch: b.name,
            totalSeats: b.seatCount,
            powerSeats: b.powerSeats,
            monitorSeats: b.monitorSeats,
            hoursSet: b.openingHours !== null,
            openingHours: b.openingHours ?? [],
            closures: b.closures,
            openNow: b.openNow,
          }),
        ),
      });
    }),
  });
}
