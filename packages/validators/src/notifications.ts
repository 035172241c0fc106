import { z } from "zod";
import { eventId, positiveId } from "./common";

export const listNotificationsInput = z
  .object({ unreadOnly: z.boolean({ error: "unreadOnly must be true or false" }).optional() })
  .optional();

export const markReadInput = z.object({
  ids: z
    .array(positiveId("id"), { error: "ids must be a list of notification ids" })
    .min(1, "Give at least one notification id")
    .max(500, "At most 500 ids at once"),
});

/** tRPC sends the last `tracked()` id it saw when it reconnects. */
export const onEventInput = z.object({ lastEventId: eventId("lastEventId").nullish() }).optional();
