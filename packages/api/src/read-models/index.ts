// `@dlsms/api/read-models`: the copies the transports' shortcuts answer from, and the JSON
// they render them with. Freshness: docs/read-models.md.
export { type ListingFormat, type ListingRead, listingReads, renderedListing } from "./listing-reads";
export { prerenderedArrayBytes } from "./prerendered-json";
