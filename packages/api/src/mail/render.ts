import { DateTime } from "luxon";
import { bookingCalendar } from "./ics";
import { type MailContent, type RenderedMail, writeMail } from "./layout";

/** What the worker knows about one queued mail when it sends it: everything read then. */
export interface MailContext {
  /** A notification type, or BOOKING_CONFIRMED. */
  kind: string;
  payload: Record<string, unknown>;
  recipientName: string;
  /** The reservation the payload names, as it is now (null when none is named or it is gone). */
  reservation: {
    id: number;
    status: string;
    startTime: Date;
    endTime: Date;
    expiresAt: Date | null;
  } | null;
  seat: { code: string; area: string; branch: string } | null;
}

export interface MailSettings {
  /** PUBLIC_URL, without a trailing slash: every link points under it. */
  publicUrl: string;
  /** LIBRARY_TIMEZONE: every time in a mail is the library's wall time, labelled with it. */
  zone: string;
  checkInEarlyMinutes: number;
  graceMinutes: number;
}

type Template = (ctx: MailContext, settings: MailSettings, now: Date) => MailContent | null;

const text = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim() ? value : undefined;
const time = (value: unknown): Date | undefined => {
  const s = text(value);
  const d = s ? new Date(s) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
};

function when(date: Date, zone: string): string {
  return DateTime.fromJSDate(date, { zone }).toFormat("cccc d LLLL yyyy, HH:mm");
}

/** "Monday 7 December 2026, 14:00–16:00 (Europe/Berlin)", in the library's zone. */
export function formatSlot(start: Date, end: Date, zone: string): string {
  const s = DateTime.fromJSDate(start, { zone });
  const e = DateTime.fromJSDate(end, { zone });
  const endText = s.hasSame(e, "day") ? e.toFormat("HH:mm") : when(end, zone);
  return `${when(start, zone)}–${endText} (${zone})`;
}

const clock = (date: Date, zone: string) =>
  `${DateTime.fromJSDate(date, { zone }).toFormat("HH:mm")} (${zone})`;

function seatName(ctx: MailContext): string {
  return ctx.seat ? `seat ${ctx.seat.code}` : "your seat";
}
function place(ctx: MailContext): string {
  return ctx.seat ? `Seat ${ctx.seat.code}, ${ctx.seat.branch} · ${ctx.seat.area}` : "Your seat";
}

/** The slot a notification names (its payload's times), else the reservation's. */
function slotOf(ctx: MailContext): { start: Date; end: Date } | undefined {
  const start = time(ctx.payload.startTime) ?? ctx.reservation?.startTime;
  const end = time(ctx.payload.endTime) ?? ctx.reservation?.endTime;
  return start && end ? { start, end } : undefined;
}

const link = (settings: MailSettings, path: string) => `${settings.publicUrl}${path}`;
const greeting = (ctx: MailContext) => `Hello ${ctx.recipientName},`;

const bookingConfirmed: Template = (ctx, settings) => {
  const r = ctx.reservation;
  // Cancelled (or gone) before the mail went out: a confirmation would mislead.
  if (!r || (r.status !== "CONFIRMED" && r.status !== "CHECKED_IN")) return null;
  const { zone } = settings;
  const slot = formatSlot(r.startTime, r.endTime, zone);
  const opens = new Date(r.startTime.getTime() - settings.checkInEarlyMinutes * 60_000);
  const closes = new Date(r.startTime.getTime() + settings.graceMinutes * 60_000);
  const url = link(settings, "/reservations");
  const paragraphs = [
    `Your booking is confirmed: ${place(ctx)}, ${slot}.`,
    `Check in at the seat between ${clock(opens, zone)} and ${clock(closes, zone)}, or the seat goes to someone else.`,
    "The attached calendar file adds it to your calendar.",
  ];
  return {
    subject: `Booked: ${seatName(ctx)}, ${slot}`,
    greeting: greeting(ctx),
    paragraphs,
    action: { label: "Your reservations", href: url },
    attachments: [
      {
        filename: "reservation.ics",
        contentType: "text/calendar; charset=utf-8; method=PUBLISH",
        content: bookingCalendar({
          reservationId: r.id,
          start: r.startTime,
          end: r.endTime,
          summary: `Library ${seatName(ctx)}`,
          location: ctx.seat ? `${ctx.seat.branch}, ${ctx.seat.area}, seat ${ctx.seat.code}` : "Library",
          description: paragraphs.slice(0, 2).join("\n"),
          url,
          domain: new URL(settings.publicUrl).hostname,
        }),
      },
    ],
  };
};

