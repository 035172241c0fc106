/** Placeholder until waitlist.claim/decline are in the router. */
export function OfferBanner() {
  return null;
}
