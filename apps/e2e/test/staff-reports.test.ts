import { readFile } from "node:fs/promises";
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

const e2e = useSuite();

/** Today and tomorrow as UTC dates (the test server's library zone is UTC). */
const today = new Date().toISOString().slice(0, 10);
const tomorrowStart = new Date(`${today}T00:00:00Z`);
tomorrowStart.setUTCDate(tomorrowStart.getUTCDate() + 1);
const tomorrow = tomorrowStart.toISOString().slice(0, 10);

async function openReports(page: Page) {
  await login(page, ADMIN.studentId, ADMIN.password);
  await page.getByRole("link", { name: "Staff", exact: true }).click();
  const reports = page.getByRole("region", { name: "Reports" });
  await reports.getByRole("button", { name: "Show report" }).waitFor();
  return reports;
}

describe("staff reports", () => {
  beforeAll(async () => {
    // Two hours on a Main Library seat tomorrow, 10:00–12:00 library time (UTC here).
    const api = e2e.server.api(await e2e.server.tokenFor("S2021005"));
    await api.reservations.create.mutate({
      seatId: 10,
      startTime: `${tomorrow}T10:00:00Z`,
      endTime: `${tomorrow}T12:00:00Z`,
    });
  });

  it("shows the report for a chosen range and grouping, three charts, and downloads the same rows as CSV", async () => {
    const { context, page } = await newPage(e2e.browser, e2e.server.url);
    const reports = await openReports(page);
    await reports.getByLabel("From", { exact: true }).fill(today);
    await reports.getByLabel("To", { exact: true }).fill(tomorrow);
    await reports.getByLabel("Group by").selectOption("branch");
    await reports.getByRole("button", { name: "Show report" }).click();
    const table = reports.getByRole("table", { name: `Report by branch, ${today} to ${tomorrow}` });
    // Main Library: 25 seats open around the clock for two days = 1,200 seat-hours; 2 booked.
    const main = table.getByRole("row", { name: /^Main Library/ });
    await main.waitFor();
    expect(await main.getByRole("cell").allTextContents()).toEqual(["1", "2 / 1,200 h", "0.2%", "0", "0%"]);

    // The charts are figures named by their captions, with their numbers one click away.
    for (const name of ["Utilisation by hour of day", "Utilisation by day", "No-show rate by branch"]) {
      await reports
        .getByRole("figure", { name: new RegExp(`^${name} `) })
        .locator("svg")
        .first()
        .waitFor();
    }
    await reports.getByRole("figure", { name: "Utilisation by hour of day Highest at 10:00: 1%." }).waitFor();
    await reports.getByText("Utilisation by day: the numbers").click();
    await reports.getByRole("rowheader", { name: tomorrow }).waitFor();

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      reports.getByRole("button", { name: "Download CSV" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`report-branch-${today}-to-${tomorrow}.csv`);
    const text = await readFile(await download.path(), "utf8");
    const { token } = await e2e.server.api().auth.login.mutate(ADMIN);
    const staff = e2e.server.api(token);
    const rows = await staff.admin.report.query({ from: today, to: tomorrow, groupBy: "branch" });
    const [header, ...lines] = text.trimEnd().split("\n");
    expect(header).toBe("key,reservations,bookedHours,openHours,utilisation,noShows,noShowRate");
    expect(lines).toEqual(
      rows.map((r) =>
        [r.key, r.reservations, r.bookedHours, r.openHours, r.utilisation, r.noShows, r.noShowRate].join(","),
      ),
    );
    await context.close();
  });

  it("says what is wrong with a backwards range and keeps the last report", async () => {
    const { context, page } = await newPage(e2e.browser, e2e.server.url);
    const reports = await openReports(page);
    await reports.getByRole("table", { name: /^Report by day/ }).waitFor();
    await reports.getByLabel("From", { exact: true }).fill(tomorrow);
    await reports.getByLabel("To", { exact: true }).fill(today);
    await reports.getByRole("button", { name: "Show report" }).click();
    await reports.getByText("to must be on or after from").waitFor();
    expect(await reports.getByLabel("To", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    await reports.getByRole("table", { name: /^Report by day/ }).waitFor();
    await context.close();
  });

  it.each([
    ["phone", PHONE],
    ["desktop", DESKTOP],
  ])("on %s: no horizontal scroll, no serious axe violations", async (_label, viewport) => {
    const { context, page } = await newPage(e2e.browser, e2e.server.url, viewport);
    const reports = await openReports(page);
    await reports.getByLabel("Group by").selectOption("hour");
    await reports.getByRole("button", { name: "Show report" }).click();
    await reports.getByRole("table", { name: /^Report by hour of day/ }).waitFor();
    await reports
      .getByRole("figure", { name: /^No-show rate by branch / })
      .locator("svg")
      .first()
      .waitFor();
    // Scan with a chart's numbers open too: they are the charts' text alternative.
    await reports.getByText("No-show rate by branch: the numbers").click();
    expect(await hasHorizontalScroll(page)).toBe(false);
    const violations = await seriousViolations(page);
    expect(
      violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`),
    ).toEqual([]);
    await context.close();
  });
});
