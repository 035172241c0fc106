import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApiDeps } from "@dlsms/api";
import { DomainError } from "@dlsms/api";
import { signInCampusStudent } from "@dlsms/api/server";
import * as oidc from "openid-client";
import type { Env } from "../env";
import type { Logger } from "../logger";
import { noteUser } from "../request-log";
import {
  cookieValue,
  openPendingSignIn,
  PENDING_COOKIE,
  pendingCookieHeader,
  sealPendingSignIn,
} from "./pending-cookie";

/** Campus sign-in's settings (OIDC_*), or undefined when it is off. */
export interface CampusSignInSettings {
  issuer: URL;
  clientId: string;
  clientSecret: string;
  studentIdClaim: string;
}

export function campusSignInSettings(env: Env): CampusSignInSettings | undefined {
  if (!env.OIDC_ISSUER || !env.OIDC_CLIENT_ID || !env.OIDC_CLIENT_SECRET) return undefined;
  return {
    issuer: new URL(env.OIDC_ISSUER),
    clientId: env.OIDC_CLIENT_ID,
    clientSecret: env.OIDC_CLIENT_SECRET,
    studentIdClaim: env.OIDC_STUDENT_ID_CLAIM,
  };
}

export const LOGIN_PATH = "/auth/oidc/login";
export const CALLBACK_PATH = "/auth/oidc/callback";
/** The scopes asked for: the student id and name claims are in `profile` at most providers. */
const SCOPE = "openid profile";

/** The redirect URI to register at the provider: PUBLIC_URL + /auth/oidc/callback. */
export const callbackUrlOf = (publicUrl: string): URL =>
  new URL(CALLBACK_PATH.slice(1), publicUrl.endsWith("/") ? publicUrl : `${publicUrl}/`);

/** Where a signed-in student lands: the SPA, with the session in the fragment (never sent to a server). */
export function landingUrlOf(publicUrl: string, token: string, user: object): string {
  const fragment = new URLSearchParams({ "campus-token": token, "campus-user": JSON.stringify(user) });
  return `${new URL(publicUrl).href}#${fragment}`;
}

/**
 * GET /auth/oidc/login and GET /auth/oidc/callback (openid-client): the authorization code flow
 * with PKCE, state and nonce, the three kept in an encrypted HTTP-only cookie (pending-cookie.ts)
 * so that any instance can finish it. The student is found or created by the API's
 * signInCampusStudent and handed the same session token a password login returns.
 */
export function createCampusSignIn(options: {
  settings: CampusSignInSettings;
  deps: ApiDeps;
  publicUrl: () => string;
  logger: Logger;
}): (req: IncomingMessage, res: ServerResponse, path: string) => void {
  const { settings, deps, logger } = options;
  const secret = deps.config.auth.jwtSecret;
  let discovered: Promise<oidc.Configuration> | undefined;
  // Discovered on first use, not at boot: a provider that is down must not stop the server.
  const configuration = () => {
    discovered ??= oidc
      .discovery(settings.issuer, settings.clientId, settings.clientSecret, undefined, {
        // Plain http only when the operator configured it (env.ts refuses it in production).
        execute: settings.issuer.protocol === "http:" ? [oidc.allowInsecureRequests] : [],
      })
      .catch((error: unknown) => {
        discovered = undefined;
        throw error;
      });
    return discovered;
  };

  async function login(res: ServerResponse): Promise<void> {
    const config = await configuration();
    const publicUrl = options.publicUrl();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const pending = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier };
    const target = oidc.buildAuthorizationUrl(config, {
      redirect_uri: callbackUrlOf(publicUrl).href,
      scope: SCOPE,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: "S256",
      state: pending.state,
      nonce: pending.nonce,
    });
    const cookie = pendingCookieHeader(await sealPendingSignIn(pending, secret), isHttps(publicUrl));
    redirect(res, target.href, cookie);
  }

  async function callback(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const publicUrl = options.publicUrl();
    // Whatever happens next, this attempt is used up.
    const clear = pendingCookieHeader(undefined, isHttps(publicUrl));
    const pending = await openPendingSignIn(cookieValue(req.headers.cookie, PENDING_COOKIE), secret);
    if (!pending) {
      refuse(res, 400, "This sign-in expired or was started in another browser. Please start again.", clear);
      return;
    }
    const config = await configuration();
    // The URL the provider sent the browser to, rebuilt on PUBLIC_URL rather than on the Host header.
    const current = callbackUrlOf(publicUrl);
    current.search = new URL(req.url ?? "/", "http://x").search;
    let claims: Record<string, unknown>;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      claims = { ...tokens.claims() };
      const incomplete = claims[settings.studentIdClaim] === undefined || claims.name === undefined;
      if (incomplete && config.serverMetadata().userinfo_endpoint) {
        // Many providers put profile claims only in the userinfo answer.
        const sub = String(claims.sub);
        claims = { ...(await oidc.fetchUserInfo(config, tokens.access_token, sub)), ...claims };
      }
    } catch (error) {
      if (!isRefusal(error)) throw error;
      logger.warn({ err: error }, "campus sign-in refused");
      const message =
        error instanceof oidc.AuthorizationResponseError
          ? "The campus sign-in was cancelled or refused by the campus provider."
          : "The campus sign-in could not be verified. Please start again.";
      refuse(res, 400, message, clear);
      return;
    }
    try {
      const session = await signInCampusStudent(
        deps.db,
        { studentId: claims[settings.studentIdClaim], name: claims.name },
        deps.config.auth,
      );
      noteUser(req, session.user.id);
      redirect(res, landingUrlOf(publicUrl, session.token, session.user), clear);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      refuse(res, error.code === "FORBIDDEN" ? 403 : 400, error.message, clear);
    }
  }

  return (req, res, path) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      refuse(res, 405, "Method not allowed");
      return;
    }
    const step = path === LOGIN_PATH ? login(res) : path === CALLBACK_PATH ? callback(req, res) : undefined;
    if (!step) {
      refuse(res, 404, "Not found");
      return;
    }
    step.catch((error: unknown) => {
      logger.error({ err: error }, "campus sign-in failed");
      if (!res.headersSent)
        refuse(res, 502, "The campus sign-in service cannot be reached. Please try again later.");
      else res.destroy();
    });
  };
}

const isHttps = (url: string) => url.startsWith("https:");

/** What the provider or the checks refused (state, nonce, PKCE, the code), not our own failures. */
function isRefusal(error: unknown): boolean {
  return (
    error instanceof oidc.ClientError ||
    error instanceof oidc.AuthorizationResponseError ||
    error instanceof oidc.ResponseBodyError ||
    error instanceof oidc.WWWAuthenticateChallengeError
  );
}

function redirect(res: ServerResponse, location: string, cookie: string): void {
  res.writeHead(302, {
    location,
    "set-cookie": cookie,
    "cache-control": "no-store",
    // The landing URL carries a token in its fragment; no page should pass it on.
    "referrer-policy": "no-referrer",
  });
  res.end();
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A small page (browsers land here) saying why nobody was signed in, with the way back. */
function refuse(res: ServerResponse, status: number, message: string, cookie?: string): void {
  const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Campus sign-in · DL-SMS</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem">
<main><h1>Campus sign-in failed</h1><p>${escapeHtml(message)}</p><p><a href="/">Back to DL-SMS</a></p></main>
</body></html>`;
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    ...(cookie ? { "set-cookie": cookie } : {}),
  });
  res.end(page);
}
