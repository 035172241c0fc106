import type { TRPCRouterRecord } from "@trpc/server";
import type { BookingRules } from "../config";
import { publicProcedure } from "../trpc";

/** What a client needs to show library time and check a window before asking the server. */
export interface PublicConfig {
  /** IANA zone the library's times are shown in (LIBRARY_TIMEZONE). */
  timeZone: string;
  minDurationMinutes: number;
  maxDurationMinutes: number;
  maxAdvanceDays: number;
  pastToleranceMinutes: number;
  checkInEarlyMinutes: number;
  graceMinutes: number;
  /** The longest away break, and how many one reservation may take. */
  awayMaxMinutes: number;
  awayBreaks: number;
  /** Whether "Sign in with your campus account" (GET /auth/oidc/login) is offered. */
  campusSignIn: boolean;
  /** The most weeks a weekly series may book (SERIES_MAX_WEEKS). */
  seriesMaxWeeks: number;
}

export function publicConfig(rules: BookingRules, campusSignIn = false): PublicConfig {
  return {
    timeZone: rules.libraryTimezone,
    minDurationMinutes: rules.minDurationMinutes,
    maxDurationMinutes: rules.maxDurationMinutes,
    maxAdvanceDays: rules.maxAdvanceDays,
    pastToleranceMinutes: rules.pastToleranceMinutes,
    checkInEarlyMinutes: rules.checkInEarlyMinutes,
    graceMinutes: rules.graceMinutes,
    awayMaxMinutes: rules.awayMaxMinutes,
    awayBreaks: rules.awayBreaks,
    campusSignIn,
    seriesMaxWeeks: rules.seriesMaxWeeks,
  };
}

export const configRouter = {
  public: publicProcedure.query(({ ctx }) =>
    publicConfig(ctx.config.rules, ctx.config.campusSignIn === true),
  ),
} satisfies TRPCRouterRecord;
