import { describe, expect, it } from "vitest";
import { DESKTOP, expectAxeClean, login, newPage, PHONE } from "../src/browser";
import { useSuite } from "../src/suite";

const e2e = useSuite();

describe("an away break from My reservations", () => {
  it.each([
    ["desktop", DESKTOP, 42, "S2021001"],
    ["phone", PHONE, 43, "S2021002"],
  ] as const)(
    "on %s: a checked-in student steps away, sees the countdown, and comes back",
    async (_label, viewport, seatId, studentId) => {
      // Seated by scanning the seat (a walk-up booking, checked in at once).
      const api = e2e.server.api(await e2e.server.tokenFor(studentId));
      const { code } = await api.seats.label.query({ id: seatId });
      const scanned = await api.reservations.scan.mutate({ seatCode: code });
      expect(scanned.outcome).toBe("booked");
      const id = scanned.reservation?.id ?? 0;

      const { context, page } = await newPage(e2e.browser, e2e.server.url, viewport);
      try {
        await login(page, studentId);
        await page.goto("/reservations");
        const card = page.getByRole("listitem", { name: new RegExp(`^Seat ${code}\\b`) });
        await card.getByRole("button", { name: "Step away" }).waitFor();
        await card.getByLabel("Break").selectOption("10");
        await expectAxeClean(page);
        await card.getByRole("button", { name: "Step away" }).click();

        await card.getByRole("button", { name: "I'm back" }).waitFor();
        await card.getByText(/On a break until .+ left to come back/).waitFor();
        expect((await api.reservations.get.query({ id })).status).toBe("AWAY");
        await expectAxeClean(page);

        await card.getByRole("button", { name: "I'm back" }).click();
        await card.getByText("1 of 2 breaks left").waitFor();
        expect((await api.reservations.get.query({ id })).status).toBe("CHECKED_IN");
      } finally {
        await context.close();
      }
    },
  );
});
