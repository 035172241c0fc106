import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ConnectRouter } from "@connectrpc/connect";
import { parseLibraryTime, type RouterOutputs, type SessionUser } from "@dlsms/api";
import { assertSelf, authenticate, type GrpcDeps, given, guard } from "../context";
import {
  AddToWaitlistResponseSchema,
  GetUserWaitlistResponseSchema,
  NotifyService,
  NotifyUsersResponseSchema,
  RemoveFromWaitlistResponseSchema,
  type WaitlistEntry,
  WaitlistEntrySchema,
} from "../gen/library_pb";

type EntryView = RouterOutputs["waitlist"]["mine"][number];

function toEntry(e: EntryView, user: SessionUser): WaitlistEntry {
  return create(WaitlistEntrySchema, {
    id: e.id,
    userId: user.id,
    // The original sent 0 (present) when an entry named only a branch.
    seatId: e.seatId ?? 0,
    branch: e.branch,
    desiredTime: e.desiredStart,
    createdAt: e.createdAt,
  });
}

const HOUR_MS = 3_600_000;

export function registerNotifyService(router: ConnectRouter, { deps, logger }: GrpcDeps): void {
  router.service(NotifyService, {
    addToWaitlist: guard(logger, async (req, ctx) => {
      const { user, caller } = await authenticate(deps, ctx);
      assertSelf(user, req.userId);
      const desired = given(req.desiredTime);
      if (!desired) throw new ConnectError("desired_time is required", Code.InvalidArgument);
      // One instant in the original; the window is [desired_time, desired_time + 1 h).
      const start = parseLibraryTime(desired, deps.config.rules.libraryTimezone, "desired_time");
      const entry = await caller.waitlist.join({
        seatId: req.seatId ? req.seatId : undefined,
        branch: given(req.branch),
        desiredStart: desired,
        desiredEnd: new Date(start.getTime() + HOUR_MS).toISOString(),
      });
      return create(AddToWaitlistResponseSchema, { entry: toEntry(entry, user) });
    }),
    getUserWaitlist: guard(logger, async (req, ctx) => {
      const { user, caller } = await authenticate(deps, ctx);
      assertSelf(user, req.userId);
      const entries = await caller.waitlist.mine();
      return create(GetUserWaitlistResponseSchema, {
        entries: entries.map((e) => toEntry(e, user)),
        count: entries.length,
      });
    }),
    removeFromWaitlist: guard(logger, async (req, ctx) => {
      const { caller } = await authenticate(deps, ctx);
      await caller.waitlist.leave({ id: req.waitlistId });
      return create(RemoveFromWaitlistResponseSchema, {
        message: "Removed from waitlist",
        id: req.waitlistId,
      });
    }),
    // The original let anyone mark a waiter "notified" and pushed nothing. Here freed seats are
    // offered to the waitlist automatically, so this staff-only call has nothing left to do.
    notifyUsers: guard(logger, async (_req, ctx) => {
      const { user } = await authenticate(deps, ctx);
      if (user.role !== "admin")
        throw new ConnectError("NotifyUsers is for library staff only", Code.PermissionDenied);
      return create(NotifyUsersResponseSchema, {
        notified: false,
        userId: 0,
        studentId: "",
        message: "Waitlisted students are offered freed seats automatically; nothing to send",
      });
    }),
  });
}
