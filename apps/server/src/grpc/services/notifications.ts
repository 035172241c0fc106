import { create } from "@bufbuild/protobuf";
import type { ConnectRouter } from "@connectrpc/connect";
import type { RouterOutputs } from "@dlsms/api";
import { isTrackedEnvelope } from "@trpc/server";
import { authenticate, type GrpcDeps, given, toConnectError } from "../context";
import { NotificationSchema, NotificationService } from "../gen/notifications_pb";

type NotificationView = RouterOutputs["notifications"]["list"][number];

/** DL-SMS addition: `notifications.onEvent` as a server stream (replay from last_event_id, then live). */
export function registerNotificationService(router: ConnectRouter, { deps, logger }: GrpcDeps): void {
  router.service(NotificationService, {
    async *subscribe(req, ctx) {
      try {
        const { caller } = await authenticate(deps, ctx);
        const events = await caller.notifications.onEvent({ lastEventId: given(req.lastEventId) });
        for await (const item of events) {
          if (!isTrackedEnvelope(item)) continue;
          const n = item[1] as NotificationView;
          yield create(NotificationSchema, {
            id: BigInt(n.id),
            type: n.type,
            payloadJson: JSON.stringify(n.payload),
            createdAt: n.createdAt,
          });
        }
      } catch (error) {
        // A client that went away is not an error worth reporting.
        if (ctx.signal.aborted) return;
        throw toConnectError(error, logger);
      }
    },
  });
}
