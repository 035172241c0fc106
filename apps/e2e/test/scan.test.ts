import { describe, expect, it } from "vitest";
import { DESKTOP, hasHorizontalScroll, newPage, PHONE, seriousViolations } from "../src/browser";
import { useSuite } from "../src/suite";

const e2e = useSuite();
const PASSWORD = "password123";

async function seatCode(seatId: number): Promise<string> {
  const api = e2e.server.api(await e2e.server.tokenFor("S2021010"));
  return (await api.seats.label.query({ id: seatId })).code;
}

describe("scan to sit: a seat's QR code opens /s/<code>", () => {
  it.each([
    ["desktop", DESKTOP, 40, ["S2021001", "S2021002"]],
    ["phone", PHONE, 41, ["S2021003", "S2021004"]],
  ] as const)(
    "on %s: logged out, the page goes through login and back and books the free seat; the next student is told it is taken and can wait for it",
    async (_label, viewport, seatId, [first, second]) => {
      const code = await seatCode(seatId);
      for (const [studentId, expected] of [
        [first, new RegExp(`Seat ${code} is yours until .*, and you're checked in`)],
        [second, new RegExp(`Seat ${code} is taken\\. It is free from `)],
      ] as const) {
        const { context, page } = await newPage(e2e.browser, e2e.server.url, viewport);
        try {
          await page.goto(`/s/${encodeURIComponent(code)}`);
          await page.getByLabel("Student ID").fill(studentId);
          await page.getByLabel("Password").fill(PASSWORD);
          await page.getByRole("button", { name: "Log in" }).click();
          await page.getByRole("heading", { name: `Seat ${code}` }).waitFor();
          expect(new URL(page.url()).pathname).toBe(`/s/${encodeURIComponent(code)}`);
          await page.getByRole("status").filter({ hasText: expected }).waitFor();
          if (studentId === second) {
            await page.getByRole("button", { name: "Wait for this seat (next hour)" }).click();
            await page.getByRole("status").filter({ hasText: "You're on the waitlist" }).waitFor();
          }
          expect(await hasHorizontalScroll(page)).toBe(false);
          expect((await seriousViolations(page)).map((v) => `${v.id}: ${v.help}`)).toEqual([]);
        } finally {
          await context.close();
        }
      }
      // The first student holds the seat, checked in; the second waits for it.
      const firstApi = e2e.server.api(await e2e.server.tokenFor(first));
      const mine = await firstApi.reservations.mine.query();
      expect(mine.find((r) => r.seatId === seatId)?.status).toBe("CHECKED_IN");
      const secondApi = e2e.server.api(await e2e.server.tokenFor(second));
      expect((await secondApi.waitlist.mine.query()).some((w) => w.seatId === seatId)).toBe(true);
    },
  );
});
