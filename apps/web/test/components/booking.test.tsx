import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent, { type UserEvent } from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import {
  choose,
  dateField,
  dayAt,
  newStudent,
  pageHeading,
  renderApp,
  type Student,
  timeField,
} from "./harness";

// This file's day: four days ahead. Each test has its own hour, so their bookings never meet.
const DAY = 4;
const windowAt = (hour: number) => ({
  startTime: dayAt(DAY, hour).toISOString(),
  endTime: dayAt(DAY, hour + 1).toISOString(),
});

/** The finder at `hour` on this file's day, narrowed to the Main Library. */
async function openFinder(who: Student, user: UserEvent, hour: number) {
  renderApp(who);
  await pageHeading("Find a seat");
  fireEvent.change(screen.getByLabelText("Date"), { target: { value: dateField(dayAt(DAY, hour)) } });
  fireEvent.change(screen.getByLabelText("From"), { target: { value: timeField(dayAt(DAY, hour)) } });
  fireEvent.change(screen.getByLabelText("To"), { target: { value: timeField(dayAt(DAY, hour + 1)) } });
  await choose(user, "Branch", "Main Library");
  await screen.findByText("25 seats shown");
}

const tile = (code: string) => screen.getByRole("button", { name: new RegExp(`^${code}\\b`) });

async function openSeat(user: UserEvent, code: string) {
  await user.click(tile(code));
  return screen.findByRole("dialog", { name: `Seat ${code}` });
}

/** The student's active reservations as the server has them: seat id and status. */
async function bookings(who: Student) {
  const mine = await who.api.reservations.mine.query({ upcomingOnly: true });
  return mine.map((r) => ({ seatId: r.seatId, status: r.status })).sort((a, b) => a.seatId - b.seatId);
}

/** The SPA's own requests from now on (URL and Idempotency-Key), passed on unchanged. */
function recordRequests(loseFirstBookingAnswer = false) {
  // tRPC's links call window.fetch when given none.
  const realFetch = window.fetch;
  const urls: string[] = [];
  const bookingKeys: (string | null)[] = [];
  let lose = loseFirstBookingAnswer;
  const recording: typeof window.fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    urls.push(url);
    if (!url.includes("reservations.create")) return realFetch.call(window, input, init);
    bookingKeys.push(new Headers(init?.headers).get("idempotency-key"));
    const response = await realFetch.call(window, input, init);
    if (!lose) return response;
    // The server answered, but the answer never arrives (a dropped connection).
    lose = false;
    await response.arrayBuffer();
    throw new TypeError("Failed to fetch");
  };
  window.fetch = recording;
  return {
    urls,
    bookingKeys,
    stop: () => {
      window.fetch = realFetch;
    },
  };
}

describe("booking dialog", () => {
  it("books a free seat: the server has it and the tile turns Yours", async () => {
    const user = userEvent.setup();
    const me = await newStudent("book");
    await openFinder(me, user, 10);
    expect(tile("ML-01").dataset.state).toBe("free");

    const dialog = await openSeat(user, "ML-01");
    await user.click(within(dialog).getByRole("button", { name: "Book" }));

    await within(dialog).findByText(/This seat is yours/);
    await waitFor(() => expect(tile("ML-01").dataset.state).toBe("yours"));
    expect(await bookings(me)).toEqual([{ seatId: 1, status: "CONFIRMED" }]);
  });

  it("after losing the seat to someone else, offers free seats nearby and books one", async () => {
    const user = userEvent.setup();
    const me = await newStudent("loser");
    const winner = await newStudent("winner");
    const third = await newStudent("third");
    // ML-01 is taken before the map loads: a suggestion must never be a busy seat.
    await third.api.reservations.create.mutate({ seatId: 1, ...windowAt(12) });
    await openFinder(me, user, 12);

    const dialog = await openSeat(user, "ML-02");
    const book = within(dialog).getByRole("button", { name: "Book" });
    // The other student books ML-02 while the dialog is open; the click follows at once, before
    // the live update could redraw the tile, as when two students press Book together.
    await winner.api.reservations.create.mutate({ seatId: 2, ...windowAt(12) });
    const requested = recordRequests();
    fireEvent.click(book);

    const alert = await within(dialog).findByText("Not booked.");
    expect(alert.closest("[role=alert]")?.textContent).toMatch(/already booked|not available/i);
    const nearby = await within(dialog).findByRole("heading", { name: "Free nearby in Silent Study Zone" });
    const offers = within(nearby.parentElement as HTMLElement)
      .getAllByRole("button")
      .map((b) => b.textContent);
    // The server's suggestions with its refusal (seats with power like ML-02's first, nearest
    // first): the dialog asks for nothing more.
    expect(offers).toEqual(["Book ML-03", "Book ML-04", "Book ML-05", "Book ML-09", "Book ML-10"]);
    expect(requested.urls.filter((url) => url.includes("availableOnly"))).toEqual([]);
    requested.stop();

    await user.click(within(dialog).getByRole("button", { name: "Book ML-03" }));
    // The dialog follows the booked suggestion.
    await screen.findByRole("dialog", { name: "Seat ML-03" });
    await waitFor(() => expect(tile("ML-03").dataset.state).toBe("yours"));
    expect(await bookings(me)).toEqual([{ seatId: 3, status: "CONFIRMED" }]);
    expect(await bookings(winner)).toEqual([{ seatId: 2, status: "CONFIRMED" }]);
  });

  it("on a clash with the student's own booking, offers to move it instead of other seats", async () => {
    const user = userEvent.setup();
    const me = await newStudent("mover");
    await me.api.reservations.create.mutate({ seatId: 10, ...windowAt(14) });
    await openFinder(me, user, 14);
    expect(tile("ML-10").dataset.state).toBe("yours");

    const dialog = await openSeat(user, "ML-11");
    await user.click(within(dialog).getByRole("button", { name: "Book" }));

    await within(dialog).findByRole("heading", { name: "You already have a seat then" });
    // Every other seat would clash the same way: no "free nearby" list.
    expect(within(dialog).queryByRole("heading", { name: /Free nearby/ })).toBeNull();
    const move = await within(dialog).findByRole("button", { name: "Cancel ML-10 and book ML-11" });
    await user.click(move);

    await within(dialog).findByText(/This seat is yours/);
    await waitFor(() => expect(tile("ML-10").dataset.state).toBe("free"));
    expect(tile("ML-11").dataset.state).toBe("yours");
    expect(await bookings(me)).toEqual([{ seatId: 11, status: "CONFIRMED" }]);
  });

  it("sends an Idempotency-Key with the booking and, when the answer is lost, retries with it: booked once", async () => {
    const user = userEvent.setup();
    const me = await newStudent("retry");
    await openFinder(me, user, 16);
    const dialog = await openSeat(user, "ML-20");
    const requested = recordRequests(true);
    try {
      await user.click(within(dialog).getByRole("button", { name: "Book" }));
      await within(dialog).findByText(/This seat is yours/);
      // The first answer was lost; the retry carried the same key, and the server answered with
      // the reservation it had made instead of a clash with it.
      expect(requested.bookingKeys).toHaveLength(2);
      expect(requested.bookingKeys[0]).toMatch(/^[0-9a-f]{32}$/);
      expect(requested.bookingKeys[1]).toBe(requested.bookingKeys[0]);
    } finally {
      requested.stop();
    }
    expect(await bookings(me)).toEqual([{ seatId: 20, status: "CONFIRMED" }]);
  });
});
