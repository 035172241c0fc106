const QUARTER = 15 * 60_000;

/** The next quarter hour: what the seat finder picks as the default start. */
export function nextQuarter(now = Date.now()): Date {
  return new Date(Math.ceil(now / QUARTER) * QUARTER);
}

export const plusMinutes = (d: Date, minutes: number) => new Date(d.getTime() + minutes * 60_000);
