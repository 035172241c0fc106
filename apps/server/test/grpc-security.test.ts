import { reservations, waitlist } from "@dlsms/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grpcClients, grpcCode, grpcLogin } from "./grpc-harness";
import { type Doors, startDoors, tomorrowAt } from "./rest-harness";

// Acceptance 3 and 4 through gRPC: ownership, user_id checks, and bad input.
let doors: Doors;
let alice: ReturnType<typeof grpcClients>;
let bob: ReturnType<typeof grpcClients>;
let resvId: number;
let entryId: number;
const counts = async () => ({
  reservations: await doors.database.db.$count(reservations),
  waitlist: await doors.database.db.$count(waitlist),
});

beforeAll(async () => {
  doors = await startDoors();
  alice = grpcClients(doors.grpcUrl, await grpcLogin(doors.grpcUrl, "S2021001"));
  bob = grpcClients(doors.grpcUrl, await grpcLogin(doors.grpcUrl, "S2021002"));
  const now = new Date();
  const r = await alice.reservations.createReservation({
    seatId: 3,
    startTime: now.toISOString(),
    endTime: new Date(now.getTime() + 3_600_000).toISOString(),
  });
  resvId = r.reservation?.id ?? 0;
  const w = await alice.notify.addToWaitlist({ seatId: 4, desiredTime: tomorrowAt(9) });
  entryId = w.entry?.id ?? 0;
});
afterAll(() => doors?.stop());

describe("gRPC: nobody reads or changes another's data", () => {
  it("NOT_FOUND for another student's reservation or waitlist entry, and nothing changes", async () => {
    expect(await grpcCode(bob.reservations.getReservation({ reservationId: resvId }))).toBe("NotFound");
    expect(await grpcCode(bob.reservations.checkIn({ reservationId: resvId }))).toBe("NotFound");
    expect(await grpcCode(bob.reservations.cancelReservation({ reservationId: resvId }))).toBe("NotFound");
    expect(await grpcCode(bob.notify.removeFromWaitlist({ waitlistId: entryId }))).toBe("NotFound");
    const still = await alice.reservations.getReservation({ reservationId: resvId });
    expect(still.reservation).toMatchObject({ status: "CONFIRMED", checkedInAt: "" });
    expect((await alice.notify.getUserWaitlist({ userId: 0 })).count).toBe(1);
  });

  it("PERMISSION_DENIED for a user_id that is not 0 or the caller's", async () => {
    const before = await counts();
    const slot = { seatId: 30, startTime: tomorrowAt(10), endTime: tomorrowAt(11) };
    expect(await grpcCode(bob.reservations.createReservation({ userId: 1, ...slot }))).toBe(
      "PermissionDenied",
    );
    expect(await grpcCode(bob.reservations.getUserReservations({ userId: 1 }))).toBe("PermissionDenied");
    expect(
      await grpcCode(bob.notify.addToWaitlist({ userId: 1, seatId: 4, desiredTime: tomorrowAt(9) })),
    ).toBe("PermissionDenied");
    expect(await grpcCode(bob.notify.getUserWaitlist({ userId: 1 }))).toBe("PermissionDenied");
    expect(await counts()).toEqual(before);
    // Bob's own id works.
    expect(await grpcCode(bob.reservations.getUserReservations({ userId: 2 }))).toBe("OK");
  });
});

describe("gRPC: login throttling", () => {
  it("RESOURCE_EXHAUSTED after repeated failures", async () => {
    const anon = grpcClients(doors.grpcUrl);
    const codes: string[] = [];
    for (let i = 0; i < 12; i++)
      codes.push(await grpcCode(anon.auth.login({ studentId: "S2021010", password: "x" })));
    expect(codes.slice(0, 10).every((c) => c === "Unauthenticated")).toBe(true);
    expect(codes.at(-1)).toBe("ResourceExhausted");
  });
});

describe("gRPC: bad input is INVALID_ARGUMENT, nothing written", () => {
  const slot = { seatId: 10, startTime: tomorrowAt(13), endTime: tomorrowAt(14) };
  const cases: [string, () => Promise<unknown>][] = [
    ["bad time", () => alice.reservations.createReservation({ ...slot, startTime: "abc" })],
    ["empty time", () => alice.reservations.createReservation({ ...slot, startTime: "" })],
    ["end before start", () => alice.reservations.createReservation({ ...slot, endTime: tomorrowAt(12) })],
    ["seat 0 (missing)", () => alice.reservations.createReservation({ ...slot, seatId: 0 })],
    ["negative seat", () => alice.reservations.createReservation({ ...slot, seatId: -5 })],
    ["reservation id 0", () => alice.reservations.checkIn({ reservationId: 0 })],
    ["cancel id 0", () => alice.reservations.cancelReservation({ reservationId: 0 })],
    ["waitlist without target", () => alice.notify.addToWaitlist({ desiredTime: tomorrowAt(9) })],
    ["waitlist bad time", () => alice.notify.addToWaitlist({ seatId: 4, desiredTime: "later" })],
    ["waitlist id 0", () => alice.notify.removeFromWaitlist({ waitlistId: 0 })],
    ["half a window", () => alice.seats.getSeats({ startTime: tomorrowAt(9) })],
    [
      "availability bad time",
      () => alice.seats.checkAvailability({ seatId: 1, startTime: "x", endTime: "y" }),
    ],
  ];
  for (const [name, run] of cases) {
    it(name, async () => {
      const before = await counts();
      expect(await grpcCode(run())).toBe("InvalidArgument");
      expect(await counts()).toEqual(before);
    });
  }

  it("an unknown seat on the waitlist is NOT_FOUND (the original gave INTERNAL)", async () => {
    expect(await grpcCode(alice.notify.addToWaitlist({ seatId: 999, desiredTime: tomorrowAt(9) }))).toBe(
      "NotFound",
    );
  });
});
