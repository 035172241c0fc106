import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import {
  DESKTOP,
  hasHorizontalScroll,
  login,
  newPage,
  PHONE,
  screenshot,
  seriousViolations,
} from "../src/browser";
import { useSuite } from "../src/suite";
import { nextQuarter, plusMinutes } from "../src/time";

const e2e = useSuite();

beforeAll(async () => {
  // Something to show: one of Carol's upcoming reservations, and another student's busy seat.
  const start = nextQuarter();
  const carol = e2e.server.api(await e2e.server.tokenFor("S2021003"));
  await carol.reservations.create.mutate({
    seatId: 3,
    startTime: plusMinutes(start, 60).toISOString(),
    endTime: plusMinutes(start, 120).toISOString(),
  });
  await carol.reservations.create.mutate({
    seatId: 5,
    startTime: start.toISOString(),
    endTime: plusMinutes(start, 60).toISOString(),
  });
  const dave = e2e.server.api(await e2e.server.tokenFor("S2021004"));
  await dave.reservations.create.mutate({
    seatId: 2,
    startTime: start.toISOString(),
    endTime: plusMinutes(start, 60).toISOString(),
  });
  // And an open waitlist offer for Carol: she waits for Dave's later booking, which he cancels.
  const later = {
    startTime: plusMinutes(start, 120).toISOString(),
    endTime: plusMinutes(start, 180).toISOString(),
  };
  const daves = await dave.reservations.create.mutate({ seatId: 16, ...later });
  await carol.waitlist.join.mutate({ seatId: 16, desiredStart: later.startTime, desiredEnd: later.endTime });
  await carol.waitlist.join.mutate({
    branch: "Science Library",
    hasMonitor: true,
    desiredStart: later.startTime,
    desiredEnd: later.endTime,
  });
  await dave.reservations.cancel.mutate({ id: daves.id });
});

interface Screen {
  name: string;
  open: (page: Page) => Promise<void>;
}

const screens: Screen[] = [
  {
    name: "login",
    open: async (page) => {
      await page.goto("/");
      await page.getByLabel("Student ID").waitFor();
    },
  },
  {
    name: "register",
    open: async (page) => {
      await page.goto("/");
      await page.getByRole("button", { name: "Register" }).click();
      await page.getByLabel("E-mail (optional)").waitFor();
    },
  },
  {
    name: "settings",
    open: async (page) => {
      await page.goto("/settings");
      await page.getByLabel("E-mail address").waitFor();
    },
  },
  {
    name: "seat-finder",
    open: async (page) => {
      await page.goto("/");
      await page.locator(".tile").first().waitFor();
    },
  },
  {
    name: "my-reservations",
    open: async (page) => {
      await page.goto("/reservations");
      await page.locator(".reservation").first().waitFor();
    },
  },
  {
    name: "waitlist",
    open: async (page) => {
      await page.goto("/waitlist");
      await page.locator(".card").first().waitFor();
      await page.locator(".offer-banner").waitFor();
    },
  },
  {
    name: "notifications",
    open: async (page) => {
      await page.goto("/notifications");
      await page.locator(".notification").first().waitFor();
    },
  },
];

describe.each([
  ["phone", PHONE],
  ["desktop", DESKTOP],
])("acceptance 6 + 7 on %s", (label, viewport) => {
  for (const screen of screens) {
    it(`${screen.name}: no horizontal scroll, no serious axe violations, screenshot`, async () => {
      const { context, page } = await newPage(e2e.browser, e2e.server.url, viewport);
      if (screen.name !== "login" && screen.name !== "register") await login(page, "S2021003");
      await screen.open(page);
      await screenshot(page, `${screen.name}-${label}`);
      expect(await hasHorizontalScroll(page)).toBe(false);
      const violations = await seriousViolations(page);
      expect(
        violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`),
      ).toEqual([]);
      await context.close();
    });
  }

  it("seat detail dialog: screenshot and no serious axe violations", async () => {
    const { context, page } = await newPage(e2e.browser, e2e.server.url, viewport);
    await login(page, "S2021003");
    await page.locator('.tile[data-seat-id="2"]').click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("heading", { name: "Bookings that day" }).waitFor();
    await dialog.locator(".busy-list, .timeline .muted").first().waitFor();
    // The viewport only: a modal over a full-page capture would float mid-page.
    await screenshot(page, `seat-detail-${label}`, false);
    expect(await hasHorizontalScroll(page)).toBe(false);
    const violations = await seriousViolations(page);
    expect(violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    await context.close();
  });
});
