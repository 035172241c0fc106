import { useRef } from "react";
import { auth } from "./auth";
import { errorCode, errorMessage } from "./errors";

/**
 * Callbacks shared by the live subscriptions: `onStarted` runs `resync` on every start but the
 * first (a reconnect may have missed events; the first start follows a fresh fetch anyway), and
 * an expired token on the socket logs out like any other call.
 */
export function useLiveCallbacks(resync: () => void) {
  const starts = useRef(0);
  return {
    onStarted: () => {
      starts.current += 1;
      if (starts.current > 1) resync();
    },
    onError: (error: unknown) => {
      if (errorCode(error) === "UNAUTHORIZED" && auth.token()) auth.logout(errorMessage(error));
    },
  };
}
