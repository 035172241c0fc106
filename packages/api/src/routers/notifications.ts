import { listNotificationsInput, markReadInput, onEventInput } from "@dlsms/validators";
import { type TRPCRouterRecord, type TrackedEnvelope, tracked } from "@trpc/server";
import { notificationChannel } from "../services/events";
import { listNotifications, markRead, notificationsAfter } from "../services/notifications.service";
import type { NotificationView } from "../services/views";
import { protectedProcedure } from "../trpc";
import { assertSessionAlive, busSubscription } from "./session";

export const notificationsRouter = {
  list: protectedProcedure
    .input(listNotificationsInput)
    .query(({ ctx, input }) => listNotifications(ctx.db, ctx.user.id, input?.unreadOnly ?? false)),
  markRead: protectedProcedure
    .input(markReadInput)
    .mutation(({ ctx, input }) => markRead(ctx.db, ctx.user.id, input.ids)),

  /**
   * The caller's notifications, live. With `lastEventId` (tRPC sends it on reconnect) the rows
   * after it are replayed first. Order matters: subscribe to the bus, THEN read the table, then
   * drop live duplicates by id — so nothing falls in the gap between the two.
   */
  onEvent: protectedProcedure.input(onEventInput).subscription(({ ctx, input, signal }) =>
    busSubscription<NotificationView, TrackedEnvelope<NotificationView>>(
      ctx,
      notificationChannel(ctx.user.id),
      signal,
      async function* (live) {
        // Subscribed on the transport before reading the table: nothing can fall in between.
        let lastId = input?.lastEventId ? Number(input.lastEventId) : 0;
        if (input?.lastEventId) {
          for (;;) {
            const missed = await notificationsAfter(ctx.db, ctx.user.id, lastId);
            for (const n of missed) {
              assertSessionAlive(ctx.user);
              lastId = n.id;
              yield tracked(String(n.id), n);
            }
            if (missed.length < 500) break;
          }
        }
        for await (const n of live) {
          if (n.id <= lastId) continue;
          lastId = n.id;
          yield tracked(String(n.id), n);
        }
      },
    ),
  ),
} satisfies TRPCRouterRecord;
