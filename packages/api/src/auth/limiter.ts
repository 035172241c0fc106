import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { RateLimited } from "../errors";

/**
 * Login throttling (rate-limiter-flexible): failed attempts per student id, and all attempts per
 * client IP. A successful login does not count against the student.
 */
export interface LoginLimiter {
  /** Throws RateLimited when this student id or IP is blocked. */
  check(studentId: string, ip: string): Promise<void>;
  recordFailure(studentId: string): Promise<void>;
}

export function createLoginLimiter(options: {
  failuresPerMinute: number;
  attemptsPerIpPerMinute: number;
  /** Swap in a RateLimiterRedis-backed pair to share limits across instances. */
  make?: (keyPrefix: string, points: number) => RateLimiterAbstract;
}): LoginLimiter {
  const make =
    options.make ??
    ((keyPrefix: string, points: number) => new RateLimiterMemory({ keyPrefix, points, duration: 60 }));
  const failures = make("login-fail", options.failuresPerMinute);
  const perIp = make("login-ip", options.attemptsPerIpPerMinute);

  const blocked = (res: RateLimiterRes) =>
    new RateLimited(
      `Too many login attempts. Try again in ${Math.max(1, Math.ceil(res.msBeforeNext / 1000))} s.`,
      Math.ceil(res.msBeforeNext / 1000),
    );

  return {
    async check(studentId, ip) {
      const res = await failures.get(studentId.toUpperCase());
      if (res && res.consumedPoints >= options.failuresPerMinute) throw blocked(res);
      try {
        await perIp.consume(ip);
      } catch (error) {
        if (error instanceof RateLimiterRes) throw blocked(error);
        throw error;
      }
    },
    async recordFailure(studentId) {
      await failures.consume(studentId.toUpperCase()).catch(() => undefined);
    },
  };
}
