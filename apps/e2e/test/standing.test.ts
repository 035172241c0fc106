import { runSweep } from "@dlsms/api/server";
import { describe, expect, it } from "vitest";
import { ADMIN, DESKTOP, expectAxeClean, login, newPage, PHONE, screenshot } from "../src/browser";
import { useSuite } from "../src/suite";

const e2e = useSuite();
const HOUR = 3_600_000;

/** Tomorrow at hh:00 UTC (the test library's zone). */
function tomorrowAt(hour: number): Date {
  const d = new Date(Date.now() + 24 * HOUR);
  d.setUTCHours(hour, 0, 0, 0);
  return d;
}

/** The student books `hours` (tomorrow) and never comes: the sweeper, run as if later, strikes each. */
async function missAll(studentId: string, seatId: number, hours: number[]): Promise<Date> {
  const api = e2e.server.api(await e2e.server.tokenFor(studentId));
  const starts = hours.map(tomorrowAt);
  for (const start of starts) {
    await api.reservations.create.mutate({
      seatId,
      startTime: start.toISOString(),
      endTime: new Date(start.getTime() + HOUR).toISOString(),
    });
  }
  const last = starts[starts.length - 1] as Date;
  const { deps } = e2e.server.server;
  const { effects } = await runSweep(deps.db, deps.config.rules, new Date(last.getTime() + 20 * 60_000));
  await effects.flush(deps);
  return new Date(last.getTime() + 7 * 24 * HOUR);
}

describe("no-show strikes in the SPA", () => {
  it.each([
    ["phone", PHONE, "S2021006", "Frank Miller", 20],
    ["desktop", DESKTOP, "S2021007", "Grace Hopper", 21],
  ] as const)(
    "on %s: a suspended student sees when it ends; staff pardon at the desk and the banner goes",
    async (label, viewport, studentId, name, seatId) => {
      const until = await missAll(studentId, seatId, [8, 10, 12]);
      const day = until.toLocaleDateString("en-GB", { timeZone: "UTC", day: "numeric", month: "short" });

      const student = await newPage(e2e.browser, e2e.server.url, viewport);
      await login(student.page, studentId);
      const banner = student.page.getByRole("region", { name: "Booking suspended" });
      await banner.waitFor();
      expect(await banner.textContent()).toContain(day);
      await expectAxeClean(student.page);
      await screenshot(student.page, `standing-suspended-${label}`, false);
      await student.page.goto("/reservations");
      await student.page.getByRole("region", { name: "Booking suspended" }).waitFor();
      await expectAxeClean(student.page);
      await student.page.goto("/notifications");
      await student.page.getByText(/no-show strike 3 of 3/).waitFor();
      await student.page.getByText(/you cannot book until/).waitFor();
      await expectAxeClean(student.page);

      const desk = await newPage(e2e.browser, e2e.server.url, viewport);
      await login(desk.page, ADMIN.studentId, ADMIN.password);
      await desk.page.getByRole("link", { name: "Staff", exact: true }).click();
      const region = desk.page.getByRole("region", { name: "Desk: book for a student" });
      await region.getByLabel("Search students by id or name").fill(studentId);
      await region.getByRole("button", { name: "Find student" }).click();
      await region.getByRole("button", { name: `Open ${name} (${studentId})` }).click();
      const standing = region.getByRole("region", { name: "No-show standing" });
      await standing.getByText("3 of 3 strikes in the last 30 days").waitFor();
      await standing.getByText(/Booking suspended until/).waitFor();
      await expectAxeClean(desk.page);
      const pardon = standing.getByRole("form", { name: `Pardon ${name}` });
      await pardon.getByLabel("Reason for the pardon").fill("Bus strike all week");
      await pardon.getByRole("button", { name: `Pardon ${name}` }).click();
      await standing.getByText("0 of 3 strikes in the last 30 days").waitFor();
      await standing.getByText("Not suspended.").waitFor();
      await expectAxeClean(desk.page);
      await desk.context.close();

      await student.page.goto("/");
      await student.page.getByRole("heading", { name: "Find a seat" }).waitFor();
      expect(await student.page.getByRole("region", { name: "Booking suspended" }).count()).toBe(0);
      await student.context.close();
    },
  );
});
