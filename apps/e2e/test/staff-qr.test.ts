import { describe, expect, it } from "vitest";
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

describe("printing seat QR codes", () => {
  it.each([
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ] as const)(
    "on %s: staff pick a branch and area and get one loaded QR card per seat",
    async (_label, viewport) => {
      const seats = await e2e.server.api(await e2e.server.tokenFor("S2021010")).seats.list.query();
      const first = seats[0];
      if (!first) throw new Error("the seed has seats");
      const inArea = seats.filter((s) => s.branch === first.branch && s.area === first.area);

      const { context, page } = await newPage(e2e.browser, e2e.server.url, viewport);
      try {
        await login(page, ADMIN.studentId, ADMIN.password);
        await page.getByRole("link", { name: "Staff", exact: true }).click();
        await page.getByRole("link", { name: "Print seat QR codes" }).click();
        await page.getByRole("heading", { name: "Seat QR codes" }).waitFor();
        await page.getByLabel("Branch").selectOption(first.branch);
        await page.getByLabel("Area").selectOption(first.area);
        const sheet = page.getByRole("list", { name: `QR codes for ${first.branch}, ${first.area}` });
        await sheet.waitFor();
        expect(await sheet.getByRole("listitem").count()).toBe(inArea.length);
        const image = sheet.getByRole("img", { name: `QR code for seat ${first.code}` });
        // The image really loaded from the REST door (a broken image has no natural width).
        await expect
          .poll(() => image.evaluate((img) => (img as HTMLImageElement).naturalWidth))
          .toBeGreaterThan(0);
        expect(await hasHorizontalScroll(page)).toBe(false);
        const violations = await seriousViolations(page);
        expect(violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
      } finally {
        await context.close();
      }
    },
  );

  it("a student who opens the page is told it is for staff", async () => {
    const { context, page } = await newPage(e2e.browser, e2e.server.url, DESKTOP);
    try {
      await login(page, "S2021001", "password123");
      await page.goto(`${e2e.server.url}/staff/qr`);
      await page.getByRole("heading", { name: "Staff only" }).waitFor();
      expect(await page.getByRole("img").count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
