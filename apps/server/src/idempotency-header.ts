import type { IncomingHttpHeaders } from "node:http";
import type { IdempotencyKeyHeader } from "@dlsms/api";

/** The one procedure that honours the header (packages/api/src/services/idempotency.ts). */
const KEYED_PROCEDURE = "reservations.create";

/**
 * A request's `Idempotency-Key` as the doors pass it to the procedures, unchecked: the service
 * checks it and answers 400. A tRPC batch shares its headers, so the key covers the batch's one
 * `reservations.create`; a batch with more than one is refused (`bookings` tells the service).
 * No header, no work: the booking path without a key is unchanged.
 */
export function idempotencyKeyOf(
  headers: IncomingHttpHeaders,
  paths: readonly string[] = [KEYED_PROCEDURE],
): IdempotencyKeyHeader | undefined {
  const value = headers["idempotency-key"];
  if (value === undefined) return undefined;
  // Node joins a repeated header with ", " (an unknown header): one value, checked as sent.
  return {
    value: Array.isArray(value) ? value.join(", ") : value,
    bookings: paths.filter((path) => path === KEYED_PROCEDURE).length,
  };
}
