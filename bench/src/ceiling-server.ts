import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { loadCeilingEnv } from "./env";

/**
 * The ceiling for a cached read: a bare node:http server that answers with the exact bytes
 * (and content type) the real endpoint answered, in its own process like the real server.
 * Whatever the real server does beyond this is its overhead.
 */
const env = loadCeilingEnv();
const body = readFileSync(env.CEILING_BODY_FILE);
const headers = { "content-type": "application/json", "content-length": String(body.length) };

const server = createServer((_req, res) => {
  res.writeHead(200, headers);
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(env.CEILING_PORT, "127.0.0.1");
process.on("SIGTERM", () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
