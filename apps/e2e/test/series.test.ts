import { describe, expect, it } from "vitest";
import { expectAxeClean, finderWindow, login, newPage, PHONE } from "../src/browser";
import { useSuite } from "../src/suite";

const e2e = useSuite();

const WEEK_MS = 7 * 24 * 3_600_000;

describe("issue 22: a weekly series on a phone (390 px), axe-clean", () => {
  it("books 3 weeks from the booking dialog, shows them as one group, cancels a week alone and then the series", async () => {
    const { context, page } = await newPage(e2e.browser, e2e.server.url, PHONE);
    await login(page, "S2021005");
    await page.getByLabel("Branch").selectOption("Science Library");
    const window = await finderWindow(page);

    const tile = page.locator('.tile[data-state="free"]').first();
    await tile.waitFor();
    const seatCode = (await tile.locator(".code").textContent()) ?? "";
    await tile.click();
    const dialog = page.getByRole("dialog", { name: `Seat ${seatCode}` });
    await dialog.waitFor();
    await dialog.getByRole("checkbox", { name: "Repeat weekly" }).check();
    await dialog.getByRole("spinbutton", { name: "Number of weeks" }).fill("3");
    await expectAxeClean(page);
    await dialog.getByRole("button", { name: "Book 3 weeks" }).click();
    await dialog.getByText("This seat is yours").waitFor();

    const eve = e2e.server.api(await e2e.server.tokenFor("S2021005"));
    const booked = await eve.reservations.mine.query({ upcomingOnly: true });
    expect(booked.map((r) => r.startTime)).toEqual(
      [0, 1, 2].map((k) => new Date(new Date(window.startTime).getTime() + k * WEEK_MS).toISOString()),
    );
    const seriesId = booked[0]?.seriesId;
    expect(seriesId).toEqual(expect.any(Number));
    expect(booked.every((r) => r.seriesId === seriesId)).toBe(true);

    await page.keyboard.press("Escape");
    await page.getByRole("link", { name: "My reservations" }).click();
    const group = page.getByRole("region", { name: `Weekly series · seat ${seatCode}` });
    await group.waitFor();
    const weeks = group.getByRole("list", { name: "Weeks of this series" }).getByRole("listitem");
    await expect.poll(() => weeks.count()).toBe(3);
    await expectAxeClean(page);

    // One week alone, with its own Cancel.
    const second = weeks.nth(1);
    await second.getByRole("button", { name: "Cancel", exact: true }).click();
    await second.getByRole("button", { name: "Yes, cancel it" }).click();
    await expect.poll(() => weeks.count()).toBe(2);

    // The rest together.
    await group.getByRole("button", { name: "Cancel series" }).click();
    await expectAxeClean(page);
    await group.getByRole("button", { name: "Yes, cancel it" }).click();
    await group.waitFor({ state: "detached" });
    const after = await eve.reservations.mine.query({});
    expect(after.filter((r) => r.seriesId === seriesId).map((r) => r.status)).toEqual([
      "CANCELLED",
      "CANCELLED",
      "CANCELLED",
    ]);
    await context.close();
  });
});
