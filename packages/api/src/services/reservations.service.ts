/** The reservations domain: booking (rules + conflict guarantee), the student's views, and the lifecycle. */
export * from "./booking.service";
export * from "./lifecycle.service";
export * from "./reservation-queries";
export * from "./series.service";
