import ical, { ICalCalendarMethod, ICalEventStatus } from "ical-generator";

export interface CalendarBooking {
  reservationId: number;
  start: Date;
  end: Date;
  summary: string;
  location: string;
  description: string;
  url: string;
  /** The host part of PUBLIC_URL: makes the event's UID unique to this deployment. */
  domain: string;
}

/**
 * The booking as an iCalendar file (RFC 5545) with ical-generator. Times are written in UTC:
 * every calendar shows them in its own zone, and the mail's text gives the library's.
 */
export function bookingCalendar(booking: CalendarBooking): string {
  const calendar = ical({
    prodId: { company: "DL-SMS", product: "seat-reservations" },
    method: ICalCalendarMethod.PUBLISH,
  });
  calendar.createEvent({
    id: `reservation-${booking.reservationId}@${booking.domain}`,
    start: booking.start,
    end: booking.end,
    summary: booking.summary,
    location: booking.location,
    description: booking.description,
    url: booking.url,
    status: ICalEventStatus.CONFIRMED,
  });
  return calendar.toString();
}
