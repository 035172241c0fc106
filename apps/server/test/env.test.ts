import { describe, expect, it } from "vitest";
import { DEV_ADMIN_PASSWORD, DEV_JWT_SECRET, loadEnv, toApiConfig } from "../src/env";

const strongSecret = "a".repeat(40);

describe("loadEnv", () => {
  it("fills every default from an empty environment", () => {
    const env = loadEnv({});
    expect(env).toMatchObject({
      PORT: 3000,
      HOST: "0.0.0.0",
      DATA_DIR: "./.data",
      DB_POOL_SIZE: 10,
      JWT_SECRET: DEV_JWT_SECRET,
      JWT_EXPIRATION_HOURS: 24,
      GRACE_MINUTES: 15,
      SWEEP_INTERVAL_SECONDS: 60,
      OFFER_MINUTES: 10,
      REMINDER_MINUTES: 10,
      LIBRARY_TIMEZONE: "UTC",
      GRPC_PORT: 9090,
      LOG_LEVEL: "info",
      NODE_ENV: "development",
      BODY_LIMIT_BYTES: 1_048_576,
      NO_SHOW_STRIKES: 3,
      STRIKE_WINDOW_DAYS: 30,
      SUSPENSION_DAYS: 7,
    });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
  });

  it("treats empty strings as unset", () => {
    const env = loadEnv({ PORT: "", DATABASE_URL: "", REDIS_URL: " ", GRACE_MINUTES: "" });
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.GRACE_MINUTES).toBe(15);
  });

  it("refuses a strike rule of 0 and names the variable", () => {
    expect(() => loadEnv({ NO_SHOW_STRIKES: "0" })).toThrow(/NO_SHOW_STRIKES/);
    expect(() => loadEnv({ SUSPENSION_DAYS: "-1" })).toThrow(/SUSPENSION_DAYS/);
  });

  it("accepts GRACE_MINUTES=0", () => {
    const env = loadEnv({ GRACE_MINUTES: "0" });
    expect(env.GRACE_MINUTES).toBe(0);
    expect(toApiConfig(env).rules.graceMinutes).toBe(0);
  });

  it("turns campus sign-in on only with issuer, client id and secret together", () => {
    const oidc = {
      OIDC_ISSUER: "https://idp.example.edu/realms/campus",
      OIDC_CLIENT_ID: "dlsms",
      OIDC_CLIENT_SECRET: "s",
    };
    expect(toApiConfig(loadEnv({})).campusSignIn).toBe(false);
    const on = loadEnv(oidc);
    expect(toApiConfig(on).campusSignIn).toBe(true);
    expect(on.OIDC_STUDENT_ID_CLAIM).toBe("preferred_username");
    expect(loadEnv({ ...oidc, OIDC_STUDENT_ID_CLAIM: "student_number" }).OIDC_STUDENT_ID_CLAIM).toBe(
      "student_number",
    );
    expect(() => loadEnv({ OIDC_ISSUER: oidc.OIDC_ISSUER })).toThrow(/OIDC_ISSUER: campus sign-in needs/);
    expect(() => loadEnv({ ...oidc, OIDC_CLIENT_SECRET: "" })).toThrow(/OIDC_ISSUER/);
    expect(() => loadEnv({ ...oidc, OIDC_ISSUER: "ftp://idp.example.edu" })).toThrow(/OIDC_ISSUER/);
    // Plain http only outside production.
    expect(loadEnv({ ...oidc, OIDC_ISSUER: "http://127.0.0.1:9999" }).OIDC_ISSUER).toBe(
      "http://127.0.0.1:9999",
    );
    const production = { NODE_ENV: "production", JWT_SECRET: strongSecret, ADMIN_PASSWORD: "a-real-one" };
    expect(() => loadEnv({ ...production, ...oidc, OIDC_ISSUER: "http://idp.example.edu" })).toThrow(
      /OIDC_ISSUER: must be https/,
    );
    expect(loadEnv({ ...production, ...oidc }).OIDC_ISSUER).toBe(oidc.OIDC_ISSUER);
  });

  it("accepts GRPC_PORT=off and a number", () => {
    expect(loadEnv({ GRPC_PORT: "off" }).GRPC_PORT).toBe("off");
    expect(loadEnv({ GRPC_PORT: "50051" }).GRPC_PORT).toBe(50051);
  });

  it("names the variable when LIBRARY_TIMEZONE is not a real zone", () => {
    expect(() => loadEnv({ LIBRARY_TIMEZONE: "Mars/Olympus_Mons" })).toThrow(/LIBRARY_TIMEZONE/);
    expect(loadEnv({ LIBRARY_TIMEZONE: "Europe/Berlin" }).LIBRARY_TIMEZONE).toBe("Europe/Berlin");
  });

  it.each([
    ["PORT", "seventy"],
    ["PORT", "70000"],
    ["GRACE_MINUTES", "-1"],
    ["DATABASE_URL", "mysql://x@y/z"],
    ["REDIS_URL", "not a url"],
    ["LOG_LEVEL", "loud"],
    ["BCRYPT_COST", "40"],
    ["GRPC_PORT", "on"],
    ["NODE_ENV", "staging"],
    ["REGISTRATIONS_PER_IP_PER_HOUR", "0"],
    // bcrypt would silently use only the first 72 bytes.
    ["ADMIN_PASSWORD", "é".repeat(37)],
  ])("rejects %s=%s and names it", (name, value) => {
    expect(() => loadEnv({ [name]: value })).toThrow(new RegExp(name));
  });

  it("keeps the per-student login ceiling at least the per-address limit", () => {
    expect(() =>
      loadEnv({ LOGIN_FAILURES_PER_MINUTE: "20", LOGIN_FAILURES_PER_STUDENT_PER_MINUTE: "10" }),
    ).toThrow(/LOGIN_FAILURES_PER_STUDENT_PER_MINUTE: must be at least LOGIN_FAILURES_PER_MINUTE/);
    expect(loadEnv({}).LOGIN_FAILURES_PER_STUDENT_PER_MINUTE).toBe(100);
    expect(loadEnv({}).REGISTRATIONS_PER_IP_PER_HOUR).toBe(20);
  });

  it("refuses production with the default JWT secret", () => {
    expect(() => loadEnv({ NODE_ENV: "production", ADMIN_PASSWORD: "a-real-password" })).toThrow(
      /JWT_SECRET/,
    );
  });

  it("refuses production with a short JWT secret", () => {
    expect(() =>
      loadEnv({ NODE_ENV: "production", JWT_SECRET: "short", ADMIN_PASSWORD: "a-real-password" }),
    ).toThrow(/JWT_SECRET.*32/);
  });

  it("refuses production with the default admin password", () => {
    expect(() => loadEnv({ NODE_ENV: "production", JWT_SECRET: strongSecret })).toThrow(/ADMIN_PASSWORD/);
    expect(() =>
      loadEnv({ NODE_ENV: "production", JWT_SECRET: strongSecret, ADMIN_PASSWORD: DEV_ADMIN_PASSWORD }),
    ).toThrow(/ADMIN_PASSWORD/);
  });

  it("starts in production when both are set", () => {
    const env = loadEnv({
      NODE_ENV: "production",
      JWT_SECRET: strongSecret,
      ADMIN_PASSWORD: "a-real-password",
    });
    expect(env.NODE_ENV).toBe("production");
  });

  it("SERIES_MAX_WEEKS defaults to 8 and must be a whole number from 2 to 52", () => {
    expect(toApiConfig(loadEnv({})).rules.seriesMaxWeeks).toBe(8);
    for (const bad of ["1", "53", "2.5", "many"]) {
      expect(() => loadEnv({ SERIES_MAX_WEEKS: bad })).toThrow(/SERIES_MAX_WEEKS/);
    }
  });

  it("maps every rule and auth setting into the api config", () => {
    const config = toApiConfig(
      loadEnv({
        MIN_DURATION_MINUTES: "30",
        MAX_DURATION_MINUTES: "120",
        MAX_ADVANCE_DAYS: "7",
        WALKUP_MINUTES: "45",
        AWAY_MAX_MINUTES: "20",
        AWAY_BREAKS: "1",
        NO_SHOW_STRIKES: "2",
        STRIKE_WINDOW_DAYS: "14",
        SUSPENSION_DAYS: "3",
        MAX_UPCOMING_RESERVATIONS: "5",
        SERIES_MAX_WEEKS: "12",
        PAST_TOLERANCE_MINUTES: "2",
        CHECKIN_EARLY_MINUTES: "20",
        OFFER_MINUTES: "3",
        REMINDER_MINUTES: "4",
        LIBRARY_TIMEZONE: "Asia/Tokyo",
        JWT_EXPIRATION_HOURS: "2",
        BCRYPT_COST: "6",
        LOGIN_FAILURES_PER_MINUTE: "3",
        LOGIN_FAILURES_PER_STUDENT_PER_MINUTE: "30",
        LOGIN_ATTEMPTS_PER_IP_PER_MINUTE: "50",
        REGISTRATIONS_PER_IP_PER_HOUR: "7",
      }),
    );
    expect(config.rules).toEqual({
      minDurationMinutes: 30,
      maxDurationMinutes: 120,
      maxAdvanceDays: 7,
      maxUpcomingReservations: 5,
      pastToleranceMinutes: 2,
      checkInEarlyMinutes: 20,
      graceMinutes: 15,
      offerMinutes: 3,
      reminderMinutes: 4,
      libraryTimezone: "Asia/Tokyo",
      walkupMinutes: 45,
      awayMaxMinutes: 20,
      awayBreaks: 1,
      seriesMaxWeeks: 12,
      noShowStrikes: 2,
      strikeWindowDays: 14,
      suspensionDays: 3,
    });
    expect(config.auth).toEqual({
      jwtSecret: DEV_JWT_SECRET,
      jwtExpirationHours: 2,
      bcryptCost: 6,
      loginAttemptsPerMinute: 3,
      loginAttemptsPerStudentPerMinute: 30,
      loginAttemptsPerIpPerMinute: 50,
      registrationsPerIpPerHour: 7,
    });
  });
});
