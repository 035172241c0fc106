import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { RestEnv } from "./context";

/**
 * The browsable reference at /api/docs: Swagger UI served from the swagger-ui-dist package on
 * disk, never from a CDN, so the page works on an offline library network.
 */
const require = createRequire(import.meta.url);
const ASSETS: Record<string, { file: string; type: string }> = {
  "swagger-ui.css": { file: "swagger-ui-dist/swagger-ui.css", type: "text/css; charset=utf-8" },
  "swagger-ui-bundle.js": {
    file: "swagger-ui-dist/swagger-ui-bundle.js",
    type: "text/javascript; charset=utf-8",
  },
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>DL-SMS REST API</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
</script>
</body>
</html>`;

export function registerDocs(app: OpenAPIHono<RestEnv>): void {
  const cache = new Map<string, string>();
  app.get("/docs", (c) => c.html(PAGE));
  app.get("/docs/:asset", async (c) => {
    const asset = ASSETS[c.req.param("asset")];
    if (!asset) return c.json({ error: "Endpoint not found" }, 404);
    let body = cache.get(asset.file);
    if (body === undefined) {
      body = await readFile(require.resolve(asset.file), "utf8");
      cache.set(asset.file, body);
    }
    return c.body(body, 200, { "content-type": asset.type, "cache-control": "public, max-age=86400" });
  });
}
