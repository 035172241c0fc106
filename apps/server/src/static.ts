import { existsSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import sirv from "sirv";

/** Where `pnpm --filter @dlsms/web build` (run by `pnpm start`) writes the SPA. */
export const DEFAULT_WEB_DIST = fileURLToPath(new URL("../../web/dist", import.meta.url));

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>DL-SMS</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto">
<h1>DL-SMS is running</h1>
<p>The web app has not been built yet. Run <code>pnpm start</code> from the repository root
(it builds the SPA first), or <code>pnpm --filter @dlsms/web build</code>.</p>
<p>The API is up: <a href="/healthz">/healthz</a>, tRPC at <code>/trpc</code>.</p>
</body></html>`;

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Serves the built SPA; unknown paths get index.html so client-side routes survive a reload.
 * Checked once at boot: a missing build gives a page that says how to build it, not a 404.
 */
export function createStaticHandler(distDir: string = DEFAULT_WEB_DIST): Handler {
  if (!existsSync(`${distDir}/index.html`)) {
    return (req, res) => {
      const status = req.method === "GET" || req.method === "HEAD" ? 200 : 405;
      res.writeHead(status, { "content-type": "text/html; charset=utf-8" });
      res.end(req.method === "HEAD" ? undefined : NOT_BUILT_PAGE);
    };
  }
  const serve = sirv(distDir, {
    single: true,
    etag: true,
    gzip: true,
    brotli: true,
    // Vite fingerprints everything under assets/: safe to cache for a long time.
    setHeaders(res, pathname) {
      if (pathname.startsWith("/assets/"))
        res.setHeader("cache-control", "public, max-age=31536000, immutable");
      else res.setHeader("cache-control", "no-cache");
    },
  });
  return (req, res) => serve(req, res);
}
