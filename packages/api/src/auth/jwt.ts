import type { UserRole } from "@dlsms/db";
import { errors, jwtVerify, SignJWT } from "jose";

export interface SessionUser {
  id: number;
  studentId: string;
  name: string;
  role: UserRole;
  /** Token expiry, seconds since epoch: long-lived connections re-check it on every call. */
  exp: number;
}

const ALG = "HS256";
const encoder = new TextEncoder();
const keyCache = new Map<string, Uint8Array>();
const keyFor = (secret: string) => {
  let key = keyCache.get(secret);
  if (!key) {
    key = encoder.encode(secret);
    keyCache.set(secret, key);
  }
  return key;
};

export async function signToken(
  user: Omit<SessionUser, "exp">,
  secret: string,
  expirationHours: number,
): Promise<{ token: string; exp: number }> {
  const iat = Math.floor(Date.now() / 1000);
  const exp = iat + Math.round(expirationHours * 3600);
  // `user_id` and `student_id` keep the original's clients (which read these claims) working.
  const token = await new SignJWT({
    user_id: user.id,
    student_id: user.studentId,
    name: user.name,
    role: user.role,
  })
    .setProtectedHeader({ alg: ALG, typ: "JWT" })
    .setSubject(String(user.id))
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(keyFor(secret));
  return { token, exp };
}

export type VerifyResult = { ok: true; user: SessionUser } | { ok: false; reason: "expired" | "invalid" };

/**
 * Tokens that already verified, per secret: jose's WebCrypto path is costly per call and the same
 * few tokens come again and again (docs/performance-log.md). A token's claims cannot
 * change, so a verified one stays good until its `exp`, which is still checked on every hit.
 */
// Keyed by the token alone (with the secret it verified under beside it): building a
// `secret + token` key per request was a measurable cost on cached reads (docs/performance-log.md).
const verified = new Map<string, { secret: string; user: SessionUser }>();
const MAX_VERIFIED = 10_000;

/**
 * The session of a token that already verified under this secret and has not expired, found
 * without any await (the cached reads ask this for every request); else undefined.
 */
export function knownSession(token: string, secret: string): SessionUser | undefined {
  const known = verified.get(token);
  if (!known || known.secret !== secret) return undefined;
  if (known.user.exp * 1000 > Date.now()) return known.user;
  verified.delete(token);
  return undefined;
}

/** Only HS256 with our secret passes: `alg: none`, other algorithms and forged signatures fail. */
export async function verifyToken(token: string, secret: string): Promise<VerifyResult> {
  const known = knownSession(token, secret);
  if (known) return { ok: true, user: known };
  const result = await verifyUncached(token, secret);
  if (result.ok) {
    // Oldest first out: Map keeps insertion order.
    if (verified.size >= MAX_VERIFIED) verified.delete(verified.keys().next().value ?? "");
    verified.set(token, { secret, user: result.user });
  }
  return result;
}

async function verifyUncached(token: string, secret: string): Promise<VerifyResult> {
  try {
    const { payload } = await jwtVerify(token, keyFor(secret), { algorithms: [ALG] });
    const id = Number(payload.sub);
    if (
      !Number.isInteger(id) ||
      typeof payload.student_id !== "string" ||
      typeof payload.exp !== "number" ||
      (payload.role !== "student" && payload.role !== "admin")
    ) {
      return { ok: false, reason: "invalid" };
    }
    return {
      ok: true,
      user: {
        id,
        studentId: payload.student_id,
        name: typeof payload.name === "string" ? payload.name : "",
        role: payload.role,
        exp: payload.exp,
      },
    };
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { ok: false, reason: "expired" };
    return { ok: false, reason: "invalid" };
  }
}

export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value);
  return match?.[1];
}
