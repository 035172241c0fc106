import type { IncomingMessage } from "node:http";

/**
 * The whole body of a request whose Content-Length the caller has checked against `maxBytes`;
 * undefined when the stream fails or, against that check, brings more.
 */
export function readBodyUpTo(req: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on("end", () => resolve(size <= maxBytes ? Buffer.concat(chunks, size) : undefined));
    req.on("error", () => resolve(undefined));
  });
}
