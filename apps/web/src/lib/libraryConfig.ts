import type { RouterOutputs } from "@dlsms/api";

/** The server's public settings: the library's time zone and the limits of a booking window. */
export type LibraryConfig = RouterOutputs["config"]["public"];

/** Used only until the server has answered (and by unit tests): the server's own defaults. */
export const DEFAULT_LIBRARY_CONFIG: LibraryConfig = {
  timeZone: "UTC",
  minDurationMinutes: 15,
  maxDurationMinutes: 240,
  maxAdvanceDays: 14,
  pastToleranceMinutes: 5,
  checkInEarlyMinutes: 15,
  graceMinutes: 15,
  campusSignIn: false,
  seriesMaxWeeks: 8,
  awayMaxMinutes: 30,
  awayBreaks: 2,
};

let current: LibraryConfig = DEFAULT_LIBRARY_CONFIG;

/**
 * Module state rather than React context: times are also formatted outside components (toasts
 * after a mutation, notification texts), and the app renders nothing that shows a time before
 * LibraryConfigGate has set it.
 */
export function libraryConfig(): LibraryConfig {
  return current;
}

export function setLibraryConfig(config: LibraryConfig): void {
  current = config;
}
