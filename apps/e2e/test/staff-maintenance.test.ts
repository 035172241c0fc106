import type { AppRouter } from "@dlsms/api";
import { TRPCClientError } from "@trpc/client";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  ADMIN,
  DESKTOP,
  expectAxeClean,
  hasHorizontalScroll,
  login,
  newPage,
  PHONE,
  screenshot,
} from "../src/browser";
import { useSuite } from "../src/suite";
import { nextQuarter, plusMinutes } from "../src/time";

const e2e = useSuite();

async function book(studentId: string, seatId: number, start: Date) {
  const api = e2e.server.api(await e2e.server.tokenFor(studentId));
  const reservation = await api.reservations.create.mutate({
    seatId,
    startTime: start.toISOString(),
    endTime: plusMinutes(start, 60).toISOString(),
  });
  return { api, reservation };
}

async function seatInfo(seatId: number) {
  const seats = await e2e.server.api(await e2e.server.tokenFor("S2021010")).seats.list.query();
  const seat = seats.find((s) => s.id === seatId);
  if (!seat) throw new Error(`seed has no seat ${seatId}`);
  return seat;
}

async function openSeat(page: Page, branch: string, code: string): Promise<void> {
  await login(page, ADMIN.studentId, ADMIN.password);
  await page.getByRole("link", { name: "Staff", exact: true }).click();
  await page.getByRole("heading", { name: "Seat maintenance" }).waitFor();
  await page.getByLabel("Branch").selectOption(branch);
  await page.getByLabel("Seat", { exact: true }).selectOption({ label: code });
}

/** "2026-12-06T14:15", what a datetime-local input takes (the test browser runs in UTC). */
const localInput = (d: Date) => d.toISOString().slice(0, 16);

describe("closing a seat for maintenance", () => {
  it.each([
    ["desktop", DESKTOP, 1, ["S2021001", "S2021002"]],
    ["phone", PHONE, 2, ["S2021003", "S2021004"]],
  ] as const)(
    "on %s: preview the cancellations, confirm with a reason and end time; the student is told why",
    async (label, viewport, seatId, [during, after]) => {
      const start = plusMinutes(nextQuarter(), 60);
      const until = plusMinutes(start, 120);
      const cancelled = await book(during, seatId, start);
      const kept = await book(after, seatId, plusMinutes(until, 30));
      const seat = await seatInfo(seatId);

      const { context, page } = await newPage(e2e.browser, e2e.server.url, viewport);
      await openSeat(page, seat.branch, seat.code);
      await page.getByRole("button", { name: "Close for maintenance" }).click();
      const form = page.getByRole("form", { name: `Close seat ${seat.code}` });
      // Open-ended, both bookings would go.
      await form.getByRole("status").filter({ hasText: "2 bookings will be cancelled" }).waitFor();
      await form.getByLabel("Reason for closing").fill("Broken desk lamp");
      await form.getByLabel("Closed until").fill(localInput(until));
      // With an end time, the later booking is kept.
      await form.getByRole("status").filter({ hasText: "1 booking will be cancelled" }).waitFor();
      expect(await form.getByRole("listitem").allTextContents()).toEqual([expect.stringContaining(during)]);
      await expectAxeClean(page);
      await form.scrollIntoViewIfNeeded();
      await screenshot(page, `staff-maintenance-${label}`, false);

      await form.getByRole("button", { name: "Close and cancel 1 booking" }).click();
      await page
        .getByRole("status")
        .filter({ hasText: `Seat ${seat.code} is closed for maintenance until` })
        .filter({ hasText: "1 booking cancelled." })
        .waitFor();
      await page.getByText("Closed for maintenance until").filter({ hasText: "Broken desk lamp" }).waitFor();
      await expectAxeClean(page);

      const mine = await cancelled.api.reservations.mine.query();
      expect(mine.find((r) => r.id === cancelled.reservation.id)?.status).toBe("CANCELLED");
      const theirs = await kept.api.reservations.mine.query();
      expect(theirs.find((r) => r.id === kept.reservation.id)?.status).toBe("CONFIRMED");
      const notes = await cancelled.api.notifications.list.query();
      const note = notes.find(
        (n) => n.type === "RESERVATION_CANCELLED" && n.payload.reservationId === cancelled.reservation.id,
      );
      expect(note?.payload).toMatchObject({
        maintenanceReason: "Broken desk lamp",
        maintenanceUntil: until.toISOString(),
      });
      expect(String(note?.payload.reason)).toContain("Broken desk lamp");
      await context.close();
    },
  );

  it("a booking made after the preview stops the confirmation, and the preview shows it", async () => {
    const seat = await seatInfo(3);
    const { context, page } = await newPage(e2e.browser, e2e.server.url);
    await openSeat(page, seat.branch, seat.code);
    await page.getByRole("button", { name: "Close for maintenance" }).click();
    const form = page.getByRole("form", { name: `Close seat ${seat.code}` });
    await form.getByRole("status").filter({ hasText: "No bookings will be cancelled." }).waitFor();
    const late = await book("S2021005", 3, plusMinutes(nextQuarter(), 60));
    await form.getByRole("button", { name: "Close seat" }).click();
    await form.getByRole("alert").filter({ hasText: "changed since the preview" }).waitFor();
    await form.getByRole("status").filter({ hasText: "1 booking will be cancelled" }).waitFor();
    const mine = await late.api.reservations.mine.query();
    expect(mine.find((r) => r.id === late.reservation.id)?.status).toBe("CONFIRMED");
    await context.close();
  });

  it("students are refused the preview and the change (FORBIDDEN)", async () => {
    const student = e2e.server.api(await e2e.server.tokenFor("S2021006"));
    const refused = async (call: Promise<unknown>) => {
      const error = await call.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TRPCClientError);
      expect((error as TRPCClientError<AppRouter>).data?.code).toBe("FORBIDDEN");
    };
    await refused(student.admin.maintenancePreview.query({ seatId: 4 }));
    await refused(
      student.admin.setSeatStatus.mutate({ seatId: 4, status: "MAINTENANCE", reason: "Not staff" }),
    );
    expect((await seatInfo(4)).status).toBe("ACTIVE");
  });
});

describe("navigation at phone width", () => {
  it("every staff nav link is on screen and works at 390 px", async () => {
    const { context, page } = await newPage(e2e.browser, e2e.server.url, PHONE);
    await login(page, ADMIN.studentId, ADMIN.password);
    const links = page.getByRole("navigation", { name: "Main" }).getByRole("link");
    const names = await links.allTextContents();
    expect(names).toEqual(["Find a seat", "My reservations", "Waitlist", "Settings", "Staff"]);
    for (const name of names) {
      const link = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true });
      expect(await link.isVisible()).toBe(true);
      const box = await link.boundingBox();
      // Wholly inside the viewport: not cut off, and not hidden in a sideways-scrolling strip.
      expect(box && box.x >= 0 && box.x + box.width <= PHONE.width).toBe(true);
      // A tap lands on the link itself, not on something drawn over it.
      await link.click({ trial: true });
    }
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Staff" }).click();
    await page.getByRole("heading", { name: "Staff", exact: true }).waitFor();
    expect(await hasHorizontalScroll(page)).toBe(false);
    await context.close();
  });
});
