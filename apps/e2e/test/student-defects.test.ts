import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ADMIN,
  DESKTOP,
  hasHorizontalScroll,
  launchBrowser,
  login,
  PHONE,
  seriousViolations,
  waitForLiveSeats,
} from "../src/browser";
import { type ApiClient, type E2eServer, startServer } from "../src/server";
import { nextQuarter, plusMinutes } from "../src/time";

/**
 * The student-facing defects of issue 17 (item 7). The library runs on India time (fixed
 * +05:30, no summer time) while the browser sits in Los Angeles: every time on screen must be
 * the library's, and every time picked must be read as the library's.
 */
const LIBRARY_ZONE = "Asia/Kolkata";
const BROWSER_ZONE = "America/Los_Angeles";

let server: E2eServer;
let browser: Browser;
let seatCodes: Map<number, string>;

beforeAll(async () => {
  server = await startServer({ LIBRARY_TIMEZONE: LIBRARY_ZONE });
  browser = await launchBrowser();
  const seats = await server.api(await server.tokenFor("S2021001")).seats.list.query();
  seatCodes = new Map(seats.map((s) => [s.id, s.code]));
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const code = (seatId: number) => seatCodes.get(seatId) ?? `seat ${seatId}`;

const libraryClock = new Intl.DateTimeFormat("en-GB", {
  timeZone: LIBRARY_ZONE,
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});
const libraryCalendar = new Intl.DateTimeFormat("en-CA", { timeZone: LIBRARY_ZONE });

/** The library's calendar date `days` from now, yyyy-mm-dd. */
function libraryDate(days: number): string {
  return libraryCalendar.format(new Date(Date.now() + days * 24 * 60 * 60_000));
}
/** The instant the library's clock reads `date` `time` (the zone has no summer time). */
const libraryInstant = (date: string, time: string) => new Date(`${date}T${time}:00+05:30`);

async function open(viewport: typeof PHONE, studentId: string) {
  const context = await browser.newContext({
    baseURL: server.url,
    viewport,
    locale: "en-GB",
    timezoneId: BROWSER_ZONE,
  });
  const page = await context.newPage();
  await login(page, studentId);
  return { context, page };
}

async function expectAccessible(page: Page): Promise<void> {
  expect(await hasHorizontalScroll(page)).toBe(false);
  const violations = await seriousViolations(page);
  expect(
    violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`),
  ).toEqual([]);
}

async function studentApi(studentId: string): Promise<ApiClient> {
  return server.api(await server.tokenFor(studentId));
}
async function staffApi(): Promise<ApiClient> {
  const { token } = await server.api().auth.login.mutate(ADMIN);
  return server.api(token);
}

async function bookAt(api: ApiClient, seatId: number, date: string, from: string, to: string) {
  return api.reservations.create.mutate({
    seatId,
    startTime: libraryInstant(date, from).toISOString(),
    endTime: libraryInstant(date, to).toISOString(),
  });
}

async function setWindow(page: Page, date: string, from: string, to: string): Promise<void> {
  await page.getByLabel("Date", { exact: true }).fill(date);
  await page.getByLabel("From", { exact: true }).fill(from);
  await page.getByLabel("To", { exact: true }).fill(to);
}

const DAYS = { zone: 1, reason: 4, own: 5 };

/** Each size has its own students (odd ids on the phone, even on the desktop): at most 3 bookings each. */
function studentsFrom(first: number) {
  const id = (n: number) => `S20210${String(n).padStart(2, "0")}`;
  return {
    zone: id(first),
    reason: id(first + 2),
    own: id(first + 4),
    confirm: id(first + 6),
    busy: id(first + 8),
  };
}

const cases = [
  {
    label: "phone",
    viewport: PHONE,
    students: studentsFrom(1),
    seats: { zone: 26, staff: 27, maintenance: 28, own: 31, target: 32, confirm: [3, 4], busy: [16, 17] },
  },
  {
    label: "desktop",
    viewport: DESKTOP,
    students: studentsFrom(2),
    seats: { zone: 38, staff: 39, maintenance: 40, own: 44, target: 45, confirm: [5, 6], busy: [18, 19] },
  },
];

describe.each(cases)("student defects on $label", ({ viewport, students, seats }) => {
  const days = DAYS;
  it("shows and picks times in the library's zone, labelled, not the device's", async () => {
    const before = Date.now();
    const { context, page } = await open(viewport, students.zone);
    const after = Date.now();
    // The default window starts at the next quarter hour, read on the library's clock.
    const from = await page.getByLabel("From", { exact: true }).inputValue();
    expect([before, after].map((t) => libraryClock.format(nextQuarter(t)))).toContain(from);
    expect([before, after].map((t) => libraryCalendar.format(nextQuarter(t)))).toContain(
      await page.getByLabel("Date", { exact: true }).inputValue(),
    );
    await page.getByText(`(times in ${LIBRARY_ZONE})`).waitFor();

    const date = libraryDate(days.zone);
    await setWindow(page, date, "10:00", "11:00");
    await page.getByRole("heading", { name: `10:00–11:00 (${LIBRARY_ZONE})` }).waitFor();
    await page.locator(`.tile[data-seat-id="${seats.zone}"][data-state="free"]`).click();
    const dialog = page.getByRole("dialog", { name: `Seat ${code(seats.zone)}` });
    await dialog.getByRole("button", { name: "Book", exact: true }).click();
    await page.locator("[data-sonner-toast]", { hasText: `10:00–11:00 (${LIBRARY_ZONE})` }).waitFor();

    // What was booked is 10:00 library time, whatever the device's zone.
    const mine = await (await studentApi(students.zone)).reservations.mine.query({ upcomingOnly: true });
    expect(mine.find((r) => r.seatId === seats.zone)?.startTime).toBe(
      libraryInstant(date, "10:00").toISOString(),
    );
    await dialog.getByRole("button", { name: "Close" }).click();
    await page.getByRole("link", { name: "My reservations" }).click();
    const card = page.locator(".reservation", { hasText: `Seat ${code(seats.zone)}` });
    expect(await card.textContent()).toContain(`10:00–11:00 (${LIBRARY_ZONE})`);
    await expectAccessible(page);
    await context.close();
  });

  it("tells the student why staff or maintenance cancelled, live, in notifications and on the card", async () => {
    const api = await studentApi(students.reason);
    const date = libraryDate(days.reason);
    const byStaff = await bookAt(api, seats.staff, date, "09:00", "10:00");
    await bookAt(api, seats.maintenance, date, "11:00", "12:00");
    const { context, page } = await open(viewport, students.reason);
    await page.getByRole("link", { name: "My reservations" }).click();
    await page.locator(".reservation", { hasText: `Seat ${code(seats.staff)}` }).waitFor();
    await page.locator('[data-notifications-live="pending"]').waitFor({ state: "attached" });

    const staff = await staffApi();
    await staff.admin.cancelReservation.mutate({ id: byStaff.id, reason: "Fire drill in the reading room" });
    await page
      .locator("[data-sonner-toast]", { hasText: "Reason: Fire drill in the reading room" })
      .waitFor();
    const past = page.locator("section", { has: page.getByRole("heading", { name: "Past" }) });
    await past
      .locator(".reservation", { hasText: `Seat ${code(seats.staff)}` })
      .getByText("Cancelled by staff: Fire drill in the reading room")
      .waitFor();

    await staff.admin.setSeatStatus.mutate({ seatId: seats.maintenance, status: "MAINTENANCE" });
    try {
      const maintenance = `Cancelled by staff: Seat ${code(seats.maintenance)} is closed for maintenance`;
      await past
        .locator(".reservation", { hasText: `Seat ${code(seats.maintenance)}` })
        .getByText(maintenance)
        .waitFor();
      await expectAccessible(page);

      // By address: on a phone the toasts sit over the bell.
      await page.goto("/notifications");
      await page.locator(".notification", { hasText: "Reason: Fire drill in the reading room" }).waitFor();
      await page
        .locator(".notification", {
          hasText: `Reason: Seat ${code(seats.maintenance)} is closed for maintenance`,
        })
        .waitFor();
      expect(await page.locator(".notification").first().textContent()).toContain(`(${LIBRARY_ZONE})`);
      await expectAccessible(page);
    } finally {
      await staff.admin.setSeatStatus.mutate({ seatId: seats.maintenance, status: "ACTIVE" });
    }
    await context.close();
  });

  it("after a clash with the student's own booking offers to move it, not free seats that fail alike", async () => {
    const api = await studentApi(students.own);
    const date = libraryDate(days.own);
    const own = await bookAt(api, seats.own, date, "12:00", "13:00");
    const { context, page } = await open(viewport, students.own);
    await setWindow(page, date, "12:30", "13:30");
    await page.locator(`.tile[data-seat-id="${seats.target}"][data-state="free"]`).click();
    const dialog = page.getByRole("dialog", { name: `Seat ${code(seats.target)}` });
    await dialog.getByRole("button", { name: "Book", exact: true }).click();
    await dialog
      .locator(".conflict")
      .getByText(/You already have a reservation for seat/)
      .waitFor();
    const move = dialog.getByRole("button", {
      name: `Cancel ${code(seats.own)} and book ${code(seats.target)}`,
    });
    await move.waitFor();
    expect(await dialog.getByText(`You already have seat ${code(seats.own)} for`).textContent()).toContain(
      `12:00–13:00 (${LIBRARY_ZONE})`,
    );
    expect(await dialog.getByRole("link", { name: "Go to My reservations" }).count()).toBe(1);
    expect(await dialog.getByRole("heading", { name: /Free nearby/ }).count()).toBe(0);
    expect(await dialog.getByRole("button", { name: /^Book [A-Z]{2}-\d\d$/ }).count()).toBe(0);
    await expectAccessible(page);

    await move.click();
    await dialog.getByText("This seat is yours").waitFor();
    const mine = await api.reservations.mine.query({});
    expect(mine.find((r) => r.id === own.id)?.status).toBe("CANCELLED");
    expect(mine.find((r) => r.seatId === seats.target && r.status === "CONFIRMED")?.startTime).toBe(
      libraryInstant(date, "12:30").toISOString(),
    );
    await context.close();
  });

  it("explains impossible windows instead of showing every seat free", async () => {
    const { context, page } = await open(viewport, students.reason);
    await page.locator(".tile").first().waitFor();
    const windows: [string, string, string, RegExp][] = [
      [libraryDate(1), "14:00", "10:00", /end time is before the start/],
      [libraryDate(-1), "10:00", "11:00", /in the past/],
      [libraryDate(20), "10:00", "11:00", /at most 14 days ahead/],
      [libraryDate(1), "08:00", "13:00", /at most 4 hours/],
    ];
    for (const [date, from, to, message] of windows) {
      await setWindow(page, date, from, to);
      await page.locator(".window-picker [role=alert]", { hasText: message }).waitFor();
      await page.locator(".window-problem").waitFor();
      expect(await page.locator(".tile").count()).toBe(0);
    }
    await expectAccessible(page);
    await setWindow(page, libraryDate(1), "10:00", "11:00");
    await page.locator(".tile").first().waitFor();
    expect(await page.locator(".window-problem").count()).toBe(0);
    await context.close();
  });

  it("asks before cancelling, and counts days down in days and hours", async () => {
    const api = await studentApi(students.confirm);
    const [first, second] = seats.confirm as [number, number];
    await bookAt(api, first, libraryDate(2), "10:00", "11:00");
    await bookAt(api, second, libraryDate(3), "10:00", "11:00");
    const { context, page } = await open(viewport, students.confirm);
    await page.getByRole("link", { name: "My reservations" }).click();
    const card = page.locator(".reservation", { hasText: `Seat ${code(first)}` });
    await card.waitFor();
    // At least a day away: "1 d 9 h", never "33:12:05".
    const countdown = (await card.locator(".countdown").textContent()) ?? "";
    expect(countdown).toMatch(/^Check-in opens in \d d( \d+ h)?$/);
    expect(countdown).not.toMatch(/\d+:\d\d:\d\d/);

    await card.getByRole("button", { name: "Cancel", exact: true }).click();
    const question = card.getByRole("group", { name: `Cancel seat ${code(first)} for`, exact: false });
    await question.waitFor();
    expect(await question.textContent()).toContain(`(${LIBRARY_ZONE})`);
    expect(
      await card.getByRole("button", { name: "Keep it" }).evaluate((b) => b === document.activeElement),
    ).toBe(true);
    await expectAccessible(page);
    await card.getByRole("button", { name: "Keep it" }).click();
    expect(await card.locator(".badge").textContent()).toBe("Confirmed");
    expect(
      await card
        .getByRole("button", { name: "Cancel", exact: true })
        .evaluate((b) => b === document.activeElement),
    ).toBe(true);

    await card.getByRole("button", { name: "Cancel", exact: true }).click();
    await card.getByRole("button", { name: "Yes, cancel it" }).click();
    const past = page.locator("section", { has: page.getByRole("heading", { name: "Past" }) });
    await past
      .locator(".reservation", { hasText: `Seat ${code(first)}` })
      .locator(".badge", { hasText: "Cancelled" })
      .waitFor();
    await context.close();
  });

  it("offers the waitlist, not Book, for a seat busy in the window, also when it turns busy live", async () => {
    const [taken, turning] = seats.busy as [number, number];
    const other = await studentApi(students.zone);
    const start = nextQuarter();
    // Two hours from the next quarter: covers the finder's default hour even across a quarter.
    const window = { startTime: start.toISOString(), endTime: plusMinutes(start, 120).toISOString() };
    await other.reservations.create.mutate({ seatId: taken, ...window });

    const { context, page } = await open(viewport, students.busy);
    await waitForLiveSeats(page);
    await page.locator(`.tile[data-seat-id="${taken}"][data-state="busy"]`).click();
    const dialog = page.getByRole("dialog", { name: `Seat ${code(taken)}` });
    await dialog.getByRole("button", { name: "Join waitlist" }).waitFor();
    expect(await dialog.getByRole("button", { name: "Book", exact: true }).count()).toBe(0);
    await expectAccessible(page);
    await dialog.getByRole("button", { name: "Close" }).click();

    await page.locator(`.tile[data-seat-id="${turning}"][data-state="free"]`).click();
    const live = page.getByRole("dialog", { name: `Seat ${code(turning)}` });
    await live.getByRole("button", { name: "Book", exact: true }).waitFor();
    // Another student: one may not hold two seats at once.
    await (await studentApi(students.own)).reservations.create.mutate({ seatId: turning, ...window });
    await live.getByRole("button", { name: "Join waitlist" }).waitFor();
    expect(await live.getByRole("button", { name: "Book", exact: true }).count()).toBe(0);
    await context.close();
  });
});
