/** Placeholder until seats.onChange is in the router: then it invalidates seats on each event. */
export function LiveSeats(_props: { branch: string }) {
  return null;
}
