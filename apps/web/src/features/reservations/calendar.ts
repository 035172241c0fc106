import type { Reservation } from "../../lib/types";

/** Builds and downloads an .ics file; `ics` is loaded on first use to keep it out of the main bundle. */
export async function downloadIcs(r: Reservation): Promise<void> {
  const { createEvent } = await import("ics");
  const { error, value } = createEvent({
    uid: `dlsms-reservation-${r.id}@dlsms`,
    title: `Library seat ${r.seatCode}`,
    description: `${r.branch}, ${r.area}. Check in from 15 minutes before the start.`,
    location: `${r.branch} – ${r.area}, seat ${r.seatCode}`,
    start: new Date(r.startTime).getTime(),
    end: new Date(r.endTime).getTime(),
    startInputType: "utc",
    startOutputType: "utc",
    endInputType: "utc",
    endOutputType: "utc",
  });
  if (error || !value) throw error ?? new Error("Could not create the calendar file");
  const url = URL.createObjectURL(new Blob([value], { type: "text/calendar;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = `seat-${r.seatCode}-${r.id}.ics`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
