import { describe, expect, it } from "vitest";
import { expectAxeClean, finderWindow, login, newPage, PHONE } from "../src/browser";
import { PASSWORD } from "../src/server";
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

describe("issue 22: suggestions from the conflict answer", () => {
  it("on a phone, names the branch and area of free seats elsewhere; axe-clean, no sideways scroll", async () => {
    const { context, page } = await newPage(e2e.browser, e2e.server.url, PHONE);
    await context.routeWebSocket(/\/trpc/, () => {});
    const anonymous = e2e.server.api();
    const register = async (i: number) => {
      const studentId = `E2ESG${String(i).padStart(3, "0")}`;
      const { token } = await anonymous.auth.register.mutate({
        studentId,
        password: PASSWORD,
        name: `Sugg ${i}`,
      });
      return { studentId, api: e2e.server.api(token) };
    };
    const me = await register(0);
    await login(page, me.studentId);
    await page.getByLabel("Branch").selectOption("Science Library");
    const tile = page.locator('.tile[data-seat-id="36"][data-state="free"]');
    await tile.click();
    const dialog = page.getByRole("dialog", { name: "Seat SL-11" });
    await dialog.waitFor();

    // Meanwhile every Science Library seat is taken for the window, the asked one (36) last.
    const window = await finderWindow(page);
    const seatIds = [26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 37, 36];
    for (const [i, seatId] of seatIds.entries()) {
      await (await register(i + 1)).api.reservations.create.mutate({ seatId, ...window });
    }

    await dialog.getByRole("button", { name: "Book", exact: true }).click();
    const nearby = dialog.getByRole("heading", { name: "Free nearby", exact: true });
    await nearby.waitFor();
    // The Engineering Library comes first of the other branches (name order); its seats have power, like SL-11.
    const first = dialog.locator(".suggestions li").first();
    expect(await first.textContent()).toMatch(/^EL-01Engineering Library · Computer Lab/);
    expect(await dialog.locator(".suggestions li").count()).toBe(5);
    await expectAxeClean(page);
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
