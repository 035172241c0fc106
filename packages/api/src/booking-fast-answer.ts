import { createReservationInput } from "@dlsms/validators";
import { type ApiDeps, signedInUser } from "./context";
import { bookingAnswerWithoutDatabase } from "./services/booking.service";
import { lostRacesFor, lostRacesNow } from "./services/lost-races";
import { trpcConflictBytes } from "./trpc-wire";

export const BOOKING_PATH = "reservations.create";

/**
 * tRPC's answer to `reservations.create` when it is a loss already known (services/lost-races.ts),
 * made without the procedure pipeline. In a rush for a popular seat nearly every call is such a
 * loss, and --cpu-prof of the hot-seat storm showed most of the server's time then in tRPC's
 * per-call pipeline (context and option spreads, AbortSignals, error shaping), not in the check.
 *
 * It applies the procedure's rules in the procedure's order — a valid, unexpired token; input
 * that the procedure's own zod schema accepts; the rules that need no database — and answers
 * only a known loss. Anything else (no token, bad input, a rule broken, a booking that may
 * succeed) is undefined: the caller has the procedure answer it (callMutation), in tRPC's shapes.
 * A test compares these bytes with tRPC's for the same call.
 */
export async function knownBookingLoss(
  deps: ApiDeps,
  call: { authorization: string | string[] | undefined; json: unknown },
): Promise<Buffer | undefined> {
  const { json } = call;
  const seatId = (json as { seatId?: unknown } | undefined)?.seatId;
  // Most bookings are of seats nobody has lost: hand those on before any further work.
  if (typeof seatId !== "number" || !lostRacesFor(deps.cache).anyLossOn(seatId)) return undefined;
  const input = createReservationInput.safeParse(json);
  if (!input.success) return undefined;
  const user = await signedInUser(call.authorization, deps.config.auth.jwtSecret);
  if (!user) return undefined;
  const lostRaces = await lostRacesNow(deps.cache);
  let loss: ReturnType<typeof bookingAnswerWithoutDatabase>;
  try {
    loss = bookingAnswerWithoutDatabase(user.id, input.data, deps.config.rules, lostRaces);
  } catch {
    return undefined; // a rule broken: tRPC words it
  }
  if (!loss) return undefined;
  return trpcConflictBytes(loss.message, BOOKING_PATH);
}
