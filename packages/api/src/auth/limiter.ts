import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { AuthConfig } from "../config";
import { RateLimited } from "../errors";

/**
 * Login and registration throttling (rate-limiter-flexible). Every limit is consumed BEFORE the
 * password is hashed or compared, as one atomic increment (in memory, or a Lua script in Redis),
 * so concurrent guesses cannot all pass a check that only reads a count; a login that succeeds
 * gives its points back.
 *
 * - per student and client address: the lock a guesser runs into (LOGIN_FAILURES_PER_MINUTE);
 * - per student from every address: a much higher ceiling (OWASP's soft global limit), so a
 *   guesser on one address cannot lock the real student out of the others;
 * - per client address: all login attempts, whatever the student;
 * - per client address: registrations, every attempt counted.
 */
export interface LoginLimiter {
  /**
   * Takes one attempt for this student from this address, or throws RateLimited. Call `succeeded`
   * once the password proved right: it returns the student's points.
   */
  attempt(studentId: string, ip: string): Promise<{ succeeded(): Promise<void> }>;
  /** Takes one registration attempt for this address, or throws RateLimited. */
  registration(ip: string): Promise<void>;
}

export type LoginLimits = Pick<
  AuthConfig,
  | "loginAttemptsPerMinute"
  | "loginAttemptsPerStudentPerMinute"
  | "loginAttemptsPerIpPerMinute"
  | "registrationsPerIpPerHour"
>;

export type MakeLimiter = (keyPrefix: string, points: number, durationSeconds: number) => RateLimiterAbstract;

const memory: MakeLimiter = (keyPrefix, points, duration) =>
  new RateLimiterMemory({ keyPrefix, points, duration });

/**
 * The part of a client address that one client controls: IPv4-mapped IPv6 is the IPv4 address,
 * and an IPv6 address counts by its /64, which a single host is routinely given whole.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  if (!ip.includes(":")) return ip;
  const [head = "", tail = ""] = ip.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = ip.includes("::")
    ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

export function createLoginLimiter(limits: LoginLimits, make: MakeLimiter = memory): LoginLimiter {
  const perPair = make("login-fail", limits.loginAttemptsPerMinute, 60);
  const perStudent = make("login-student", limits.loginAttemptsPerStudentPerMinute, 60);
  const perIp = make("login-ip", limits.loginAttemptsPerIpPerMinute, 60);
  const registrations = make("register-ip", limits.registrationsPerIpPerHour, 3600);

  const take = async (limiter: RateLimiterAbstract, key: string, what: string) => {
    try {
      await limiter.consume(key);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw new RateLimited(`Too many ${what}. Try again in ${seconds} s.`, seconds);
    }
  };
  // A refund that fails (Redis gone mid-request) only costs the student an attempt.
  const refund = (limiter: RateLimiterAbstract, key: string) => limiter.reward(key).catch(() => undefined);

  return {
    async attempt(studentId, ip) {
      const student = studentId.toUpperCase();
      const address = addressKey(ip);
      const pair = `${student}|${address}`;
      await take(perIp, address, "login attempts");
      await take(perPair, pair, "login attempts");
      try {
        await take(perStudent, student, "login attempts for this student");
      } catch (error) {
        await refund(perPair, pair);
        throw error;
      }
      return {
        async succeeded() {
          await Promise.all([refund(perPair, pair), refund(perStudent, student)]);
        },
      };
    },
    async registration(ip) {
      await take(registrations, addressKey(ip), "registrations from your network");
    },
  };
}
