import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import {
  ADMIN,
  DESKTOP,
  hasHorizontalScroll,
  login,
  newPage,
  PHONE,
  seriousViolations,
} from "../src/browser";
import { useSuite } from "../src/suite";
import { nextQuarter, plusMinutes } from "../src/time";

const e2e = useSuite();

async function openStaff(page: Page): Promise<void> {
  await login(page, ADMIN.studentId, ADMIN.password);
  await page.getByRole("link", { name: "Staff", exact: true }).click();
  await page.getByRole("heading", { name: "Staff", exact: true }).waitFor();
}

async function book(studentId: string, seatId: number, offsetMinutes = 0) {
  const api = e2e.server.api(await e2e.server.tokenFor(studentId));
  const start = plusMinutes(nextQuarter(), offsetMinutes);
  const reservation = await api.reservations.create.mutate({
    seatId,
    startTime: start.toISOString(),
    endTime: plusMinutes(start, 60).toISOString(),
  });
  return { api, reservation };
}

describe("staff page", () => {
  beforeAll(async () => {
    // An active booking, so the list shows a "Cancel booking" button for the scans.
    await book("S2021004", 6, 120);
  });

  it("staff cancel a student's booking with a reason and close a seat for maintenance", async () => {
    const alice = await book("S2021001", 1);
    const bob = await book("S2021002", 4);
    const seats = await bob.api.seats.list.query();
    const bobSeat = seats.find((s) => s.id === 4);
    if (!bobSeat) throw new Error("seed has no seat 4");

    const { context, page } = await newPage(e2e.browser, e2e.server.url);
    await openStaff(page);
    await page.getByRole("table").getByRole("rowheader").first().waitFor();

    await page.getByLabel("Student ID").fill("S2021001");
    await page.getByRole("button", { name: "Apply filters" }).click();
    const card = page.locator(`.staff-reservation[data-reservation-id="${alice.reservation.id}"]`);
    // Until the filtered page arrives the previous, unfiltered one stays on screen.
    await page.getByRole("status").filter({ hasText: "Showing 1–1 of 1" }).waitFor();
    await card.waitFor();
    await card.getByRole("button", { name: "Cancel booking" }).click();
    await card.getByLabel("Reason for cancelling").fill("Exam hall setup");
    await card.getByRole("button", { name: "Confirm cancellation" }).click();
    await card.locator(".badge", { hasText: "Cancelled" }).waitFor();
    expect(await card.getByRole("button", { name: "Cancel booking" }).count()).toBe(0);

    const mine = await alice.api.reservations.mine.query();
    expect(mine.find((r) => r.id === alice.reservation.id)?.status).toBe("CANCELLED");
    const notes = await alice.api.notifications.list.query();
    expect(JSON.stringify(notes)).toContain("Exam hall setup");

    await page.getByLabel("Branch").selectOption(bobSeat.branch);
    await page.getByLabel("Seat", { exact: true }).selectOption({ label: bobSeat.code });
    await page.getByRole("button", { name: "Close for maintenance" }).click();
    await page.getByRole("button", { name: "Close and cancel 1 booking" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: `Seat ${bobSeat.code} is closed for maintenance. 1 booking cancelled.` })
      .waitFor();
    expect((await bob.api.reservations.mine.query()).find((r) => r.id === bob.reservation.id)?.status).toBe(
      "CANCELLED",
    );
    // The listing refetches: the seat now reads as closed and can be reopened.
    const reopen = page.getByRole("button", { name: "Reopen" });
    await expect.poll(() => reopen.isEnabled()).toBe(true);
    await reopen.click();
    await page
      .getByRole("status")
      .filter({ hasText: `Seat ${bobSeat.code} is open again.` })
      .waitFor();
    await context.close();
  });

  it("a student sees no Staff link, and /staff says staff only", async () => {
    const { context, page } = await newPage(e2e.browser, e2e.server.url);
    await login(page, "S2021003");
    expect(await page.getByRole("link", { name: "Staff", exact: true }).count()).toBe(0);
    await page.goto("/staff");
    await page.getByRole("heading", { name: "Staff only" }).waitFor();
    expect(await page.getByRole("heading", { name: "All reservations" }).count()).toBe(0);
    await context.close();
  });

  it.each([
    ["phone", PHONE],
    ["desktop", DESKTOP],
  ])("on %s: no horizontal scroll, no serious axe violations", async (_label, viewport) => {
    const { context, page } = await newPage(e2e.browser, e2e.server.url, viewport);
    await openStaff(page);
    await page.getByRole("table").getByRole("rowheader").first().waitFor();
    const card = page.locator(".staff-reservation").first();
    await card.waitFor();
    // Scan with a reason form open as well: it is part of the page staff use.
    await page.getByRole("button", { name: "Cancel booking" }).first().click();
    await page.getByLabel("Reason for cancelling").waitFor();
    await page.getByLabel("Branch").selectOption({ index: 1 });
    expect(await hasHorizontalScroll(page)).toBe(false);
    const violations = await seriousViolations(page);
    expect(
      violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`),
    ).toEqual([]);
    await context.close();
  });
});
