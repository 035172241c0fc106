/** Booking rules; the server fills these from env (see apps/server/src/env.ts). */
export interface BookingRules {
  minDurationMinutes: number;
  maxDurationMinutes: number;
  maxAdvanceDays: number;
  maxUpcomingReservations: number;
  /** A start this many minutes in the past is still accepted (clock skew, slow forms). */
  pastToleranceMinutes: number;
  /** Check-in opens this long before start. */
  checkInEarlyMinutes: number;
  /** Check-in stays open this long after start; then the sweeper marks NO_SHOW. */
  graceMinutes: number;
  /** How long a waitlist offer (a HELD reservation) stays open. */
  offerMinutes: number;
  /** Send a check-in reminder this long before start. */
  reminderMinutes: number;
  /** IANA zone in which timestamps without an offset are read. */
  libraryTimezone: string;
  /** A walk-up booking made by scanning a free seat lasts this long (shortened to the seat's next booking). */
  walkupMinutes: number;
  /** This many no-show strikes within `strikeWindowDays` suspend booking (standing.service.ts). */
  noShowStrikes: number;
  strikeWindowDays: number;
  /** A suspension lasts this long from the last strike's instant (its reservation's start). */
  suspensionDays: number;
  /** The longest away break (status AWAY) a checked-in student may take. */
  awayMaxMinutes: number;
  /** How many away breaks one reservation may take. */
  awayBreaks: number;
  /** The most weeks one weekly series (reservations.createSeries) books; at least 2. */
  seriesMaxWeeks: number;
}

export interface AuthConfig {
  jwtSecret: string;
  jwtExpirationHours: number;
  bcryptCost: number;
  /** Failed login attempts per student id from one client address, per minute. */
  loginAttemptsPerMinute: number;
  /** Failed login attempts per student id from all addresses together, per minute (much higher). */
  loginAttemptsPerStudentPerMinute: number;
  /** Login attempts, failed or not, per client address per minute. */
  loginAttemptsPerIpPerMinute: number;
  /** Registration attempts, answered or not, per client address per hour. */
  registrationsPerIpPerHour: number;
}

export interface ApiConfig {
  rules: BookingRules;
  auth: AuthConfig;
  /** Whether campus sign-in (OpenID Connect, OIDC_*) is on: the SPA then offers it. */
  campusSignIn?: boolean;
}

export const DEFAULT_RULES: BookingRules = {
  minDurationMinutes: 15,
  maxDurationMinutes: 240,
  maxAdvanceDays: 14,
  maxUpcomingReservations: 3,
  pastToleranceMinutes: 5,
  checkInEarlyMinutes: 15,
  graceMinutes: 15,
  offerMinutes: 10,
  reminderMinutes: 10,
  libraryTimezone: "UTC",
  walkupMinutes: 60,
  noShowStrikes: 3,
  strikeWindowDays: 30,
  suspensionDays: 7,
  awayMaxMinutes: 30,
  awayBreaks: 2,
  seriesMaxWeeks: 8,
};

export const DEFAULT_AUTH: Omit<AuthConfig, "jwtSecret"> = {
  jwtExpirationHours: 24,
  bcryptCost: 10,
  loginAttemptsPerMinute: 10,
  loginAttemptsPerStudentPerMinute: 100,
  loginAttemptsPerIpPerMinute: 600,
  registrationsPerIpPerHour: 20,
};
