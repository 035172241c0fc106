import type { Cache } from "@dlsms/bus";
import type { Database } from "@dlsms/db";
import type { SeatsListInput } from "@dlsms/validators";
import type { ApiConfig } from "../config";
import { listBranches } from "../services/branches.service";
import type { SeatView } from "../services/views";
import { listedFromProcessCopies, listSeatsFromCatalogue } from "./branch-catalogue";
import {
  BRANCHES_LISTING_KEY,
  cachedListing,
  cachedListingAnswer,
  type ListingFormat,
  type LocalLoadCheck,
  seatsListingKey,
} from "./seat-listings";
import type { CacheObserver } from "./versioned-copies";

/** A cached listing: where it lives in the listing cache and how to load it on a miss. */
export interface ListingRead<T> {
  key: string;
  /** Loads the listing on a miss, for the seats version its copy will be kept under. */
  load(version: number): Promise<T>;
  /** Whether that load needs nothing outside this process (then the shared cache is not asked). */
  isLocal?: LocalLoadCheck;
}

/** What a listing read needs of the API's dependencies (no request, no transport). */
type ReadDeps = {
  db: Database;
  cache: Cache;
  config: Pick<ApiConfig, "rules">;
  observer?: CacheObserver | undefined;
};

/** The listings behind `seats.list` and `branches.list`: the procedures and the REST/gRPC doors share these. */
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
    load: () => listBranches(deps.db, deps.config.rules),
  }),
};

export const readListing = <T>(
  deps: { cache: Cache; observer?: CacheObserver | undefined },
  read: ListingRead<T>,
): Promise<T> => cachedListing(deps.cache, read.key, read.load, read.isLocal, deps.observer);

export type { ListingFormat };

/**
 * A listing's answer bytes in a transport's format, from the same cached copy readListing uses.
 * The caller must have checked the session and validated the input as the procedure does.
 * The bytes are kept with the copy.
 */
export const renderedListing = async <T>(
  deps: { cache: Cache; observer?: CacheObserver | undefined },
  read: ListingRead<T>,
  format: ListingFormat<T>,
): Promise<Buffer> =>
  cachedListingAnswer(deps.cache, read.key, read.load, format, read.isLocal, deps.observer);
