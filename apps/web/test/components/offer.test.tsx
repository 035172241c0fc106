import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { choose, dateField, dayAt, newStudent, pageHeading, renderApp, timeField } from "./harness";

// This file's day: five days ahead, 10:00–11:00 UTC, seat SL-05 (id 30).
const START = dayAt(5, 10);
const END = dayAt(5, 11);
const WINDOW = { startTime: START.toISOString(), endTime: END.toISOString() };
const SEAT = { id: 30, code: "SL-05" };

/** Minutes and seconds left in a countdown text such as "Claim it before 10:42 — 9:58 left". */
function secondsLeft(text: string): number {
  const match = /— (\d+):(\d\d) left$/.exec(text);
  if (!match) throw new Error(`no countdown in ${JSON.stringify(text)}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

describe("waitlist offer banner", () => {
  it("counts down a real offer and claims it", async () => {
    const user = userEvent.setup();
    const holder = await newStudent("holder");
    const waiter = await newStudent("waiter");
    const held = await holder.api.reservations.create.mutate({ seatId: SEAT.id, ...WINDOW });

    // The waiter finds the seat busy and joins its waitlist from the seat's dialog.
    renderApp(waiter);
    await pageHeading("Find a seat");
    fireEvent.change(screen.getByLabelText("Date"), { target: { value: dateField(START) } });
    fireEvent.change(screen.getByLabelText("From"), { target: { value: timeField(START) } });
    fireEvent.change(screen.getByLabelText("To"), { target: { value: timeField(END) } });
    await choose(user, "Branch", "Science Library");
    const tile = await screen.findByRole("button", { name: new RegExp(`^${SEAT.code}\\b`) });
    expect(tile.dataset.state).toBe("busy");
    await user.click(tile);
    const dialog = await screen.findByRole("dialog", { name: `Seat ${SEAT.code}` });
    expect(within(dialog).queryByRole("button", { name: "Book" })).toBeNull();
    await user.click(within(dialog).getByRole("button", { name: "Join waitlist" }));
    await within(dialog).findByRole("button", { name: "On the waitlist" });
    await user.click(within(dialog).getByRole("button", { name: "Close" }));
    expect(screen.queryByRole("heading", { name: `Seat ${SEAT.code} is free for you` })).toBeNull();

    // The holder cancels: the server offers the seat to the waiter, whose banner appears live.
    await holder.api.reservations.cancel.mutate({ id: held.id });
    const heading = await screen.findByRole("heading", { name: `Seat ${SEAT.code} is free for you` });
    const banner = heading.closest("section") as HTMLElement;
    const countdown = () => (banner.querySelector(".countdown") as HTMLElement).textContent ?? "";
    const offer = (await waiter.api.reservations.mine.query({ upcomingOnly: true })).find(
      (r) => r.status === "HELD",
    );
    if (!offer?.expiresAt) throw new Error("the server made no offer");
    const expiresAt = new Date(offer.expiresAt).getTime();

    // The countdown shows the time to the server's expiry and ticks down every second.
    expect(countdown()).toMatch(/^Claim it before \d\d:\d\d( [AP]M)? — \d+:\d\d left$/);
    const first = secondsLeft(countdown());
    expect(Math.abs(first - (expiresAt - Date.now()) / 1000)).toBeLessThanOrEqual(5);
    await waitFor(() => expect(secondsLeft(countdown())).toBeLessThan(first));

    // On the page's clock: 65 s before expiry it reads 1:05; once expired the banner goes.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(expiresAt - 65_000);
    await waitFor(() => expect(countdown()).toMatch(/ — 1:05 left$/));
    vi.setSystemTime(expiresAt + 1_000);
    await waitFor(() => expect(banner.isConnected).toBe(false));
    vi.useRealTimers();

    // Back on real time the offer is open again; claiming it makes the seat the waiter's.
    const again = await screen.findByRole("heading", { name: `Seat ${SEAT.code} is free for you` });
    await user.click(within(again.closest("section") as HTMLElement).getByRole("button", { name: "Claim" }));
    await waitFor(() =>
      expect(screen.queryByRole("heading", { name: `Seat ${SEAT.code} is free for you` })).toBeNull(),
    );
    const mine = await waiter.api.reservations.mine.query({ upcomingOnly: true });
    expect(mine.map((r) => ({ seatId: r.seatId, status: r.status }))).toEqual([
      { seatId: SEAT.id, status: "CONFIRMED" },
    ]);
    await waitFor(() => expect(tile.isConnected && tile.dataset.state).toBe("yours"));
  });
});
