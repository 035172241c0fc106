import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeAll, describe, expect, it } from "vitest";
import { Timeline } from "../../src/features/finder/Timeline";
import { formatTime } from "../../src/lib/time";
import { newStudent, pageHeading, renderApp, type Student } from "./harness";

// A Science Library seat no other component test books.
const SEAT_ID = 21;

let me: Student;
let code: string;
let reservationId: number;

beforeAll(async () => {
  me = await newStudent("away");
  code = (await me.api.seats.label.query({ id: SEAT_ID })).code;
  // Scan to sit: a walk-up booking from now, checked in at once.
  const scanned = await me.api.reservations.scan.mutate({ seatCode: code });
  if (!scanned.reservation) throw new Error(`scan gave ${scanned.outcome}`);
  reservationId = scanned.reservation.id;
});

const card = () => screen.findByRole("listitem", { name: new RegExp(`^Seat ${code}\\b`) });

describe("an away break from My reservations", () => {
  it("steps away for the chosen minutes, counts down, and comes back", async () => {
    const user = userEvent.setup();
    renderApp(me, "/reservations");
    await pageHeading("My reservations");
    const el = await card();
    expect(within(el).getByText("2 of 2 breaks left")).toBeTruthy();
    const minutes = within(el).getByLabelText("Break") as HTMLSelectElement;
    // Every choice is within AWAY_MAX_MINUTES (30 by default), which is offered.
    const values = [...minutes.options].map((o) => Number(o.value));
    expect(Math.max(...values)).toBe(30);
    await user.selectOptions(minutes, "10");
    await user.click(within(el).getByRole("button", { name: "Step away" }));

    const back = await within(el).findByRole("button", { name: "I'm back" });
    expect(within(el).getByText("Away")).toBeTruthy();
    expect(el.querySelector(".countdown")?.textContent).toMatch(
      /^On a break until .+ — (9|10):\d\d left to come back$/,
    );
    const away = await me.api.reservations.get.query({ id: reservationId });
    expect(away).toMatchObject({ status: "AWAY", awayBreaks: 1 });
    const until = Date.parse(away.awayUntil ?? "");
    expect(until - Date.now()).toBeGreaterThan(9 * 60_000);
    expect(until - Date.now()).toBeLessThanOrEqual(10 * 60_000);

    await user.click(back);
    await within(el).findByRole("button", { name: "Step away" });
    expect(within(el).getByText("1 of 2 breaks left")).toBeTruthy();
    expect((await me.api.reservations.get.query({ id: reservationId })).status).toBe("CHECKED_IN");
  });
});

describe("the seat dialog's timeline", () => {
  it("shows an away holder's booking as taken, with when the break ends, from seats.get", async () => {
    const other = await newStudent("away-viewer");
    const away = await me.api.reservations.away.mutate({ id: reservationId, minutes: 5 });
    const seat = await other.api.seats.get.query({ id: SEAT_ID });
    expect(seat.available).toBe(false);
    const { container } = render(
      <Timeline
        dayStart={new Date(seat.day.from)}
        dayEnd={new Date(seat.day.to)}
        busy={seat.busy}
        window={null}
      />,
    );
    const items = [...container.querySelectorAll(".busy-list li")].map((li) => li.textContent ?? "");
    expect(items.some((t) => t.includes("(booked)") && t.includes("on a break until"))).toBe(true);
    expect(items.join(" ")).toContain(`on a break until ${formatTime(away.awayUntil ?? "")}`);
    await me.api.reservations.back.mutate({ id: reservationId });
  });
});
