import { createHash } from "node:crypto";
import { EncryptJWT, jwtDecrypt } from "jose";

/**
 * What a campus sign-in needs to remember between GET /auth/oidc/login and the provider's
 * redirect back: kept in the browser, encrypted and authenticated under a key derived from
 * JWT_SECRET, so any instance behind the balancer can finish a sign-in another one started.
 */
export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export const PENDING_COOKIE = "dlsms_campus_sign_in";
/** The provider's pages must be done within this; then the student starts again. */
export const PENDING_TTL_SECONDS = 600;
const AUDIENCE = "dlsms:campus-sign-in";

// A key of its own (not the session key): a pending sign-in can never pass as a session token.
const keyFor = (secret: string) =>
  new Uint8Array(createHash("sha256").update(`dlsms campus sign-in\u0000${secret}`).digest());

export async function sealPendingSignIn(pending: PendingSignIn, secret: string): Promise<string> {
  return new EncryptJWT({ state: pending.state, nonce: pending.nonce, cv: pending.codeVerifier })
    .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${PENDING_TTL_SECONDS}s`)
    .encrypt(keyFor(secret));
}

/** The pending sign-in sealed in `value`, or undefined when it is missing, expired or forged. */
export async function openPendingSignIn(
  value: string | undefined,
  secret: string,
): Promise<PendingSignIn | undefined> {
  if (!value) return undefined;
  try {
    const { payload } = await jwtDecrypt(value, keyFor(secret), {
      audience: AUDIENCE,
      keyManagementAlgorithms: ["dir"],
      contentEncryptionAlgorithms: ["A256GCM"],
    });
    const { state, nonce, cv } = payload;
    if (typeof state !== "string" || typeof nonce !== "string" || typeof cv !== "string") return undefined;
    return { state, nonce, codeVerifier: cv };
  } catch {
    return undefined;
  }
}

/** The value of cookie `name` in a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const at = part.indexOf("=");
    if (at !== -1 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/** Set-Cookie for the pending sign-in; `undefined` clears it. HTTP-only, sent back only to /auth/oidc. */
export function pendingCookieHeader(value: string | undefined, secure: boolean): string {
  // Lax: the provider's redirect back is a top-level GET, which Lax cookies accompany.
  const attributes = ["Path=/auth/oidc", "HttpOnly", "SameSite=Lax", ...(secure ? ["Secure"] : [])];
  return value === undefined
    ? [`${PENDING_COOKIE}=`, "Max-Age=0", ...attributes].join("; ")
    : [`${PENDING_COOKIE}=${value}`, `Max-Age=${PENDING_TTL_SECONDS}`, ...attributes].join("; ");
}