const checkInReminder: Template = (ctx, settings, now) => {
  if (ctx.reservation?.status !== "CONFIRMED") return null; // checked in or cancelled meanwhile
  const slot = slotOf(ctx);
  if (!slot) return null;
  const closes =
    time(ctx.payload.checkInClosesAt) ?? new Date(slot.start.getTime() + settings.graceMinutes * 60_000);
  // REMINDER_MINUTES may exceed CHECKIN_EARLY_MINUTES: then check-in is not open yet.
  const opens = new Date(slot.start.getTime() - settings.checkInEarlyMinutes * 60_000);
  const window =
    opens > now
      ? `Check in at the seat between ${clock(opens, settings.zone)} and ${clock(closes, settings.zone)}.`
      : `Check-in is open now until ${clock(closes, settings.zone)}.`;
  return {
    subject: `Check in by ${clock(closes, settings.zone)}: ${seatName(ctx)}`,
    greeting: greeting(ctx),
    paragraphs: [
      `Your booking starts soon: ${place(ctx)}, ${formatSlot(slot.start, slot.end, settings.zone)}.`,
      `${window} If you do not check in by then, the booking ends as a no-show.`,
    ],
    action: { label: "Check in", href: link(settings, "/reservations") },
  };
};

const offer: Template = (ctx, settings, now) => {
  const r = ctx.reservation;
  const lapses = time(ctx.payload.expiresAt) ?? r?.expiresAt ?? undefined;
  // Claimed, declined or lapsed before the mail went out: nothing left to offer.
  if (r?.status !== "HELD" || !lapses || lapses <= now) return null;
  const slot = slotOf(ctx);
  return {
    subject: `A seat is free for you: ${seatName(ctx)} — claim it by ${clock(lapses, settings.zone)}`,
    greeting: greeting(ctx),
    paragraphs: [
      `A seat you wait for is free and held for you: ${place(ctx)}${slot ? `, ${formatSlot(slot.start, slot.end, settings.zone)}` : ""}.`,
      `The offer lapses at ${clock(lapses, settings.zone)}; then it passes to the next student in line.`,
    ],
    action: { label: "Claim the seat", href: link(settings, `/waitlist?offer=${r.id}`) },
  };
};

const cancelled: Template = (ctx, settings) => {
  const slot = slotOf(ctx);
  const reason = text(ctx.payload.reason) ?? "Cancelled by library staff";
  return {
    subject: `Cancelled by the library: ${seatName(ctx)}${slot ? `, ${formatSlot(slot.start, slot.end, settings.zone)}` : ""}`,
    greeting: greeting(ctx),
    paragraphs: [
      `The library cancelled ${ctx.payload.waitlistId ? "your waitlist entry for" : "your booking of"} ${seatName(ctx)}${slot ? `, ${formatSlot(slot.start, slot.end, settings.zone)}` : ""}.`,
      `Reason: ${reason}`,
    ],
    action: { label: "Find another seat", href: link(settings, "/") },
  };
};

const noShow: Template = (ctx, settings) => {
  const slot = slotOf(ctx);
  return {
    subject: `Missed check-in: ${seatName(ctx)}`,
    greeting: greeting(ctx),
    paragraphs: [
      `You did not check in to ${seatName(ctx)}${slot ? `, ${formatSlot(slot.start, slot.end, settings.zone)}` : ""}, so the booking ended as a no-show and the seat went to others.`,
      strikeLine(ctx.payload),
    ],
    action: { label: "Your reservations", href: link(settings, "/reservations") },
  };
};

/** "This is strike 2 of 3 …" when the sweeper counted one; the older advice otherwise. */
function strikeLine(payload: Record<string, unknown>): string {
  const { strike, strikeLimit } = payload;
  if (typeof strike !== "number" || typeof strikeLimit !== "number") {
    return "Cancel bookings you cannot use: repeated no-shows can limit your bookings.";
  }
  return `This is strike ${strike} of ${strikeLimit}: ${strikeLimit} no-shows within the strike window suspend booking. Cancel bookings you cannot use — cancelling before the start is never a strike.`;
}

