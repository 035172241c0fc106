import type { MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import { bodyBytes, readBody } from "../read-body";
import type { RestEnv } from "./context";

/**
 * 413 for bodies over `maxBytes`: from Content-Length at once, else while reading a chunked
 * body. hono's own bodyLimit re-wraps the request with `new Request(raw)`, which fails on the
 * node adapter's request object (we keep `overrideGlobalObjects: false` so the rest of the
 * process keeps the real fetch classes); here the bytes go into hono's body cache instead.
 */
export function bodyLimit(maxBytes: number): MiddlewareHandler<RestEnv> {
  const tooLarge = { error: `Request body larger than ${maxBytes} bytes` };
  return createMiddleware<RestEnv>(async (c, next) => {
    const raw = c.req.raw;
    if (c.req.method === "GET" || c.req.method === "HEAD" || !raw.body) return next();
    const declared = raw.headers.get("content-length");
    if (declared !== null && !raw.headers.has("transfer-encoding")) {
      if (Number(declared) > maxBytes) {
        c.header("connection", "close");
        return c.json(tooLarge, 413);
      }
      return next();
    }
    const read = await readBody(raw.body, maxBytes);
    if (!read.complete) {
      await read.rest.return?.().catch(() => undefined);
      c.header("connection", "close");
      return c.json(tooLarge, 413);
    }
    const bytes = bodyBytes(read);
    // Exactly the body's bytes: a small Buffer is a view into a shared pool.
    const body = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
    // hono types the cache as values, but reads it as promises (`cached.then(...)`).
    (c.req.bodyCache as unknown as { arrayBuffer: Promise<ArrayBuffer> }).arrayBuffer = Promise.resolve(body);
    return next();
  });
}
