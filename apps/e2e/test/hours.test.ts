import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ADMIN, DESKTOP, expectAxeClean, login, newPage, PHONE, screenshot } from "../src/browser";
import { useSuite } from "../src/suite";

const e2e = useSuite();

/** The next date (from tomorrow on) that is ISO weekday `weekday`, as yyyy-mm-dd (library time: UTC). */
function nextDate(weekday: number): string {
  const d = new Date();
  do d.setUTCDate(d.getUTCDate() + 1);
  while (((d.getUTCDay() + 6) % 7) + 1 !== weekday);
  return d.toISOString().slice(0, 10);
}

async function chooseWindow(page: Page, date: string, from: string, to: string): Promise<void> {
  await page.getByLabel("Date", { exact: true }).fill(date);
  await page.getByLabel("From", { exact: true }).fill(from);
  await page.getByLabel("To", { exact: true }).fill(to);
}

describe("opening hours and closures", () => {
  it.each([
    ["desktop", DESKTOP, "Science Library", "S2021001", "S2021002"],
    ["phone", PHONE, "Engineering Library", "S2021003", "S2021004"],
  ] as const)(
    "on %s: staff set the week and close a day; the finder shows the hours and offers no closed slot",
    async (label, viewport, branch, booker, finder) => {
      const closedDay = nextDate(3);
      const openDay = nextDate(4);
      // A booking on the day staff will close, made as a student would.
      const api = e2e.server.api(await e2e.server.tokenFor(booker));
      const seat = (await api.seats.list.query({ branch }))[0];
      if (!seat) throw new Error(`seed has no seat in ${branch}`);
      const booked = await api.reservations.create.mutate({
        seatId: seat.id,
        startTime: `${closedDay}T10:00:00.000Z`,
        endTime: `${closedDay}T11:00:00.000Z`,
      });

      const staff = await newPage(e2e.browser, e2e.server.url, viewport);
      await login(staff.page, ADMIN.studentId, ADMIN.password);
      await staff.page.getByRole("link", { name: "Staff", exact: true }).click();
      const editor = staff.page.getByRole("region", { name: "Opening hours and closures" });
      await editor.getByLabel("Library", { exact: true }).selectOption(branch);
      // Never set: the form starts from the usual week, Monday to Friday 08:00–20:00.
      await editor.getByLabel("Monday opens").waitFor();
      expect(await editor.getByLabel("Friday closes").inputValue()).toBe("20:00");
      expect(await editor.getByLabel("Sunday opens").count()).toBe(0);
      await expectAxeClean(staff.page);
      // A bad stretch is refused with the server's message and saves nothing.
      await editor.getByLabel("Monday closes").fill("07:00");
      await editor.getByRole("button", { name: "Save the week" }).click();
      await editor
        .getByRole("alert")
        .filter({ hasText: "closing time 07:00 must be after opening time 08:00" })
        .waitFor();
      await editor.getByLabel("Monday closes").fill("20:00");
      await editor.getByRole("button", { name: "Save the week" }).click();
      await editor
        .getByRole("status")
        .filter({ hasText: `Saved: ${branch} is open Mon–Fri 08:00–20:00` })
        .waitFor();

      await editor.getByLabel("Date to close").fill(closedDay);
      await editor.getByLabel("Reason (students are told)").fill("Fire drill");
      await editor.getByRole("button", { name: "Close this day" }).click();
      await editor
        .getByRole("status")
        .filter({ hasText: `${branch} is closed on ${closedDay}. 1 booking was cancelled` })
        .waitFor();
      await editor.getByRole("listitem").filter({ hasText: "Fire drill" }).waitFor();
      await expectAxeClean(staff.page);
      await editor.scrollIntoViewIfNeeded();
      await screenshot(staff.page, `staff-hours-${label}`, false);
      await staff.context.close();

      const mine = await api.reservations.mine.query();
      expect(mine.find((r) => r.id === booked.id)?.status).toBe("CANCELLED");
      const notes = await api.notifications.list.query();
      const note = notes.find(
        (n) => n.type === "RESERVATION_CANCELLED" && n.payload.reservationId === booked.id,
      );
      expect(String(note?.payload.reason)).toContain("Fire drill");

      const student = await newPage(e2e.browser, e2e.server.url, viewport);
      const { page } = student;
      await login(page, finder);
      // All branches listed: the closed ones are named, since their seats only show as busy.
      await chooseWindow(page, nextDate(7), "10:00", "11:00");
      await page
        .getByRole("listitem")
        .filter({ hasText: `${branch} is closed on Sun` })
        .waitFor();
      await expectAxeClean(page);
      await page.getByLabel("Branch").selectOption(branch);
      const hours = page.getByRole("region", { name: `${branch} hours` });
      await hours.getByText("Mon–Fri 08:00–20:00").waitFor();
      await hours.getByRole("listitem").filter({ hasText: "Fire drill" }).waitFor();
      // Sunday: closed, said in words, and no seat offered.
      await chooseWindow(page, nextDate(7), "10:00", "11:00");
      await page.getByText(`${branch} is closed on Sun`).waitFor();
      expect(await page.locator(".tile").count()).toBe(0);
      // Too early on a weekday: that day's hours.
      await chooseWindow(page, openDay, "07:00", "09:00");
      await page.getByText(`${branch} is open 08:00–20:00 on Thu`).waitFor();
      expect(await page.locator(".tile").count()).toBe(0);
      // The closed day: its reason.
      await chooseWindow(page, closedDay, "10:00", "11:00");
      await page.getByText("Fire drill.").first().waitFor();
      expect(await page.locator(".tile").count()).toBe(0);
      await expectAxeClean(page);
      await screenshot(page, `finder-closed-${label}`, false);
      // Inside the hours: seats again, free ones among them.
      await chooseWindow(page, openDay, "09:00", "11:00");
      await page.locator('.tile[data-state="free"]').first().waitFor();
      await expectAxeClean(page);
      await student.context.close();
    },
  );
});
