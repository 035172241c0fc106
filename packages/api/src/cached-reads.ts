import type { SeatsListInput } from "@dlsms/validators";
import { myReservationsInput, seatsListInput } from "@dlsms/validators";
import type { SessionUser } from "./auth/jwt";
import { type ApiDeps, signedInUser } from "./context";
import type { Answer } from "./lent-buffers";
import { listedFromProcessCopies, listSeatsFromCatalogue } from "./services/branch-listing";
import { listBranches } from "./services/branches.service";
import {
  BRANCHES_LISTING_KEY,
  cachedListing,
  cachedListingAnswer,
  type ListingFormat,
  type LocalLoadCheck,
  seatsListingKey,
} from "./services/listing-cache";
import { myReservationsAnswer } from "./services/my-reservations-cache";
import type { SeatView } from "./services/views";
import { lentTrpcResult, trpcResultBytes } from "./trpc-wire";

/** A cached listing: where it lives in the listing cache and how to load it on a miss. */
export interface ListingRead<T> {
  key: string;
  /** Loads the listing on a miss, for the seats version its copy will be kept under. */
  load(version: number): Promise<T>;
  /** Whether that load needs nothing outside this process (then the shared cache is not asked). */
  isLocal?: LocalLoadCheck;
}

type ReadDeps = Pick<ApiDeps, "db" | "cache" | "config">;

/** The listings behind `seats.list` and `branches.list`: the procedures and the fast path share these. */
export const listingReads = {
  seats: (
    deps: ReadDeps,
    filters: SeatsListInput,
    key = seatsListingKey(filters),
  ): ListingRead<SeatView[]> => ({
    key,
    load: (version) => listSeatsFromCatalogue(deps, filters, deps.config.rules, version),
    isLocal: (version) => listedFromProcessCopies(deps.cache, filters, version),
  }),
  branches: (deps: ReadDeps): ListingRead<Awaited<ReturnType<typeof listBranches>>> => ({
    key: BRANCHES_LISTING_KEY,
    load: () => listBranches(deps.db),
  }),
};

export const readListing = <T>(deps: Pick<ApiDeps, "cache">, read: ListingRead<T>): Promise<T> =>
  cachedListing(deps.cache, read.key, read.load, read.isLocal);

export type { ListingFormat };

/**
 * A listing's answer bytes in a transport's format, from the same cached copy readListing uses.
 * The caller must have checked the session and validated the input as the procedure does.
 * The bytes are kept with the copy (formats given here lend nothing: no renderLent).
 */
export const renderedListing = async <T>(
  deps: Pick<ApiDeps, "cache">,
  read: ListingRead<T>,
  format: ListingFormat<T>,
): Promise<Buffer> =>
  (await cachedListingAnswer(deps.cache, read.key, read.load, format, read.isLocal)).bytes;

/** tRPC's envelope for a successful non-batched query (no transformer): `{"result":{"data":…}}`. */
const TRPC_RESULT: ListingFormat<unknown> = {
  name: "trpc",
  render: trpcResultBytes,
  renderLent: lentTrpcResult,
};

/** Produces a cached read's answer (loading on a miss); made once input and user are known. */
type CachedRead = () => Promise<Answer>;

/**
 * Queries whose answer comes whole from a cache that a change invalidates before it is
 * acknowledged: `seats.list` and `branches.list` (the same for every signed-in user, from the
 * listing cache) and `reservations.mine` (the signed-in user's own, from the per-user cache).
 * For these a transport may answer without the procedure pipeline: with the bytes it already
 * made for the same copy, or, on a miss, by loading exactly as the procedure does. Everything
 * else about the call — session check, input validation, freshness — is the procedure's own
 * rule, applied here the same way; anything unusual (and any error while loading) leaves the
 * call to the procedure. `user` is the caller, whose token was already checked.
 */
// A Map, not an object: a path such as "toString" must not find a prototype method.
const readFor = new Map<
  string,
  (deps: ApiDeps, rawInput: string | undefined, user: SessionUser) => CachedRead | undefined
