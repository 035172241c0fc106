import { TRPCClientError } from "@trpc/client";

/**
 * A fresh Idempotency-Key: 128 random bits in hex. getRandomValues, unlike randomUUID, also
 * works outside secure contexts (the SPA served over plain HTTP on a campus network).
 */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The request got no answer (offline, connection lost): the server may or may not have acted. */
export function unanswered(error: unknown): boolean {
  return error instanceof TRPCClientError && !error.data;
}

/**
 * Keys for one action: a fresh key for each new request, the same key again while the same
 * request is retried after getting no answer, so the server books at most once.
 */
export class IdempotencyKeys {
  private pending: { request: string; key: string } | undefined;

  keyFor(request: unknown): string {
    const text = JSON.stringify(request);
    if (this.pending?.request !== text) this.pending = { request: text, key: newIdempotencyKey() };
    return this.pending.key;
  }

  /** The server answered (booked or refused): the next request is a new action. */
  answered(): void {
    this.pending = undefined;
  }
}
