import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "../src/testing";
import { expectTRPCError, seatRow } from "./helpers";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api?.destroy());

const ADMIN = 11;

describe("catalogue editing", () => {
  it("creates and renames branches; duplicate names or codes are CONFLICT, bad input BAD_REQUEST; staff-only", async () => {
    const staff = await api.as(ADMIN);
    const student = await api.as(1);
    await expectTRPCError(student.admin.createBranch({ name: "Law Library", code: "LL" }), "FORBIDDEN");
    await expectTRPCError(student.admin.renameBranch({ branch: "Main Library", name: "X" }), "FORBIDDEN");
    const created = await staff.admin.createBranch({ name: "Law Library", code: "LL" });
    expect(created).toMatchObject({ name: "Law Library", code: "LL" });
    await expectTRPCError(
      staff.admin.createBranch({ name: "Law Library", code: "LX" }),
      "CONFLICT",
      "Law Library",
    );
    await expectTRPCError(staff.admin.createBranch({ name: "Other", code: "LL" }), "CONFLICT", "LL");
    await expectTRPCError(staff.admin.createBranch({ name: "Other", code: "ll1" }), "BAD_REQUEST", "code");

    const cached = await student.branches.list();
    expect(cached.map((b) => b.name)).toContain("Law Library");
    const renamed = await staff.admin.renameBranch({ branch: "Law Library", name: "Law and Policy Library" });
    expect(renamed).toMatchObject({ id: created.id, name: "Law and Policy Library", code: "LL" });
    expect((await student.branches.list()).map((b) => b.name)).toContain("Law and Policy Library");
    await expectTRPCError(
      staff.admin.renameBranch({ branch: "Law and Policy Library", name: "Main Library" }),
      "CONFLICT",
      'A branch named "Main Library" already exists',
    );
    await expectTRPCError(staff.admin.renameBranch({ branch: "Nowhere", name: "Y" }), "NOT_FOUND", "Nowhere");
    await expectTRPCError(
      staff.admin.renameBranch({ branch: "Main Library", name: "" }),
      "BAD_REQUEST",
      "name",
    );
    // Renaming to its own name is allowed and changes nothing.
    await staff.admin.renameBranch({ branch: "Main Library", name: "Main Library" });
  });

  it("creates seats (next free code, or one given) and edits code, area, power and monitor; codes are unique", async () => {
    const staff = await api.as(ADMIN);
    const student = await api.as(1);
    const first = await staff.admin.createSeat({ branch: "Engineering Library", area: "Annex" });
    expect(first).toMatchObject({ code: "EL-14", branch: "Engineering Library", status: "ACTIVE" });
    const named = await staff.admin.createSeat({
      branch: "Engineering Library",
      area: "Annex",
      hasPower: true,
      code: "el-annex-1",
    });
    expect(named.code).toBe("EL-ANNEX-1");
    await expectTRPCError(
      staff.admin.createSeat({ branch: "Engineering Library", area: "Annex", code: "EL-01" }),
      "CONFLICT",
      "Seat code EL-01 is already used",
    );
    await expectTRPCError(
      staff.admin.createSeat({ branch: "Engineering Library", area: "Annex", code: "EL 01!" }),
      "BAD_REQUEST",
      "code",
    );
    await expectTRPCError(
      staff.admin.createSeat({ branch: "Nowhere", area: "Annex" }),
      "NOT_FOUND",
      "Nowhere",
    );

    const listed = await student.seats.list({ branch: "Engineering Library" });
    expect(listed.map((s) => s.code)).toEqual(expect.arrayContaining(["EL-14", "EL-ANNEX-1"]));

    const edited = await staff.admin.updateSeat({
      seatId: first.id,
      code: "EL-90",
      area: "North Annex",
      hasPower: true,
      hasMonitor: true,
    });
    expect(edited).toMatchObject({ code: "EL-90", area: "North Annex", hasPower: true, hasMonitor: true });
    const seen = (await student.seats.list({ branch: "Engineering Library" })).find((s) => s.id === first.id);
    expect(seen).toMatchObject({ code: "EL-90", area: "North Annex", hasPower: true, hasMonitor: true });
    await expectTRPCError(
      staff.admin.updateSeat({ seatId: first.id, code: "EL-ANNEX-1" }),
      "CONFLICT",
      "Seat code EL-ANNEX-1 is already used",
    );
    // A retired seat keeps its code: it stays taken.
    await staff.admin.retireSeat({ seatId: named.id, reason: "Gone" });
    await expectTRPCError(
      staff.admin.updateSeat({ seatId: first.id, code: "EL-ANNEX-1" }),
      "CONFLICT",
      "retired seats keep theirs",
    );
    await expectTRPCError(staff.admin.updateSeat({ seatId: first.id }), "BAD_REQUEST", "Nothing to change");
    await expectTRPCError(
      staff.admin.updateSeat({ seatId: first.id, area: "\u0000" }),
      "BAD_REQUEST",
      "area",
    );
    await expectTRPCError(student.admin.updateSeat({ seatId: first.id, area: "X" }), "FORBIDDEN");
    expect(await seatRow(api, first.id)).toMatchObject({ code: "EL-90", area: "North Annex" });
    // The next generated code follows the highest number, whatever edits did.
    const next = await staff.admin.createSeat({ branch: "Engineering Library", area: "Annex" });
    expect(next.code).toBe("EL-91");
  });
});
