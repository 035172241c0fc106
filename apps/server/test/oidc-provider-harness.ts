import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

/**
 * A real OpenID provider (oidc-provider) for campus sign-in tests, on a free port. Its
 * development login and consent pages (devInteractions) accept any account id; the accounts'
 * claims come from `accounts`.
 */
/** An account's claims besides `sub` (name, preferred_username, student_number…). */
export type CampusAccount = Record<string, string>;

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Registers DL-SMS' redirect URI (known once the server listens) and starts answering. */
  start(redirectUri: string): void;
  close(): Promise<void>;
}

export async function startTestProvider(
  accounts: Record<string, CampusAccount>,
  /** Profile claims in the ID token itself; by default they come only from userinfo. */
  options: { claimsInIdToken?: boolean } = {},
): Promise<TestProvider> {
  const http: Server = createServer();
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const clientId = "dlsms-test";
  const clientSecret = "dlsms-test-client-secret";
  return {
    issuer,
    clientId,
    clientSecret,
    start(redirectUri) {
      const provider = new Provider(issuer, {
        clients: [
          {
            client_id: clientId,
            client_secret: clientSecret,
            redirect_uris: [redirectUri],
            grant_types: ["authorization_code"],
            response_types: ["code"],
            token_endpoint_auth_method: "client_secret_post",
          },
        ],
        claims: { openid: ["sub"], profile: ["name", "preferred_username", "student_number"] },
        conformIdTokenClaims: options.claimsInIdToken !== true,
        cookies: { keys: ["campus-provider-test-cookie-key"] },
        pkce: { required: () => true },
        async findAccount(_ctx, id) {
          const account = accounts[id];
          if (!account) return undefined;
          return { accountId: id, claims: async () => ({ sub: id, ...account }) };
        },
      });
      http.on("request", provider.callback());
    },
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

/** Cookies by origin, enough for following one sign-in's redirects. */
export class CookieJar {
  private readonly byOrigin = new Map<string, Map<string, string>>();

  header(url: URL): string {
    return [...(this.byOrigin.get(url.origin) ?? new Map<string, string>())]
      .map(([name, value]) => `${name}=${value}`)
      .join("; ");
  }

  get(url: URL, name: string): string | undefined {
    return this.byOrigin.get(url.origin)?.get(name);
  }

  set(url: URL, name: string, value: string): void {
    let cookies = this.byOrigin.get(url.origin);
    if (!cookies) {
      cookies = new Map();
      this.byOrigin.set(url.origin, cookies);
    }
    cookies.set(name, value);
  }

  take(url: URL, res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const at = pair.indexOf("=");
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some(
        (a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a),
      );
      if (expired || value === "") this.byOrigin.get(url.origin)?.delete(name);
      else this.set(url, name, value);
    }
  }
}

export interface SignInWalk {
  /** DL-SMS' last answer: the callback's redirect to the SPA, or its refusal. */
  response: Response;
  /** Where that answer sent the browser, if it redirected. */
  location: URL | undefined;
}

/**
 * A browser's way through a campus sign-in: GET /auth/oidc/login, the provider's login and
 * consent pages (submitted as `accountId`), and back to DL-SMS' callback. `beforeCallback` may
 * change the callback URL or the jar (a tampering attacker) before the browser goes there.
 */
export async function walkSignIn(
  loginUrl: string,
  accountId: string,
  options: {
    jar?: CookieJar;
    /** Press the provider's "Cancel" instead of signing in. */
    cancel?: boolean;
    beforeCallback?: (callback: URL, jar: CookieJar) => Promise<void> | void;
  } = {},
): Promise<SignInWalk> {
  const jar = options.jar ?? new CookieJar();
  const dlsms = new URL(loginUrl).origin;
  let url = new URL(loginUrl);
  let init: RequestInit = { method: "GET" };
  for (let hop = 0; hop < 20; hop++) {
    if (url.origin === dlsms && url.pathname === "/auth/oidc/callback")
      await options.beforeCallback?.(url, jar);
    const res = await fetch(url, {
      ...init,
      redirect: "manual",
      headers: { ...(init.headers as Record<string, string>), cookie: jar.header(url) },
    });
    jar.take(url, res);
    const location = res.headers.get("location");
    const isDlsmsAnswer = url.origin === dlsms && url.pathname === "/auth/oidc/callback";
    if (isDlsmsAnswer) return { response: res, location: location ? new URL(location, url) : undefined };
    if (location) {
      await res.arrayBuffer();
      url = new URL(location, url);
      init = { method: "GET" };
      continue;
    }
    if (url.origin === dlsms) return { response: res, location: undefined };
    // A provider page: submit its form (login or consent) as the student would.
    const html = await res.text();
    const cancelUrl = /<a href="([^"]+)">\[ Cancel \]/.exec(html)?.[1];
    if (options.cancel && cancelUrl) {
      url = new URL(cancelUrl.replaceAll("&amp;", "&"), url);
      init = { method: "GET" };
      continue;
    }
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="([a-z]+)"/.exec(html)?.[1];
    if (!action || !prompt)
      throw new Error(`unexpected provider page (${res.status}): ${html.slice(0, 300)}`);
    const form = new URLSearchParams({ prompt });
    if (prompt === "login") {
      form.set("login", accountId);
      form.set("password", "any");
    }
    url = new URL(action.replaceAll("&amp;", "&"), url);
    init = {
      method: "POST",
      body: form.toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    };
  }
  throw new Error("too many redirects");
}
