import { EventEmitter, on } from "node:events";
import { listNotificationsInput, markReadInput, onEventInput } from "@dlsms/validators";
import { type TRPCRouterRecord, tracked } from "@trpc/server";
import { notificationChannel } from "../services/events";
import { listNotifications, markRead, notificationsAfter } from "../services/notifications.service";
import type { NotificationView } from "../services/views";
import { protectedProcedure } from "../trpc";
import { assertSessionAlive, endAtExpiry } from "./session";

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
  onEvent: protectedProcedure.input(onEventInput).subscription(async function* ({ ctx, input, signal }) {
    const events = new EventEmitter();
    const unsubscribe = ctx.bus.subscribe(notificationChannel(ctx.user.id), (m) => events.emit("n", m));
    const stopAtExpiry = endAtExpiry(ctx.user, events, "n");
    const live = on(events, "n", { signal });
    try {
      // Subscribed on the transport before reading the table: nothing can fall in between.
      await unsubscribe.ready;
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
      for await (const [message] of live) {
        assertSessionAlive(ctx.user, message);
        const n = message as NotificationView;
        if (n.id <= lastId) continue;
        lastId = n.id;
        yield tracked(String(n.id), n);
      }
    } catch (error) {
      if (!signal?.aborted) throw error;
    } finally {
      clearTimeout(stopAtExpiry);
      unsubscribe();
    }
  }),
} satisfies TRPCRouterRecord;