>([
  [
    "seats.list",
    (deps, rawInput) => {
      const valid = validSeatFilters(rawInput);
      if (!valid) return undefined;
      const read = listingReads.seats(deps, valid.filters, valid.key);
      return () => cachedListingAnswer(deps.cache, read.key, read.load, TRPC_RESULT, read.isLocal);
    },
  ],
  // No input parser: tRPC accepts and ignores whatever well-formed input comes along.
  [
    "branches.list",
    (deps, rawInput) =>
      parseJson(rawInput) === INVALID
        ? undefined
        : () => {
            const read = listingReads.branches(deps);
            return cachedListingAnswer(deps.cache, read.key, read.load, TRPC_RESULT);
          },
  ],
  [
    "reservations.mine",
    (deps, rawInput, user) => {
      const upcomingOnly = validUpcomingOnly(rawInput);
      return upcomingOnly === undefined
        ? undefined
        : async () => ({ bytes: await myReservationsAnswer(deps, user.id, upcomingOnly, deps.config.rules) });
    },
  ],
]);

/** Validation is pure, so a raw input that passed once is remembered with its cache key. */
const validInputs = new Map<string, { filters: SeatsListInput; key: string }>();
const MAX_VALID_INPUTS = 1_000;

function validSeatFilters(rawInput: string | undefined) {
  const known = validInputs.get(rawInput ?? "");
  if (known) return known;
  const json = parseJson(rawInput);
  if (json === INVALID) return undefined;
  const parsed = seatsListInput.optional().safeParse(json);
  if (!parsed.success) return undefined;
  const filters = parsed.data ?? {};
  const valid = { filters, key: seatsListingKey(filters) };
  if (validInputs.size >= MAX_VALID_INPUTS) validInputs.delete(validInputs.keys().next().value ?? "");
  validInputs.set(rawInput ?? "", valid);
  return valid;
}

/**
 * `reservations.mine`'s input as the procedure reads it (myReservationsInput, then
 * `upcomingOnly ?? false`), or undefined when the procedure would refuse it. Remembered per raw
 * input like the seat filters: clients send the same one or two inputs again and again.
 */
const validMineInputs = new Map<string, boolean>();
const MAX_VALID_MINE_INPUTS = 100;

function validUpcomingOnly(rawInput: string | undefined): boolean | undefined {
  if (rawInput === undefined) return false;
  const known = validMineInputs.get(rawInput);
  if (known !== undefined) return known;
  const json = parseJson(rawInput);
  if (json === INVALID) return undefined;
  const parsed = myReservationsInput.safeParse(json);
  if (!parsed.success) return undefined;
  const upcomingOnly = parsed.data?.upcomingOnly ?? false;
  if (validMineInputs.size >= MAX_VALID_MINE_INPUTS) {
    validMineInputs.delete(validMineInputs.keys().next().value ?? "");
  }
  validMineInputs.set(rawInput, upcomingOnly);
  return upcomingOnly;
}

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

export const isCachedReadPath = (path: string): boolean => readFor.has(path);

/**
 * The answer to a cached read when the caller's token is valid and unexpired and the input
 * valid: from this process's fresh copy (of the listing, or of the caller's reservations),
 * loaded on a miss. Undefined, or a rejection (a rule broken by the window, a database error),
 * means: run the procedure, which answers errors in tRPC's shape. The answer is tRPC's own JSON
 * for the procedure's result; a lent answer (Answer.written) must be given back once written.
 */
export async function cachedReadAnswer(
  deps: ApiDeps,
  call: { path: string; rawInput: string | undefined; authorization: string | string[] | undefined },
): Promise<Answer | undefined> {
  const readOf = readFor.get(call.path);
  if (readOf === undefined) return undefined;
  // The user first: a per-user read is keyed by the caller.
  const user = await signedInUser(call.authorization, deps.config.auth.jwtSecret);
  if (!user) return undefined;
  return readOf(deps, call.rawInput, user)?.();
}
