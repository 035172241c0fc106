import { describe, expect, it } from "vitest";
import { finderWindow, login, newPage } from "../src/browser";
import { useSuite } from "../src/suite";
import { nextQuarter, plusMinutes } from "../src/time";

const e2e = useSuite();

describe("acceptance 3: conflict", () => {
  it("explains a conflict, suggests a free seat in the same area, and books the suggestion", async () => {
    const { context, page } = await newPage(e2e.browser, e2e.server.url);
    // Live updates off (the socket goes nowhere): the map stays as it was, like a page whose live
    // channel dropped, so the seat still offers Book when someone else has just taken it. With
    // them on, the seat turns busy and offers only the waitlist (student-defects.test.ts).
    await context.routeWebSocket(/\/trpc/, () => {});
    await login(page, "S2021005");
    await page.getByLabel("Branch").selectOption("Main Library");
    await page.locator('.tile[data-seat-id="1"][data-state="free"]').click();
    const dialog = page.getByRole("dialog", { name: "Seat ML-01" });
    await dialog.waitFor();

    // Someone else takes the seat while the dialog is open.
    const other = e2e.server.api(await e2e.server.tokenFor("S2021006"));
    await other.reservations.create.mutate({ seatId: 1, ...(await finderWindow(page)) });

    await dialog.getByRole("button", { name: "Book", exact: true }).click();
    const alert = dialog.locator(".conflict");
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/already booked/i);

    const suggestion = dialog.getByRole("button", { name: /^Book ML-\d\d$/ }).first();
    await suggestion.waitFor();
    const label = (await suggestion.textContent()) ?? "";
    const code = label.replace("Book ", "");
    await suggestion.click();
    await page
      .getByRole("dialog", { name: `Seat ${code}` })
      .getByText("This seat is yours")
      .waitFor();

    await page.keyboard.press("Escape");
    await page.getByRole("link", { name: "My reservations" }).click();
    await page.locator(".reservation", { hasText: `Seat ${code}` }).waitFor();
    await context.close();
  });
});

describe("acceptance 5: check-in window", () => {
  it("enables Check in inside the window and disables it outside; check in, leave, calendar file", async () => {
    const start = nextQuarter();
    const me = e2e.server.api(await e2e.server.tokenFor("S2021007"));
    // Starts within 15 minutes: check-in is open. The other starts in 3 hours: closed.
    await me.reservations.create.mutate({
      seatId: 10,
      startTime: start.toISOString(),
      endTime: plusMinutes(start, 60).toISOString(),
    });
    await me.reservations.create.mutate({
      seatId: 11,
      startTime: plusMinutes(start, 180).toISOString(),
      endTime: plusMinutes(start, 240).toISOString(),
    });

    const { context, page } = await newPage(e2e.browser, e2e.server.url);
    await login(page, "S2021007");
    await page.getByRole("link", { name: "My reservations" }).click();
    const now = page.locator(".reservation", { hasText: "Seat ML-10" });
    const later = page.locator(".reservation", { hasText: "Seat ML-11" });
    await now.waitFor();
    await later.waitFor();

    expect(await later.getByRole("button", { name: "Check in" }).isDisabled()).toBe(true);
    expect(await later.locator(".countdown").textContent()).toMatch(/Check-in opens in/);
    const checkIn = now.getByRole("button", { name: "Check in" });
    expect(await checkIn.isEnabled()).toBe(true);
    expect(await now.locator(".countdown").textContent()).toMatch(/closes in/);

    const download = page.waitForEvent("download");
    await later.getByRole("button", { name: "Add to calendar" }).click();
    expect((await download).suggestedFilename()).toMatch(/\.ics$/);

    await checkIn.click();
    await now.locator(".badge", { hasText: "Checked in" }).waitFor();
    await now.getByRole("button", { name: "I'm leaving" }).click();
    const past = page.locator("section", { has: page.getByRole("heading", { name: "Past" }) });
    await past
      .locator(".reservation", { hasText: "Seat ML-10" })
      .locator(".badge", { hasText: "Completed" })
      .waitFor();

    await later.getByRole("button", { name: "Cancel", exact: true }).click();
    await later.getByRole("button", { name: "Yes, cancel it" }).click();
    await past
      .locator(".reservation", { hasText: "Seat ML-11" })
      .locator(".badge", { hasText: "Cancelled" })
      .waitFor();
    await context.close();
  });
});
