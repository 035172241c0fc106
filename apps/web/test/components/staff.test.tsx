import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { choose, dayAt, newStudent, pageHeading, renderApp, type Student, staff } from "./harness";

// This file's day: seven days ahead, on Engineering Library seats no other file uses.
const at = (hour: number) => ({
  startTime: dayAt(7, hour).toISOString(),
  endTime: dayAt(7, hour + 1).toISOString(),
});
const CLOSED_SEAT = { id: 47, code: "EL-10" };
const CANCEL_SEAT = { id: 48, code: "EL-11" };

/** A datetime-local field's value for an instant, in the page's own zone (as the browser shows it). */
function localField(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

async function reservation(who: Student, id: number) {
  const mine = await who.api.reservations.mine.query({});
  const found = mine.find((r) => r.id === id);
  if (!found) throw new Error(`reservation ${id} not found`);
  return found;
}

/** A staff section by its heading: other sections may come and go around it. */
const section = (name: string) => screen.findByRole("region", { name });

describe("staff page", () => {
  it("is closed to students, who get no link to it", async () => {
    const student = await newStudent("nonstaff");
    renderApp(student, "/staff");
    await pageHeading("Staff only");
    const nav = screen.getByRole("navigation", { name: "Main" });
    expect(within(nav).queryByRole("link", { name: "Staff" })).toBeNull();
    expect(screen.queryByRole("region", { name: "Seat maintenance" })).toBeNull();
    expect(screen.queryByRole("region", { name: "All reservations" })).toBeNull();
  });

  it("is open to staff, linked from the menu", async () => {
    renderApp(await staff(), "/staff");
    await pageHeading("Staff");
    const nav = screen.getByRole("navigation", { name: "Main" });
    expect(within(nav).getByRole("link", { name: "Staff" }).getAttribute("aria-current")).toBe("page");
    await section("Seat maintenance");
    await section("All reservations");
  });

  it("closes a seat after a preview of the bookings it cancels, and re-asks when they change", async () => {
    const user = userEvent.setup();
    const first = await newStudent("closed-1");
    const second = await newStudent("closed-2");
    const bystander = await newStudent("closed-by");
    const firstBooking = await first.api.reservations.create.mutate({ seatId: CLOSED_SEAT.id, ...at(10) });
    // A booking on another seat is none of this closure's business.
    const other = await bystander.api.reservations.create.mutate({ seatId: CANCEL_SEAT.id, ...at(10) });

    renderApp(await staff(), "/staff");
    const region = await section("Seat maintenance");
    await choose(user, "Branch", "Engineering Library", region);
    await choose(user, "Seat", String(CLOSED_SEAT.id), region);
    await user.click(within(region).getByRole("button", { name: "Close for maintenance" }));

    const form = await within(region).findByRole("form", { name: `Close seat ${CLOSED_SEAT.code}` });
    const preview = form.querySelector(".maintenance-preview") as HTMLElement;
    await waitFor(() => expect(preview.textContent).toMatch(/^1 booking will be cancelled:/));
    expect(
      within(preview)
        .getAllByRole("listitem")
        .map((li) => li.textContent),
    ).toEqual([expect.stringContaining(`${first.user.name} (${first.user.studentId}), `)]);
    expect(within(form).getByRole("button", { name: "Close and cancel 1 booking" })).toBeTruthy();

    // Closed only until before the booking starts: nothing would be cancelled.
    await user.type(within(form).getByLabelText("Reason for closing"), "Broken chair");
    const until = within(form).getByLabelText("Closed until");
    fireEvent.change(until, { target: { value: localField(dayAt(7, 9)) } });
    await waitFor(() => expect(preview.textContent).toBe("No bookings will be cancelled."));
    expect(within(form).getByRole("button", { name: "Close seat" })).toBeTruthy();
    fireEvent.change(until, { target: { value: "" } });
    const confirm = await within(form).findByRole("button", { name: "Close and cancel 1 booking" });
    await waitFor(() => expect((confirm as HTMLButtonElement).disabled).toBe(false));

    // A second booking arrives after the preview: the confirmation no longer matches.
    const secondBooking = await second.api.reservations.create.mutate({ seatId: CLOSED_SEAT.id, ...at(12) });
    await user.click(confirm);
    const refused = await within(form).findByText(/changed since the preview/);
    expect(refused.getAttribute("role")).toBe("alert");
    expect((await reservation(first, firstBooking.id)).status).toBe("CONFIRMED");
    await waitFor(() => expect(preview.textContent).toMatch(/^2 bookings will be cancelled:/));

    await user.click(await within(form).findByRole("button", { name: "Close and cancel 2 bookings" }));
    await within(region).findByText(
      `Seat ${CLOSED_SEAT.code} is closed for maintenance. 2 bookings cancelled.`,
      undefined,
    );
    for (const [who, id] of [
      [first, firstBooking.id],
      [second, secondBooking.id],
    ] as const) {
      const r = await reservation(who, id);
      expect(r.status).toBe("CANCELLED");
      expect(r.cancelReason).toContain("Broken chair");
    }
    expect((await reservation(bystander, other.id)).status).toBe("CONFIRMED");

    // The seat now reads as closed, with its reason, and reopens.
    await within(region).findByText("Closed for maintenance until reopened: Broken chair");
    expect(
      within(region).getByRole("option", { name: `${CLOSED_SEAT.code} (closed for maintenance)` }),
    ).toBeTruthy();
    await user.click(within(region).getByRole("button", { name: "Reopen" }));
    await within(region).findByText(`Seat ${CLOSED_SEAT.code} is open again.`);
    const seat = await first.api.seats.get.query({ id: CLOSED_SEAT.id });
    expect(seat.status).toBe("ACTIVE");
  });

  it("cancels a student's booking with a reason, after a change of mind", async () => {
    const user = userEvent.setup();
    const student = await newStudent("cancelled");
    const booking = await student.api.reservations.create.mutate({ seatId: CANCEL_SEAT.id, ...at(14) });

    renderApp(await staff(), "/staff");
    const region = await section("All reservations");
    await user.type(within(region).getByLabelText("Student ID"), student.user.studentId);
    await user.click(within(region).getByRole("button", { name: "Apply filters" }));
    // Only this student's booking is listed once the filter applies.
    const card = await waitFor(() => {
      const listed = [...region.querySelectorAll<HTMLElement>("[data-reservation-id]")];
      expect(listed.map((el) => el.dataset.reservationId)).toEqual([String(booking.id)]);
      return listed[0] as HTMLElement;
    });

    // "Keep booking" backs out without cancelling anything.
    await user.click(within(card).getByRole("button", { name: "Cancel booking" }));
    await user.click(within(card).getByRole("button", { name: "Keep booking" }));
    expect((await reservation(student, booking.id)).status).toBe("CONFIRMED");

    await user.click(within(card).getByRole("button", { name: "Cancel booking" }));
    const reason = within(card).getByLabelText("Reason for cancelling");
    expect(document.activeElement).toBe(reason);
    await user.type(reason, "Exam hall setup");
    await user.click(within(card).getByRole("button", { name: "Confirm cancellation" }));

    await waitFor(() => expect(within(card).getByText("Cancelled")).toBeTruthy());
    expect(within(card).queryByRole("button", { name: "Cancel booking" })).toBeNull();
    const r = await reservation(student, booking.id);
    expect(r.status).toBe("CANCELLED");
    expect(r.cancelReason).toBe("Exam hall setup");
  });
});
