import { describe, expect, it } from "vitest";
import { ADMIN, DESKTOP, expectAxeClean, login, newPage, PHONE, screenshot } from "../src/browser";
import { useSuite } from "../src/suite";

const e2e = useSuite();

/** Tomorrow (UTC, the test library's zone) as a date input's value, and the hour's slot. */
function tomorrow(hour: number) {
  const d = new Date(Date.now() + 24 * 3_600_000);
  d.setUTCHours(hour, 0, 0, 0);
  return { date: d.toISOString().slice(0, 10), from: `${hour}:00`.padStart(5, "0"), start: d };
}

describe("staff desk and reservation history", () => {
  it.each([
    ["desktop", DESKTOP, "Ivy", "Ivy Chen", "S2021009", 14, 9],
    ["phone", PHONE, "S2021010", "Jack Wilson", "S2021010", 15, 10],
  ] as const)(
    "on %s: find a student, book for them, cancel with a reason; both sides see the history",
    async (label, viewport, query, name, studentId, seatId, hour) => {
      const slot = tomorrow(hour);
      const { context, page } = await newPage(e2e.browser, e2e.server.url, viewport);
      await login(page, ADMIN.studentId, ADMIN.password);
      await page.getByRole("link", { name: "Staff", exact: true }).click();
      const desk = page.getByRole("region", { name: "Desk: book for a student" });
      await desk.getByLabel("Search students by id or name").fill(query);
      await desk.getByRole("button", { name: "Find student" }).click();
      await desk.getByRole("button", { name: `Open ${name} (${studentId})` }).click();
      const panel = desk.getByRole("region", { name: `${name} (${studentId})` });
      await panel.getByText(`${name} has no reservations.`).waitFor();
      await expectAxeClean(page);

      const form = panel.getByRole("form", { name: `Book for ${name}` });
      await form.getByLabel("Seat to book").selectOption(String(seatId));
      await form.getByLabel("Date").fill(slot.date);
      await form.getByLabel(/^From/).fill(slot.from);
      await form.getByLabel(/^To/).fill(`${String(hour + 1).padStart(2, "0")}:00`);
      await form.getByRole("button", { name: `Book for ${name}` }).click();
      const card = panel.locator(".staff-reservation").first();
      await card.getByText("Confirmed").waitFor();
      await expectAxeClean(page);
      await screenshot(page, `staff-desk-${label}`, false);

      // A second booking at the same time is the student's own overlap: refused, said in the form.
      await form.getByRole("button", { name: `Book for ${name}` }).click();
      await form
        .getByRole("alert")
        .filter({ hasText: `${name} (${studentId}): You already have` })
        .waitFor();

      await card.getByRole("button", { name: "Cancel booking" }).click();
      await card.getByLabel("Reason for cancelling").fill("Room closed for an exam");
      await card.getByRole("button", { name: "Confirm cancellation" }).click();
      await card.getByText("Cancelled").first().waitFor();
      await card.getByRole("button", { name: "History" }).click();
      const history = card.getByRole("list", { name: /^History of reservation/ });
      await history.getByText("Cancelled by library staff").waitFor();
      expect(await history.getByRole("listitem").allTextContents()).toEqual([
        expect.stringContaining("Booked by library staff"),
        expect.stringMatching(/Cancelled by library staff.*\(staff\).*Reason: Room closed for an exam/),
      ]);
      await expectAxeClean(page);
      await context.close();

      // The student was told, and sees the same history on their own card.
      const api = e2e.server.api(await e2e.server.tokenFor(studentId));
      const notes = await api.notifications.list.query();
      expect(notes.map((n) => n.type)).toEqual(
        expect.arrayContaining(["RESERVATION_BOOKED", "RESERVATION_CANCELLED"]),
      );
      const student = await newPage(e2e.browser, e2e.server.url, viewport);
      await login(student.page, studentId);
      await student.page.goto("/reservations");
      const own = student.page.locator(".card.reservation").first();
      await own.getByRole("button", { name: "History" }).click();
      await own.getByText("Cancelled by library staff").waitFor();
      await own.getByText("Reason: Room closed for an exam").waitFor();
      await expectAxeClean(student.page);
      await student.context.close();
    },
  );

  it("a student cannot open the desk", async () => {
    const { context, page } = await newPage(e2e.browser, e2e.server.url, PHONE);
    await login(page, "S2021001");
    await page.goto("/staff");
    await page.getByRole("heading", { name: "Staff only" }).waitFor();
    expect(await page.getByRole("region", { name: "Desk: book for a student" }).count()).toBe(0);
    await context.close();
  });
});
