import { seatsListInput } from "@dlsms/validators";
import { bearerToken } from "./auth/jwt";
import { type ApiDeps, resolveUser } from "./context";
import { BRANCHES_LISTING_KEY, cachedListingAnswer, seatsListingKey } from "./services/listing-cache";

/**
 * Queries whose answer is the same for every signed-in user and comes whole from the listing
 * cache: `seats.list` and `branches.list`. For these a transport may answer a repeated read
 * with the bytes it already sent, skipping the procedure pipeline. Everything else about the
 * call — session check, input validation, freshness — is the procedure's own rule, applied
 * here the same way; anything unusual returns undefined and the caller runs the procedure.
 */
const listingKeyFor: Record<string, (rawInput: string | undefined) => string | undefined> = {
  "seats.list": (rawInput) => {
    const json = parseJson(rawInput);
    if (json === INVALID) return undefined;
    const parsed = seatsListInput.optional().safeParse(json);
    return parsed.success ? seatsListingKey(parsed.data ?? {}) : undefined;
  },
  // No input parser: tRPC accepts and ignores whatever well-formed input comes along.
  "branches.list": (rawInput) => (parseJson(rawInput) === INVALID ? undefined : BRANCHES_LISTING_KEY),
};

const INVALID = Symbol("invalid JSON");

/** tRPC's own reading of `?input=`: absent is undefined, malformed is an error (not ours). */
function parseJson(rawInput: string | undefined): unknown {
  if (rawInput === undefined) return undefined;
  try {
    return JSON.parse(rawInput);
  } catch {
    return INVALID;
  }
}

/** Validation is pure, so a raw input that passed once maps to the same key again. */
const knownInputs = new Map<string, string>();
const MAX_KNOWN_INPUTS = 1_000;

function keyFor(path: string, rawInput: string | undefined): string | undefined {
  const memoKey = `${path}\u0000${rawInput ?? ""}`;
  const known = knownInputs.get(memoKey);
  if (known !== undefined) return known;
  const key = listingKeyFor[path]?.(rawInput);
  if (key === undefined) return undefined;
  if (knownInputs.size >= MAX_KNOWN_INPUTS) knownInputs.delete(knownInputs.keys().next().value ?? "");
  knownInputs.set(memoKey, key);
  return key;
}

export const isCachedReadPath = (path: string): boolean => path in listingKeyFor;

/**
 * The answer to a cached read when this process holds a fresh copy for the caller's input
 * and the caller's token is valid and unexpired; otherwise undefined. `wrap` makes the
 * transport's envelope around the listing's JSON (once per copy).
 */
export async function cachedReadAnswer(
  deps: ApiDeps,
  call: { path: string; rawInput: string | undefined; authorization: string | string[] | undefined },
  wrap: (listingJson: string) => Buffer,
): Promise<Buffer | undefined> {
  const key = keyFor(call.path, call.rawInput);
  const token = bearerToken(call.authorization);
  if (key === undefined || token === undefined) return undefined;
  const { user } = await resolveUser(token, deps.config.auth.jwtSecret);
  if (!user || user.exp * 1000 <= Date.now()) return undefined;
  return cachedListingAnswer(deps.cache, key, wrap);
}
