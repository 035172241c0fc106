import { describe, expect, it } from "vitest";
import { finderWindow, login, newPage, waitForLiveSeats } from "../src/browser";
import { useSuite } from "../src/suite";

const e2e = useSuite();

describe("acceptance 2: live seat map", () => {
  it("a second browser context watching Main Library sees a seat turn busy without reloading", async () => {
    const watcher = await newPage(e2e.browser, e2e.server.url);
    const booker = await newPage(e2e.browser, e2e.server.url);
    await login(watcher.page, "S2021001");
    await login(booker.page, "S2021002");
    for (const { page } of [watcher, booker]) {
      await page.getByLabel("Branch").selectOption("Main Library");
    }
    await watcher.page.locator('.tile[data-seat-id="3"][data-state="free"]').waitFor();
    await waitForLiveSeats(watcher.page);
    // Marks the document: a reload would drop it, so its survival proves no reload happened.
    await watcher.page.evaluate(() => {
      document.body.dataset.noReload = "yes";
    });

    await booker.page.locator('.tile[data-seat-id="3"]').click();
    await booker.page
      .getByRole("dialog", { name: "Seat ML-03" })
      .getByRole("button", { name: "Book", exact: true })
      .click();
    await booker.page.getByRole("dialog").getByText("This seat is yours").waitFor();

    await watcher.page.locator('.tile[data-seat-id="3"][data-state="busy"]').waitFor();
    expect(await watcher.page.evaluate(() => document.body.dataset.noReload)).toBe("yes");
    await watcher.context.close();
    await booker.context.close();
  });
});

describe("acceptance 4: waitlist offer, live", () => {
  it("joins the waitlist of a busy seat, gets the offer live when the holder cancels, and claims it", async () => {
    const { context, page } = await newPage(e2e.browser, e2e.server.url);
    await login(page, "S2021004");
    await page.getByLabel("Branch").selectOption("Main Library");
    await waitForLiveSeats(page);
    await page.locator("[data-notifications-live=pending]").waitFor({ state: "attached" });

    const holder = e2e.server.api(await e2e.server.tokenFor("S2021003"));
    const window = await finderWindow(page);
    const booking = await holder.reservations.create.mutate({ seatId: 4, ...window });
    const tile = page.locator('.tile[data-seat-id="4"][data-state="busy"]');
    await tile.waitFor();
    await tile.click();
    const dialog = page.getByRole("dialog", { name: "Seat ML-04" });
    await dialog.getByRole("button", { name: "Join waitlist" }).click();
    await dialog.getByRole("button", { name: "On the waitlist" }).waitFor();
    await page.keyboard.press("Escape");

    await page.getByRole("link", { name: "Waitlist" }).click();
    await page
      .locator(".card", { hasText: "Seat ML-04" })
      .locator(".badge", { hasText: "Waiting" })
      .waitFor();

    await holder.reservations.cancel.mutate({ id: booking.id });

    const banner = page.getByRole("region", { name: "Seat ML-04 is free for you" });
    await banner.waitFor();
    // The live notification also pops up as a toast.
    await page.locator("[data-sonner-toast]", { hasText: "A seat from your waitlist is free" }).waitFor();
    expect(await banner.locator(".countdown").textContent()).toMatch(/left$/);
    await banner.getByRole("button", { name: "Claim" }).click();
    await banner.waitFor({ state: "detached" });

    await page.getByRole("link", { name: "My reservations" }).click();
    const card = page.locator(".reservation", { hasText: "Seat ML-04" });
    await card.locator(".badge", { hasText: "Confirmed" }).waitFor();
    // The bell counts the unread offer notification; reading it clears the count.
    const bell = page.getByRole("link", { name: /^Notifications, 1 unread$/ });
    await bell.waitFor();
    await bell.click();
    const item = page.locator(".notification", { hasText: "A seat from your waitlist is free" });
    await item.waitFor();
    await item.getByRole("button", { name: "Mark read" }).click();
    await page.getByRole("link", { name: "Notifications", exact: true }).waitFor();

    // Resuming: with the page closed, a second offer arrives; reopening replays it from the
    // remembered last event id (a fresh subscription without one would not show it as a toast).
    const later = {
      startTime: new Date(Date.parse(window.startTime) + 2 * 3600_000).toISOString(),
      endTime: new Date(Date.parse(window.endTime) + 2 * 3600_000).toISOString(),
    };
    const me = e2e.server.api(await e2e.server.tokenFor("S2021004"));
    const second = await holder.reservations.create.mutate({ seatId: 6, ...later });
    await me.waitlist.join.mutate({ seatId: 6, desiredStart: later.startTime, desiredEnd: later.endTime });
    await page.goto("about:blank");
    await holder.reservations.cancel.mutate({ id: second.id });
    await page.goto(`${e2e.server.url}/notifications`);
    await page.locator("[data-sonner-toast]", { hasText: "A seat from your waitlist is free" }).waitFor();
    await page.getByRole("region", { name: "Seat ML-06 is free for you" }).waitFor();
    await context.close();
  });
});
