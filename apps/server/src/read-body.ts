import type { IncomingMessage } from "node:http";

/** What was read of a request body: all of it, or (once past the limit) the chunks so far. */
export interface BodyRead {
  /** Whether the whole body came within the limit. */
  complete: boolean;
  /** The chunks read, in order: the whole body when complete. */
  chunks: Uint8Array[];
  /** Their total length in bytes. */
  size: number;
  /** What is still to come when not complete; `return()` stops reading the source. */
  rest: AsyncIterator<Uint8Array>;
}

/**
 * The one body reader of the three doors (the tRPC fast path, REST's body limit, the gRPC
 * GetSeats shortcut): reads chunks until the body ends or is larger than `maxBytes`, and
 * leaves the rest unread so a caller may refuse it or hand it on. Rejects if the stream fails.
 */
export async function readBody(source: AsyncIterable<Uint8Array>, maxBytes: number): Promise<BodyRead> {
  const rest = source[Symbol.asyncIterator]();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const next = await rest.next();
    if (next.done) return { complete: true, chunks, size, rest };
    chunks.push(next.value);
    size += next.value.length;
    if (size > maxBytes) return { complete: false, chunks, size, rest };
  }
}

/** The bytes read, as one buffer. */
export const bodyBytes = (read: BodyRead): Buffer =>
  read.chunks.length === 1 ? asBuffer(read.chunks[0] as Uint8Array) : Buffer.concat(read.chunks, read.size);

// Node's streams give Buffers already; a web stream's chunks are viewed, not copied.
const asBuffer = (chunk: Uint8Array): Buffer =>
  Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);

/**
 * The whole body of a request whose Content-Length the caller has checked against `maxBytes`;
 * undefined when the stream fails or, against that check, brings more.
 */
export async function readBodyUpTo(req: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  try {
    const read = await readBody(req, maxBytes);
    return read.complete ? bodyBytes(read) : undefined;
  } catch {
    return undefined;
  }
}