const suspended: Template = (ctx, settings) => {
  const until = time(ctx.payload.suspendedUntil);
  const untilText = until ? when(until, settings.zone) : "further notice";
  return {
    subject: `Booking suspended until ${untilText}`,
    greeting: greeting(ctx),
    paragraphs: [
      `Too many missed check-ins: you cannot book seats, join waitlists or take a seat by scanning until ${untilText} (${settings.zone}).`,
      "Bookings you already hold stay yours. Library staff can lift a suspension at the desk.",
    ],
    action: { label: "Your reservations", href: link(settings, "/reservations") },
  };
};

const awayReminder: Template = (ctx, settings) => {
  const until = time(ctx.payload.awayUntil);
  if (ctx.reservation && ctx.reservation.status !== "AWAY") return null; // already back
  return {
    subject: `Your break ends${until ? ` at ${clock(until, settings.zone)}` : " soon"}`,
    greeting: greeting(ctx),
    paragraphs: [
      `Come back to ${seatName(ctx)}${until ? ` by ${clock(until, settings.zone)}` : ""} or scan its QR code to keep it; when the break runs out the seat goes to the next student.`,
    ],
    action: { label: "I'm back", href: link(settings, "/reservations") },
  };
};

const awayEnded: Template = (ctx, settings) => ({
  subject: `Your break ran out: ${seatName(ctx)} was given up`,
  greeting: greeting(ctx),
  paragraphs: [
    `You did not come back to ${seatName(ctx)} before your break ended, so your reservation ended then and the seat was offered to others.`,
  ],
  action: { label: "Find a seat", href: link(settings, "/") },
});

const offerExpired: Template = (ctx, settings) => ({
  subject: `Your offer for ${seatName(ctx)} lapsed`,
  greeting: greeting(ctx),
  paragraphs: [
    `The seat held for you (${place(ctx)}) was not claimed in time and passed to the next student.`,
  ],
  action: { label: "Your waitlist", href: link(settings, "/waitlist") },
});

const seatAvailable: Template = (ctx, settings) => ({
  subject: `A seat you wait for is free: ${seatName(ctx)}`,
  greeting: greeting(ctx),
  paragraphs: [text(ctx.payload.message) ?? `${place(ctx)} is available now.`],
  action: { label: "Book it", href: link(settings, "/") },
});

/** "STRIKE_RECORDED" → "Strike recorded". */
const humanise = (kind: string) => kind.charAt(0) + kind.slice(1).toLowerCase().replaceAll("_", " ");

/**
 * Any notification without its own template (types added later, e.g. suspensions): its message
 * or reason if it has one, and a link to the notifications page. Give a type its own entry in
 * TEMPLATES to say more.
 */
const generic: Template = (ctx, settings) => {
  const said = text(ctx.payload.message) ?? text(ctx.payload.reason);
  return {
    subject: `DL-SMS: ${humanise(ctx.kind)}`,
    greeting: greeting(ctx),
    paragraphs: [said ?? `You have a new notification: ${humanise(ctx.kind).toLowerCase()}.`],
    action: { label: "Your notifications", href: link(settings, "/notifications") },
  };
};

/** Mail kind → template; null: this kind sends no mail. */
export const TEMPLATES: Record<string, Template | null> = {
  BOOKING_CONFIRMED: bookingConfirmed,
  CHECK_IN_REMINDER: checkInReminder,
  OFFER: offer,
  OFFER_EXPIRED: offerExpired,
  NO_SHOW: noShow,
  RESERVATION_CANCELLED: cancelled,
  SEAT_AVAILABLE: seatAvailable,
  SUSPENDED: suspended,
  AWAY_REMINDER: awayReminder,
  AWAY_ENDED: awayEnded,
  // Staff booked for the student: the booking's own confirmation (BOOKING_CONFIRMED) says it.
  RESERVATION_BOOKED: null,
};

/** The mail for a queued row, or null when there is none to send (any more). */
export function renderMail(ctx: MailContext, settings: MailSettings, now = new Date()): RenderedMail | null {
  const template = Object.hasOwn(TEMPLATES, ctx.kind) ? TEMPLATES[ctx.kind] : generic;
  const content = template?.(ctx, settings, now);
  return content ? writeMail(content, link(settings, "/settings")) : null;
}
