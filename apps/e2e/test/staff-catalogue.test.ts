import type { AppRouter } from "@dlsms/api";
import { TRPCClientError } from "@trpc/client";
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ADMIN, DESKTOP, expectAxeClean, login, newPage, PHONE, screenshot } from "../src/browser";
import { useSuite } from "../src/suite";
import { nextQuarter, plusMinutes } from "../src/time";

const e2e = useSuite();

async function openCatalogue(page: Page): Promise<Locator> {
  await login(page, ADMIN.studentId, ADMIN.password);
  await page.getByRole("link", { name: "Staff", exact: true }).click();
  const editor = page.getByRole("region", { name: "Catalogue" });
  await editor.getByLabel("Library to edit").waitFor();
  return editor;
}

/** The announced outcome under the library picker. */
const outcome = (editor: Locator, text: string) =>
  editor.getByRole("status").filter({ hasText: text }).first().waitFor();

describe("catalogue editor", () => {
  it.each([
    ["desktop", DESKTOP, { name: "Law Library", code: "LAW", renamed: "Law and Policy Library", seatId: 9 }],
    ["phone", PHONE, { name: "Music Library", code: "MUS", renamed: "Music and Arts Library", seatId: 10 }],
  ] as const)(
    "on %s: create and rename a library, add and edit a seat, retire a booked seat after previewing the cancellation",
    async (label, viewport, plan) => {
      const student = e2e.server.api(await e2e.server.tokenFor(label === "phone" ? "S2021002" : "S2021001"));
      const start = plusMinutes(nextQuarter(), 120);
      const booked = await student.reservations.create.mutate({
        seatId: plan.seatId,
        startTime: start.toISOString(),
        endTime: plusMinutes(start, 60).toISOString(),
      });
      const seat = (await student.seats.list.query()).find((s) => s.id === plan.seatId);
      if (!seat) throw new Error(`seed has no seat ${plan.seatId}`);

      const { context, page } = await newPage(e2e.browser, e2e.server.url, viewport);
      const editor = await openCatalogue(page);

      // A new library; a duplicate code is refused with the server's reason and nothing changes.
      const newLibrary = editor.getByRole("form", { name: "New library" });
      await newLibrary.getByLabel("Library name").fill("Duplicate");
      await newLibrary.getByLabel("Library code").fill("ML");
      await newLibrary.getByRole("button", { name: "Create library" }).click();
      await newLibrary.getByRole("alert").filter({ hasText: "already exists" }).waitFor();
      await newLibrary.getByLabel("Library name").fill(plan.name);
      await newLibrary.getByLabel("Library code").fill(plan.code);
      await newLibrary.getByRole("button", { name: "Create library" }).click();
      await outcome(editor, `Library ${plan.name} created`);

      // Its first seat: the code left empty gives LAW-01 / MUS-01.
      const newSeat = editor.getByRole("form", { name: `New seat in ${plan.name}` });
      await newSeat.getByLabel("Area").fill("Reading Room");
      await newSeat.getByLabel("Power socket").check();
      await newSeat.getByRole("button", { name: "Add seat" }).click();
      await outcome(editor, `Seat ${plan.code}-01 added to ${plan.name}`);
      const card = editor
        .getByRole("listitem")
        .filter({ has: page.getByRole("heading", { name: `${plan.code}-01` }) });
      await card.getByText("Reading Room · Power").waitFor();

      // Edit its code, area and monitor.
      await card.getByRole("button", { name: `Edit seat ${plan.code}-01` }).click();
      const edit = editor.getByRole("form", { name: `Edit seat ${plan.code}-01` });
      await edit.getByLabel("Seat code").fill(`${plan.code}-10`);
      await edit.getByLabel("Area").fill("Quiet Room");
      await edit.getByLabel("Monitor").check();
      await expectAxeClean(page);
      await edit.getByRole("button", { name: "Save seat" }).click();
      await outcome(editor, `Seat ${plan.code}-10 saved`);
      await editor
        .getByRole("listitem")
        .filter({ has: page.getByRole("heading", { name: `${plan.code}-10` }) })
        .getByText("Quiet Room · Power, monitor")
        .waitFor();

      // Rename the library.
      const rename = editor.getByRole("form", { name: `Rename ${plan.name}` });
      await rename.getByLabel("Library name").fill(plan.renamed);
      await rename.getByRole("button", { name: "Rename library" }).click();
      await outcome(editor, `Library renamed to ${plan.renamed}`);
      const branches = await student.branches.list.query();
      expect(branches.map((b) => b.name)).toContain(plan.renamed);
      const listed = await student.seats.list.query({ branch: plan.renamed });
      expect(listed.map((s) => [s.code, s.area, s.hasPower, s.hasMonitor])).toEqual([
        [`${plan.code}-10`, "Quiet Room", true, true],
      ]);

      // Retire the booked seat: the preview names the booking, a reason is required.
      await editor.getByLabel("Library to edit").selectOption({ label: "Main Library (ML)" });
      const seatCard = editor
        .getByRole("listitem")
        .filter({ has: page.getByRole("heading", { name: seat.code }) });
      await seatCard.getByRole("button", { name: `Retire seat ${seat.code}` }).click();
      const retire = editor.getByRole("form", { name: `Retire seat ${seat.code}` });
      await retire.getByRole("status").filter({ hasText: "1 booking will be cancelled" }).waitFor();
      expect(await retire.getByRole("listitem").allTextContents()).toEqual([
        expect.stringContaining(label === "phone" ? "S2021002" : "S2021001"),
      ]);
      await retire.getByRole("button", { name: "Retire and cancel 1 booking" }).click();
      await retire.getByRole("alert").filter({ hasText: "Give a reason" }).waitFor();
      await retire.getByLabel("Reason for retiring").fill("Desk removed in the refit");
      await expectAxeClean(page);
      await retire.scrollIntoViewIfNeeded();
      await screenshot(page, `staff-catalogue-retire-${label}`, false);
      await retire.getByRole("button", { name: "Retire and cancel 1 booking" }).click();
      await outcome(editor, `Seat ${seat.code} is retired. 1 booking cancelled.`);
      await editor.getByText(/^Retired seats \(\d+\)$/).click();
      await editor
        .getByText(`${seat.code}, ${seat.area}`)
        .filter({ hasText: "Desk removed in the refit" })
        .waitFor();
      expect(await seatCard.count()).toBe(0);
      await expectAxeClean(page);

      // The student: booking cancelled with the reason; the seat is gone from listings.
      const mine = await student.reservations.mine.query();
      expect(mine.find((r) => r.id === booked.id)?.status).toBe("CANCELLED");
      const notes = await student.notifications.list.query();
      const note = notes.find(
        (n) => n.type === "RESERVATION_CANCELLED" && n.payload.reservationId === booked.id,
      );
      expect(String(note?.payload.reason)).toContain("Desk removed in the refit");
      expect((await student.seats.list.query()).map((s) => s.id)).not.toContain(plan.seatId);
      await context.close();
    },
  );

  it("students are refused every catalogue change (FORBIDDEN)", async () => {
    const student = e2e.server.api(await e2e.server.tokenFor("S2021006"));
    const refused = async (call: Promise<unknown>) => {
      const error = await call.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TRPCClientError);
      expect((error as TRPCClientError<AppRouter>).data?.code).toBe("FORBIDDEN");
    };
    await refused(student.admin.catalogue.query());
    await refused(student.admin.createBranch.mutate({ name: "Nope", code: "NOPE" }));
    await refused(student.admin.renameBranch.mutate({ branch: "Main Library", name: "Nope" }));
    await refused(student.admin.createSeat.mutate({ branch: "Main Library", area: "Nope" }));
    await refused(student.admin.updateSeat.mutate({ seatId: 4, area: "Nope" }));
    await refused(student.admin.retirePreview.query({ seatId: 4 }));
    await refused(student.admin.retireSeat.mutate({ seatId: 4, reason: "Nope" }));
    expect((await student.seats.list.query()).find((s) => s.id === 4)?.area).toBe("Silent Study Zone");
  });
});
