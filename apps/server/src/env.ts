import type { ApiConfig } from "@dlsms/api";
import { MAX_PASSWORD_BYTES } from "@dlsms/validators";
import { z } from "zod";

/**
 * The ONE place in apps/server that reads process.env. Everything is parsed once at boot;
 * a bad value stops the process with a message naming the variable.
 */

export const DEV_JWT_SECRET = "dev-only-jwt-secret-change-me-in-production";
export const DEV_ADMIN_PASSWORD = "admin123";

const int = (min: number, fallback: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: int(0, 3000, 65_535),
    HOST: z.string().min(1).default("0.0.0.0"),
    DATABASE_URL: z
      .url()
      .refine((u) => /^postgres(ql)?:\/\//.test(u), "must be a postgres:// or postgresql:// URL")
      .optional(),
    DATA_DIR: z.string().min(1).default("./.data"),
    DB_POOL_SIZE: int(1, 10, 1_000),
    REDIS_URL: z
      .url()
      .refine((u) => /^rediss?:\/\//.test(u), "must be a redis:// or rediss:// URL")
      .optional(),
    /** Prefix of every Redis key and channel: lets deployments (or test runs) share one Redis. */
    REDIS_NAMESPACE: z
      .string()
      .regex(/^[\w.-]{1,64}$/, "letters, digits, '.', '-', '_' only")
      .default("dlsms"),
    JWT_SECRET: z.string().min(1).default(DEV_JWT_SECRET),
    JWT_EXPIRATION_HOURS: z.coerce.number().positive().default(24),
    GRACE_MINUTES: int(0, 15),
    SWEEP_INTERVAL_SECONDS: int(1, 60),
    OFFER_MINUTES: int(1, 10),
    REMINDER_MINUTES: int(0, 10),
    LIBRARY_TIMEZONE: z
      .string()
      .default("UTC")
      .refine(isTimeZone, "must be an IANA time zone such as UTC or Europe/Berlin"),
    /** Where students reach the SPA, e.g. https://seats.example.edu; seats' QR codes link there. Default http://localhost:<PORT>. */
    PUBLIC_URL: z
      .url()
      .refine((u) => /^https?:\/\//.test(u), "must be an http:// or https:// URL")
      .optional(),
    GRPC_PORT: z.union([z.literal("off"), z.coerce.number().int().min(0).max(65_535)]).default(9090),
    ADMIN_PASSWORD: z
      .string()
      .min(1)
      .default(DEV_ADMIN_PASSWORD)
      .refine(
        (password) => Buffer.byteLength(password, "utf8") <= MAX_PASSWORD_BYTES,
        `must be at most ${MAX_PASSWORD_BYTES} bytes: bcrypt ignores the rest`,
      ),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    MIN_DURATION_MINUTES: int(1, 15),
    // The database refuses reservations longer than a day (MAX_RESERVATION_HOURS).
    MAX_DURATION_MINUTES: int(1, 240, 24 * 60),
    MAX_ADVANCE_DAYS: int(0, 14),
    /** How long a walk-up booking made by scanning a free seat's QR code lasts. */
    WALKUP_MINUTES: int(1, 60, 24 * 60),
    /** The longest away break a checked-in student may take, and how many per reservation (0: none). */
    AWAY_MAX_MINUTES: int(1, 30, 24 * 60),
    AWAY_BREAKS: int(0, 2, 100),
    MAX_UPCOMING_RESERVATIONS: int(1, 3),
    /** No-shows within STRIKE_WINDOW_DAYS that suspend booking for SUSPENSION_DAYS. */
    NO_SHOW_STRIKES: int(1, 3, 100),
    STRIKE_WINDOW_DAYS: int(1, 30, 365),
    SUSPENSION_DAYS: int(1, 7, 365),
    SERIES_MAX_WEEKS: int(2, 8, 52),
    PAST_TOLERANCE_MINUTES: int(0, 5),
    CHECKIN_EARLY_MINUTES: int(0, 15),
    BCRYPT_COST: int(4, 10, 15),
    /** Failed logins per student from one client address: the lock a guesser runs into. */
    LOGIN_FAILURES_PER_MINUTE: int(1, 10),
    /** Failed logins per student from all addresses: high, so one guesser cannot lock a student out. */
    LOGIN_FAILURES_PER_STUDENT_PER_MINUTE: int(1, 100),
    LOGIN_ATTEMPTS_PER_IP_PER_MINUTE: int(1, 600),
    REGISTRATIONS_PER_IP_PER_HOUR: int(1, 20),
    BODY_LIMIT_BYTES: int(1_024, 1_048_576),
    /** Server processes sharing PORT (node:cluster); more than 1 needs Postgres and Redis. */
    WORKERS: int(1, 1, 64),
    /** Campus sign-in (OpenID Connect): the provider's issuer URL; unset turns campus sign-in off. */
    OIDC_ISSUER: z
      .url()
      .refine((u) => /^https?:\/\//.test(u), "must be an http:// or https:// URL")
      .optional(),
    OIDC_CLIENT_ID: z.string().min(1).optional(),
    OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    /** The ID token or userinfo claim that holds the student id. */
    OIDC_STUDENT_ID_CLAIM: z.string().min(1).default("preferred_username"),
    /** smtp://user:pass@host:port (smtps:// for TLS from the start); unset → no mail is sent. */
    SMTP_URL: z
      .url()
      .refine((u) => /^smtps?:\/\//.test(u), "must be an smtp:// or smtps:// URL")
      .optional(),
    /** The From of every mail, e.g. "Library seats <seats@example.edu>". */
    MAIL_FROM: z.string().min(3).default("DL-SMS <no-reply@localhost>"),
    /** How often each instance's mail worker looks for due mails (and the first retry delay). */
    MAIL_INTERVAL_SECONDS: int(1, 5, 3_600),
  })
  .superRefine((env, ctx) => {
    if (env.MAX_DURATION_MINUTES < env.MIN_DURATION_MINUTES) {
      ctx.addIssue({
        code: "custom",
        path: ["MAX_DURATION_MINUTES"],
        message: "must be at least MIN_DURATION_MINUTES",
      });
    }
    if (env.LOGIN_FAILURES_PER_STUDENT_PER_MINUTE < env.LOGIN_FAILURES_PER_MINUTE) {
      ctx.addIssue({
        code: "custom",
        path: ["LOGIN_FAILURES_PER_STUDENT_PER_MINUTE"],
        message: "must be at least LOGIN_FAILURES_PER_MINUTE",
      });
    }
    if (env.WORKERS > 1 && (!env.DATABASE_URL || !env.REDIS_URL)) {
      // PGlite belongs to one process, and an in-process bus would split events between workers.
      ctx.addIssue({
        code: "custom",
        path: ["WORKERS"],
        message: "more than 1 needs DATABASE_URL (PostgreSQL) and REDIS_URL (shared events and cache)",
      });
    }
    const oidcSet = [env.OIDC_ISSUER, env.OIDC_CLIENT_ID, env.OIDC_CLIENT_SECRET].filter(Boolean).length;
    if (oidcSet !== 0 && oidcSet !== 3) {
      // Half a configuration would offer a sign-in button that cannot work.
      ctx.addIssue({
        code: "custom",
        path: ["OIDC_ISSUER"],
        message: "campus sign-in needs OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET together (or none)",
      });
    }
    if (env.NODE_ENV !== "production") return;
    if (env.OIDC_ISSUER?.startsWith("http://")) {
      // Discovery, keys and the code exchange over plain HTTP could be tampered with on the way.
      ctx.addIssue({
        code: "custom",
        path: ["OIDC_ISSUER"],
        message: "must be https:// when NODE_ENV=production",
      });
    }
    // A production start with a guessable secret would let anyone mint admin tokens.
    if (env.JWT_SECRET === DEV_JWT_SECRET || env.JWT_SECRET.length < 32) {
      ctx.addIssue({
        code: "custom",
        path: ["JWT_SECRET"],
        message: "must be set to a secret of at least 32 characters when NODE_ENV=production",
      });
    }
    if (env.ADMIN_PASSWORD === DEV_ADMIN_PASSWORD) {
      ctx.addIssue({
        code: "custom",
        path: ["ADMIN_PASSWORD"],
        message: "must be changed from the development default when NODE_ENV=production",
      });
    }
  });

export type Env = z.infer<typeof schema>;

/** Parses the environment; throws an Error whose message names every bad variable. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  // `FOO=` in a shell or compose file means "not set", not "the empty string".
  const cleaned: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) {
    if (value !== undefined && value.trim() !== "") cleaned[key] = value;
  }
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.map(String).join(".") || "environment";
    return `  ${name}: ${issue.message}`;
  });
  throw new Error(`Invalid environment:\n${lines.join("\n")}`);
}

export function toApiConfig(env: Env): ApiConfig {
  return {
    rules: {
      minDurationMinutes: env.MIN_DURATION_MINUTES,
      maxDurationMinutes: env.MAX_DURATION_MINUTES,
      maxAdvanceDays: env.MAX_ADVANCE_DAYS,
      maxUpcomingReservations: env.MAX_UPCOMING_RESERVATIONS,
      pastToleranceMinutes: env.PAST_TOLERANCE_MINUTES,
      checkInEarlyMinutes: env.CHECKIN_EARLY_MINUTES,
      graceMinutes: env.GRACE_MINUTES,
      offerMinutes: env.OFFER_MINUTES,
      reminderMinutes: env.REMINDER_MINUTES,
      libraryTimezone: env.LIBRARY_TIMEZONE,
      walkupMinutes: env.WALKUP_MINUTES,
      noShowStrikes: env.NO_SHOW_STRIKES,
      strikeWindowDays: env.STRIKE_WINDOW_DAYS,
      suspensionDays: env.SUSPENSION_DAYS,
      awayMaxMinutes: env.AWAY_MAX_MINUTES,
      awayBreaks: env.AWAY_BREAKS,
      seriesMaxWeeks: env.SERIES_MAX_WEEKS,
    },
    auth: {
      jwtSecret: env.JWT_SECRET,
      jwtExpirationHours: env.JWT_EXPIRATION_HOURS,
      bcryptCost: env.BCRYPT_COST,
      loginAttemptsPerMinute: env.LOGIN_FAILURES_PER_MINUTE,
      loginAttemptsPerStudentPerMinute: env.LOGIN_FAILURES_PER_STUDENT_PER_MINUTE,
      loginAttemptsPerIpPerMinute: env.LOGIN_ATTEMPTS_PER_IP_PER_MINUTE,
      registrationsPerIpPerHour: env.REGISTRATIONS_PER_IP_PER_HOUR,
    },
    campusSignIn: env.OIDC_ISSUER !== undefined,
  };
}

/** PUBLIC_URL, or this machine on PORT when it is not set. */
export const publicUrlOf = (env: Env, port: number): string => env.PUBLIC_URL ?? `http://localhost:${port}`;
