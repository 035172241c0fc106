import { formatDateTime, formatRange, formatTime } from "../../lib/time";
import type { AppNotification } from "../../lib/types";

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** One sentence a student understands, from a notification's type and payload. */
export function describeNotification(n: Pick<AppNotification, "type" | "payload">): string {
  const p = n.payload;
  const start = str(p.startTime);
  const end = str(p.endTime);
  const when = start && end ? ` for ${formatRange(start, end)}` : "";
  switch (n.type) {
    case "OFFER": {
      const expires = str(p.expiresAt);
      return `A seat from your waitlist is free${when}. Claim it${expires ? ` before ${formatTime(expires)}` : ""}.`;
    }
    case "OFFER_EXPIRED":
      return `Your waitlist offer${when} expired and went to the next student.`;
    case "NO_SHOW": {
      const strike = typeof p.strike === "number" ? p.strike : undefined;
      const limit = typeof p.strikeLimit === "number" ? p.strikeLimit : undefined;
      const counted = strike && limit ? ` That is no-show strike ${strike} of ${limit}.` : "";
      return `You did not check in${when}, so the seat was released.${counted}`;
    }
    case "SUSPENDED": {
      const until = str(p.suspendedUntil);
      return `Too many missed check-ins: you cannot book${until ? ` until ${formatDateTime(until)}` : " for a while"}. Library staff can lift this.`;
    }
    case "CHECK_IN_REMINDER":
      return `Your reservation starts soon${when}. Remember to check in.`;
    case "RESERVATION_CANCELLED": {
      const reason = str(p.reason)?.trim().replace(/\.$/, "");
      return `Library staff cancelled your reservation${when}.${reason ? ` Reason: ${reason}.` : ""}`;
    }
    case "SEAT_AVAILABLE":
      return `A seat you are waiting for is available${when}.`;
    case "RESERVATION_BOOKED": {
      const seat = str(p.seatCode);
      return `Library staff booked ${seat ? `seat ${seat}` : "a seat"} for you${when}.`;
    }
    case "AWAY_REMINDER": {
      const until = str(p.awayUntil);
      return `Your break ends${until ? ` at ${formatTime(until)}` : " soon"}. Come back or scan your seat to keep it.`;
    }
    case "AWAY_ENDED":
      return "Your break ran out before you came back, so your reservation ended and the seat went to the next student.";
    default:
      return "You have a new notification.";
  }
}
