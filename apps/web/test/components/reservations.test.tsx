import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { dayAt, newStudent, pageHeading, renderApp, type Student } from "./harness";

// Engineering Library seats, today (this file only) and six days ahead (this file's day).
const SOON_SEAT = { id: 44, code: "EL-07" };
const LATER_SEAT = { id: 45, code: "EL-08" };
const MINUTE = 60_000;

let me: Student;
let soon: { id: number; checkInOpensAt: string; checkInClosesAt: string };
let later: { id: number; checkInOpensAt: string };

beforeAll(async () => {
  me = await newStudent("cards");
  // Starts in 10 minutes: its check-in window (15 min before to 15 min after the start) is open.
  const start = new Date(Date.now() + 10 * MINUTE);
  await me.api.reservations.create.mutate({
    seatId: SOON_SEAT.id,
    startTime: start.toISOString(),
    endTime: new Date(start.getTime() + 60 * MINUTE).toISOString(),
  });
  await me.api.reservations.create.mutate({
    seatId: LATER_SEAT.id,
    startTime: dayAt(6, 10).toISOString(),
    endTime: dayAt(6, 11).toISOString(),
  });
  const mine = await me.api.reservations.mine.query({ upcomingOnly: true });
  const find = (seatId: number) => {
    const r = mine.find((m) => m.seatId === seatId);
    if (!r) throw new Error(`no reservation for seat ${seatId}`);
    return r;
  };
  soon = find(SOON_SEAT.id);
  later = find(LATER_SEAT.id);
});

async function card(code: string) {
  return screen.findByRole("listitem", { name: new RegExp(`^Seat ${code}\\b`) });
}
const countdown = (el: HTMLElement) => el.querySelector(".countdown")?.textContent ?? null;
const checkInButton = (el: HTMLElement) =>
  within(el).getByRole("button", { name: "Check in" }) as HTMLButtonElement;

/** Moves the page's clock (only Date: intervals stay real so the cards re-render). */
function pageClockAt(ms: number) {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(ms);
}

describe("reservation cards", () => {
  it("count down to a check-in window days away in days and hours, and under a day to the second", async () => {
    renderApp(me, "/reservations");
    await pageHeading("My reservations");
    const el = await card(LATER_SEAT.code);
    expect(countdown(el)).toMatch(/^Check-in opens in [1-6] d( \d{1,2} h)?$/);
    expect(checkInButton(el).disabled).toBe(true);
    expect(within(el).getByRole("button", { name: "Cancel" })).toBeTruthy();

    const opens = new Date(later.checkInOpensAt).getTime();
    pageClockAt(opens - (27 * 60 + 30) * MINUTE);
    await waitFor(() => expect(countdown(el)).toBe("Check-in opens in 1 d 3 h"));
    pageClockAt(opens - 3_725_000);
    await waitFor(() => expect(countdown(el)).toBe("Check-in opens in 1:02:05"));
    expect(checkInButton(el).disabled).toBe(true);
  });

  it("follows the window the server reports: closed before, open at both ends, passed after", async () => {
    renderApp(me, "/reservations");
    await pageHeading("My reservations");
    const el = await card(SOON_SEAT.code);
    const opens = new Date(soon.checkInOpensAt).getTime();
    const closes = new Date(soon.checkInClosesAt).getTime();

    pageClockAt(opens - 1_000);
    await waitFor(() => expect(countdown(el)).toBe("Check-in opens in 0:01"));
    expect(checkInButton(el).disabled).toBe(true);

    pageClockAt(opens);
    await waitFor(() => expect(countdown(el)).toMatch(/^Check-in open — closes in /));
    expect(countdown(el)).toBe(`Check-in open — closes in ${(closes - opens) / MINUTE}:00`);
    expect(checkInButton(el).disabled).toBe(false);

    pageClockAt(closes);
    await waitFor(() => expect(countdown(el)).toBe("Check-in open — closes in 0:00"));
    expect(checkInButton(el).disabled).toBe(false);

    pageClockAt(closes + 1_000);
    await waitFor(() => expect(countdown(el)).toBe("The check-in window has passed."));
    expect(checkInButton(el).disabled).toBe(true);
    // Past the window a booking can no longer be cancelled by its student.
    expect(within(el).queryByRole("button", { name: "Cancel" })).toBeNull();
  });

  it("checks in within the window: the server records it and the card offers to leave", async () => {
    const user = userEvent.setup();
    renderApp(me, "/reservations");
    await pageHeading("My reservations");
    const el = await card(SOON_SEAT.code);
    expect(countdown(el)).toMatch(/^Check-in open — closes in \d+:\d\d$/);

    await user.click(checkInButton(el));
    await within(el).findByRole("button", { name: "I'm leaving" });
    expect(within(el).getByText("Checked in")).toBeTruthy();
    expect(countdown(el)).toBeNull();
    const mine = await me.api.reservations.mine.query({ upcomingOnly: true });
    expect(mine.find((r) => r.id === soon.id)?.status).toBe("CHECKED_IN");
  });
});
