import type { IncomingMessage, ServerResponse } from "node:http";
import type { AppRouter, Context } from "@dlsms/api";
import type { TRPCError } from "@trpc/server";
import {
  type AnyProcedure,
  getErrorShape,
  getHTTPStatusCode,
  getTRPCErrorFromUnknown,
  type TRPCResponse,
} from "@trpc/server/unstable-core-do-not-import";
import { readBodyUpTo } from "./read-body";
import { resultBytes, TRPC_JSON_HEADERS } from "./trpc-wire";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface FastPathOptions {
  router: AppRouter;
  createContext: (opts: { req: IncomingMessage; info: { calls: readonly Call[] } }) => Promise<Context>;
  onError: (opts: { error: TRPCError; path?: string }) => void;
  /** Larger bodies go to the adapter, which refuses them with 413. */
  maxBodySize: number;
}

/** One call of a request, as tRPC's JSON content handler reads it. */
interface Call {
  path: string;
  procedure: AnyProcedure;
  input: unknown;
}

/**
 * tRPC's HTTP calls in the shapes our clients send — `httpBatchLink`'s batches and `httpLink`'s
 * single calls, as GET queries or JSON POST mutations — run here without the fetch adapter's
 * per-request WHATWG objects: one context per request, every call through its own procedure
 * (middlewares, input schema, error mapping) with tRPC's own error shaping, and results
 * rendered once per read-model copy (trpc-wire.ts). Anything else (streaming or SSE requests,
 * subscriptions, unknown paths or parameters, bodies that are not JSON) goes to `adapter`,
 * which answers in tRPC's own way; tests compare the two byte for byte.
 */
/** Requests answered here (this process); tests use it to show which path real clients take. */
export const fastPathStats = { answered: 0 };

export function withTrpcFastPath(options: FastPathOptions, adapter: Handler): Handler {
  // tRPC keeps the router's procedures flat, by dotted path (the type shows the nested record).
  const procedures = options.router._def.procedures as unknown as Record<string, AnyProcedure | undefined>;
  const config = options.router._def._config;

  const answer = async (req: IncomingMessage, res: ServerResponse, calls: Call[], batch: boolean) => {
    const ctx = await options.createContext({ req, info: { calls } });
    const items = await Promise.all(
      calls.map(async ({ path, procedure, input }, batchIndex) => {
        const type = procedure._def.type;
        try {
          const data: unknown = await procedure({
            path,
            getRawInput: async () => input,
            ctx,
            type,
            signal: undefined,
            batchIndex,
          });
          return { ok: true as const, bytes: resultBytes(data) };
        } catch (cause) {
          const error = getTRPCErrorFromUnknown(cause);
          options.onError({ error, path });
          return { ok: false as const, error: getErrorShape({ config, ctx, error, input, path, type }) };
        }
      }),
    );
    const shapes = items.map(
      (item): TRPCResponse => (item.ok ? { result: { data: null } } : { error: item.error }),
    );
    const parts = items.map((item) =>
      item.ok ? item.bytes : Buffer.from(JSON.stringify({ error: item.error })),
    );
    const body = batch ? Buffer.concat([OPEN, ...joined(parts), CLOSE]) : (parts[0] as Buffer);
    res.writeHead(getHTTPStatusCode(shapes), { ...TRPC_JSON_HEADERS, "content-length": body.length });
    res.end(body);
    fastPathStats.answered += 1;
  };

  const fail = (res: ServerResponse) => () => {
    if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
    res.end();
  };

  return (req, res) => {
    const shape = requestShape(req, options.maxBodySize);
    if (!shape) return adapter(req, res);
    const paths = shape.batch ? shape.path.split(",") : [shape.path];
    const found = paths.map((path) => procedures[path]);
    const wanted = req.method === "GET" ? "query" : "mutation";
    if (!found.every((p) => p?._def.type === wanted)) return adapter(req, res);
    const withInputs = (raw: string | undefined) => {
      const inputs = readInputs(raw, shape.batch, paths.length);
      if (inputs === undefined) return false;
      const calls = paths.map((path, i) => ({ path, procedure: found[i] as AnyProcedure, input: inputs[i] }));
      answer(req, res, calls, shape.batch).catch(fail(res));
      return true;
    };
    if (req.method === "GET") {
      if (!withInputs(shape.input)) adapter(req, res);
      return;
    }
    readBodyUpTo(req, options.maxBodySize).then((body) => {
      if (body === undefined) return res.destroy();
      // tRPC reads a POST body as JSON: an empty one is its parse error, not "no input".
      if (body.length > 0 && withInputs(body.toString("utf8"))) return;
      // tRPC words the parse error; @hono/node-server reads a body already taken from `rawBody`.
      (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
      adapter(req, res);
    }, fail(res));
  };
}

const OPEN = Buffer.from("[");
const COMMA = Buffer.from(",");
const CLOSE = Buffer.from("]");

function joined(parts: Buffer[]): Buffer[] {
  return parts.flatMap((part, i) => (i === 0 ? [part] : [COMMA, part]));
}

/**
 * The request's calls when it is one our clients send: GET or POST under /trpc/, JSON, no
 * streaming accept header, no parameters beyond `batch=1` and `input`, a body of known size.
 */
function requestShape(
  req: IncomingMessage,
  maxBody: number,
): { path: string; batch: boolean; input: string | undefined } | undefined {
  const url = req.url ?? "";
  if (!url.startsWith("/trpc/") || req.headers["trpc-accept"] !== undefined) return undefined;
  if (req.headers.accept?.includes("application/jsonl")) return undefined;
  if (req.method === "POST") {
    const type = req.headers["content-type"]?.toLowerCase().split(";", 1)[0]?.trim();
    const declared = Number(req.headers["content-length"]);
    if (type !== "application/json" || req.headers["transfer-encoding"] !== undefined) return undefined;
    if (!Number.isInteger(declared) || declared > maxBody) return undefined;
  } else if (req.method !== "GET") return undefined;
  const q = url.indexOf("?");
  const path = url.slice("/trpc/".length, q === -1 ? undefined : q);
  if (path.includes("%")) return undefined;
  let batch = false;
  let input: string | undefined;
  if (q !== -1) {
    for (const [name, value] of new URLSearchParams(url.slice(q + 1))) {
      if (name === "batch" && value === "1") batch = true;
      else if (name === "input" && req.method === "GET") input = value;
      else return undefined;
    }
  }
  return { path, batch, input };
}

/** Each call's input as tRPC reads it, or undefined when tRPC would refuse the request itself. */
function readInputs(raw: string | undefined, batch: boolean, count: number): unknown[] | undefined {
  if (raw === undefined || raw === "") return new Array(count).fill(undefined);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!batch) return [json];
  if (typeof json !== "object" || json === null || Array.isArray(json)) return undefined;
  const byIndex = json as Record<string, unknown>;
  return Array.from({ length: count }, (_, i) => (Object.hasOwn(byIndex, i) ? byIndex[i] : undefined));
}
