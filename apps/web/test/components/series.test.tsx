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

// This file's day: two days ahead (its weeks fall on days 9 and 16, which no other file uses),
// on Engineering Library seats EL-11…EL-13 (ids 48–50).
const DAY = 2;
const WEEK_MS = 7 * 24 * 3_600_000;
const windowAt = (hour: number, week = 0) => ({
  startTime: new Date(dayAt(DAY, hour).getTime() + week * WEEK_MS).toISOString(),
  endTime: new Date(dayAt(DAY, hour + 1).getTime() + week * WEEK_MS).toISOString(),
});

async function openFinder(who: Student, user: UserEvent, hour: number) {
  renderApp(who);
  await pageHeading("Find a seat");
  fireEvent.change(screen.getByLabelText("Date"), { target: { value: dateField(dayAt(DAY, hour)) } });
  fireEvent.change(screen.getByLabelText("From"), { target: { value: timeField(dayAt(DAY, hour)) } });
  fireEvent.change(screen.getByLabelText("To"), { target: { value: timeField(dayAt(DAY, hour + 1)) } });
  await choose(user, "Branch", "Engineering Library");
  await screen.findByText("13 seats shown");
}

async function openSeat(user: UserEvent, code: string) {
  await user.click(screen.getByRole("button", { name: new RegExp(`^${code}\\b`) }));
  return screen.findByRole("dialog", { name: `Seat ${code}` });
}

async function repeatWeekly(user: UserEvent, dialog: HTMLElement, weeks: number) {
  await user.click(within(dialog).getByRole("checkbox", { name: "Repeat weekly" }));
  const field = within(dialog).getByRole("spinbutton", { name: "Number of weeks" }) as HTMLInputElement;
  expect(field.max).toBe("8");
  fireEvent.change(field, { target: { value: String(weeks) } });
}

async function active(who: Student) {
  const mine = await who.api.reservations.mine.query({ upcomingOnly: true });
  return mine.map((r) => ({ seatId: r.seatId, startTime: r.startTime, seriesId: r.seriesId }));
}

describe("Repeat weekly in the booking dialog", () => {
  it("books the window every week as one series", async () => {
    const user = userEvent.setup();
    const me = await newStudent("series-book");
    await openFinder(me, user, 15);
    const dialog = await openSeat(user, "EL-11");
    await repeatWeekly(user, dialog, 3);
    await user.click(within(dialog).getByRole("button", { name: "Book 3 weeks" }));

    await within(dialog).findByText(/This seat is yours/);
    const mine = await active(me);
    expect(mine.map((r) => r.startTime)).toEqual([0, 1, 2].map((week) => windowAt(15, week).startTime));
    expect(new Set(mine.map((r) => r.seriesId)).size).toBe(1);
    expect(mine[0]?.seriesId).not.toBeNull();
  });

  it("a taken week refuses the whole series, naming that week's date, and books nothing", async () => {
    const user = userEvent.setup();
    const me = await newStudent("series-lost");
    const other = await newStudent("series-other");
    await other.api.reservations.create.mutate({ seatId: 49, ...windowAt(16, 1) });
    await openFinder(me, user, 16);
    const dialog = await openSeat(user, "EL-12");
    await repeatWeekly(user, dialog, 3);
    await user.click(within(dialog).getByRole("button", { name: "Book 3 weeks" }));

    const alert = await within(dialog).findByRole("alert");
    await waitFor(() => expect(alert.textContent).toContain("Not booked."));
    expect(alert.textContent).toContain(`Week 2 of the series (${windowAt(16, 1).startTime.slice(0, 10)})`);
    expect(await active(me)).toEqual([]);
  });
});

describe("a series in My reservations", () => {
  it("is one group with its dates, each week cancellable alone, and the rest with Cancel series", async () => {
    const user = userEvent.setup();
    const me = await newStudent("series-group");
    const { seriesId } = await me.api.reservations.createSeries.mutate({
      seatId: 50,
      ...windowAt(18),
      weeks: 3,
    });
    await me.api.reservations.create.mutate({ seatId: 50, ...windowAt(20) });
    renderApp(me, "/reservations");
    await pageHeading("My reservations");

    const group = await screen.findByRole("region", { name: "Weekly series · seat EL-13" });
    const weeks = () =>
      within(within(group).getByRole("list", { name: "Weeks of this series" })).getAllByRole("listitem");
    expect(weeks()).toHaveLength(3);
    // The single booking is its own card, outside the group.
    const single = screen
      .getAllByRole("listitem", { name: /^Seat EL-13\b/ })
      .filter((li) => !group.contains(li));
    expect(single).toHaveLength(1);

    // One week alone: its own Cancel.
    const second = weeks()[1] as HTMLElement;
    await user.click(within(second).getByRole("button", { name: "Cancel" }));
    await user.click(within(second).getByRole("button", { name: "Yes, cancel it" }));
    await waitFor(() => expect(weeks()).toHaveLength(2));
    const afterOne = await me.api.reservations.mine.query({});
    expect(
      afterOne
        .filter((r) => r.seriesId === seriesId)
        .map((r) => r.status)
        .sort(),
    ).toEqual(["CANCELLED", "CONFIRMED", "CONFIRMED"]);

    // The rest together.
    await user.click(within(group).getByRole("button", { name: "Cancel series" }));
    await user.click(within(group).getByRole("button", { name: "Yes, cancel it" }));
    await waitFor(() =>
      expect(screen.queryByRole("region", { name: "Weekly series · seat EL-13" })).toBeNull(),
    );
    const afterAll = await me.api.reservations.mine.query({ upcomingOnly: true });
    expect(afterAll.map((r) => r.seriesId)).toEqual([null]);
  });
});
