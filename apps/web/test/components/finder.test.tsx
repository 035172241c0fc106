import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeAll, describe, expect, it } from "vitest";
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

// This file's day: three days ahead, 10:00–11:00 UTC (no other component test books then).
const START = dayAt(3, 10);
const END = dayAt(3, 11);

/** The tiles on the map: code and state ("free", "busy", "yours", "maintenance"). */
function tiles() {
  return [...document.querySelectorAll<HTMLElement>(".seat-map [data-seat-id]")].map((b) => ({
    code: b.querySelector(".code")?.textContent ?? "",
    state: b.dataset.state ?? "",
  }));
}

const codes = () => tiles().map((t) => t.code);

async function shown(n: number) {
  await waitFor(() => expect(screen.getByText(`${n} seats shown`)).toBeTruthy());
}

function setWindow(date: string, from: string, to: string) {
  fireEvent.change(screen.getByLabelText("Date"), { target: { value: date } });
  fireEvent.change(screen.getByLabelText("From"), { target: { value: from } });
  fireEvent.change(screen.getByLabelText("To"), { target: { value: to } });
}

let me: Student;

beforeAll(async () => {
  me = await newStudent("finder");
  const other = await newStudent("finder-other");
  const window = { startTime: START.toISOString(), endTime: END.toISOString() };
  // SL-01 (seat 26) is someone else's for the window, SL-02 (seat 27) is this student's.
  await other.api.reservations.create.mutate({ seatId: 26, ...window });
  await me.api.reservations.create.mutate({ seatId: 27, ...window });
  // ML-25 is taken just after midnight that night.
  await other.api.reservations.create.mutate({
    seatId: 25,
    startTime: dayAt(4, 0).toISOString(),
    endTime: dayAt(4, 0, 45).toISOString(),
  });
});

describe("finder", () => {
  it("narrows the listed seats by branch, area, power, monitor and free-only", async () => {
    const user = userEvent.setup();
    renderApp(me);
    await pageHeading("Find a seat");
    setWindow(dateField(START), timeField(START), timeField(END));
    await shown(50);

    await choose(user, "Branch", "Main Library");
    await shown(25);
    expect(codes().every((c) => c.startsWith("ML-"))).toBe(true);
    // The area list is the branch's own areas.
    const area = screen.getByLabelText("Area") as HTMLSelectElement;
    expect([...area.options].map((o) => o.value)).toEqual(["", "Silent Study Zone", "Group Study Zone"]);

    await choose(user, "Area", "Group Study Zone");
    await shown(10);
    await user.click(screen.getByLabelText("Power outlet"));
    await shown(8);
    expect(codes()).not.toContain("ML-07"); // seat 22 has no outlet
    await user.click(screen.getByLabelText("Monitor"));
    await shown(4);
    expect(codes()).toEqual(["ML-16", "ML-17", "ML-18", "ML-21"]);

    // A new branch resets the area (areas belong to one branch) but keeps power and monitor.
    await choose(user, "Branch", "Science Library");
    await shown(5);
    expect((screen.getByLabelText("Area") as HTMLSelectElement).value).toBe("");
    expect(tiles()).toEqual([
      { code: "SL-01", state: "busy" },
      { code: "SL-02", state: "yours" },
      { code: "SL-03", state: "free" },
      { code: "SL-04", state: "free" },
      { code: "SL-10", state: "free" },
    ]);
    await user.click(screen.getByLabelText("Free only"));
    await shown(3);
    expect(codes()).toEqual(["SL-03", "SL-04", "SL-10"]);
  });

  it("keeps the window and filters across a trip to My reservations", async () => {
    const user = userEvent.setup();
    renderApp(me);
    await pageHeading("Find a seat");
    setWindow(dateField(START), timeField(START), timeField(END));
    await choose(user, "Branch", "Science Library");
    await user.click(screen.getByLabelText("Monitor"));
    await shown(5);

    const nav = screen.getByRole("navigation", { name: "Main" });
    await user.click(within(nav).getByRole("link", { name: "My reservations" }));
    await pageHeading("My reservations");
    await user.click(within(nav).getByRole("link", { name: "Find a seat" }));
    await pageHeading("Find a seat");

    expect((screen.getByLabelText("Branch") as HTMLSelectElement).value).toBe("Science Library");
    expect((screen.getByLabelText("Monitor") as HTMLInputElement).checked).toBe(true);
    expect((screen.getByLabelText("From") as HTMLInputElement).value).toBe(timeField(START));
    await shown(5);
  });

  it.each([
    [
      "ends before it starts",
      3,
      "11:00",
      "10:00",
      "The end time is before the start time. Choose a later end.",
    ],
    ["is too long", 3, "09:00", "14:00", "A reservation can last at most 4 hours. Choose a shorter window."],
    ["is too short", 3, "10:00", "10:10", "A reservation must last at least 15 minutes."],
    ["is in the past", -1, "10:00", "11:00", "That start time is in the past. Choose a later time."],
    ["is too far ahead", 20, "10:00", "11:00", "You can book at most 14 days ahead. Choose an earlier date."],
  ])("shows no seats for a window that %s, and says why", async (_, days, from, to, problem) => {
    renderApp(me);
    await pageHeading("Find a seat");
    setWindow(dateField(START), timeField(START), timeField(END));
    await shown(50);

    setWindow(dateField(dayAt(days, 12)), from, to);
    expect((await screen.findByRole("alert")).textContent).toBe(problem);
    expect(screen.getByText(/No seats shown: this window cannot be booked/)).toBeTruthy();
    expect(tiles()).toEqual([]);

    // Fixing the window brings the map back.
    setWindow(dateField(START), timeField(START), timeField(END));
    await shown(50);
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("reads a 'to' before 'from' as past midnight when the stay fits the longest allowed", async () => {
    renderApp(me);
    await pageHeading("Find a seat");
    setWindow(dateField(START), "22:00", "01:00");
    await shown(50);
    expect(screen.queryByRole("alert")).toBeNull();
    // ML-25, booked from midnight on, is busy: the window runs into the next day.
    expect(tiles().find((t) => t.code === "ML-25")?.state).toBe("busy");
    expect(tiles().filter((t) => t.state === "busy")).toHaveLength(1);
  });
});
