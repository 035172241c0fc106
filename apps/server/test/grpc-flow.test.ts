import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grpcClients, grpcCode, grpcLogin } from "./grpc-harness";
import { type Doors, ISO_Z, startDoors, tomorrowAt } from "./rest-harness";

// Acceptance 2: the original's flow through a client generated from library.proto.
let doors: Doors;
let alice: ReturnType<typeof grpcClients>;
let bob: ReturnType<typeof grpcClients>;
beforeAll(async () => {
  doors = await startDoors();
  alice = grpcClients(doors.grpcUrl, await grpcLogin(doors.grpcUrl, "S2021001"));
  bob = grpcClients(doors.grpcUrl, await grpcLogin(doors.grpcUrl, "S2021002"));
});
afterAll(() => doors?.stop());

describe("gRPC door: the original's flow", () => {
  it("Login, Register, Verify", async () => {
    const anon = grpcClients(doors.grpcUrl);
    const session = await anon.auth.login({ studentId: "S2021001", password: "password123" });
    expect(session).toMatchObject({ userId: 1, studentId: "S2021001", name: "Alice Johnson" });
    expect(await grpcCode(anon.auth.login({ studentId: "S2021001", password: "nope" }))).toBe(
      "Unauthenticated",
    );
    const reg = await anon.auth.register({
      studentId: "S2099002",
      password: "long enough password",
      name: "G",
    });
    expect(reg.studentId).toBe("S2099002");
    expect(
      await grpcCode(
        anon.auth.register({ studentId: "S2099002", password: "long enough password", name: "G" }),
      ),
    ).toBe("AlreadyExists");
    expect(await grpcCode(anon.auth.register({ studentId: "", password: "", name: "" }))).toBe(
      "InvalidArgument",
    );
    const verified = await alice.auth.verify({ token: session.token });
    expect(verified).toMatchObject({ valid: true, userId: 1, studentId: "S2021001" });
    expect((await alice.auth.verify({ token: "garbage" })).valid).toBe(false);
  });

  it("UNAUTHENTICATED without a token, on every service", async () => {
    const anon = grpcClients(doors.grpcUrl);
    expect(await grpcCode(anon.seats.getSeats({}))).toBe("Unauthenticated");
    expect(await grpcCode(anon.seats.getBranches({}))).toBe("Unauthenticated");
    expect(await grpcCode(anon.reservations.getReservation({ reservationId: 1 }))).toBe("Unauthenticated");
    expect(await grpcCode(anon.notify.getUserWaitlist({ userId: 1 }))).toBe("Unauthenticated");
    expect(await grpcCode(anon.auth.verify({ token: "x" }))).toBe("Unauthenticated");
    const forged = grpcClients(doors.grpcUrl, "forged.token.value");
    expect(await grpcCode(forged.seats.getSeats({}))).toBe("Unauthenticated");
  });

  it("seats, filters and branches", async () => {
    const main = await alice.seats.getSeats({ branch: "Main Library" });
    expect(main.count).toBe(25);
    expect(main.seats[0]).toMatchObject({
      id: 1,
      branch: "Main Library",
      status: "AVAILABLE",
      isAvailable: true,
    });
    expect((await alice.seats.getSeats({ hasPower: true })).count).toBe(41);
    expect((await alice.seats.getSeats({ hasMonitor: true })).count).toBe(21);
    expect((await alice.seats.getSeats({ hasPower: false })).count).toBe(9);
    // The original bound these parameters wrongly when combined (contract §6.4); here they just work.
    const combined = await alice.seats.getSeats({
      branch: "Engineering Library",
      hasMonitor: true,
      startTime: tomorrowAt(9),
      endTime: tomorrowAt(10),
    });
    expect(combined.count).toBe(8);
    expect((await alice.seats.getSeat({ seatId: 38 })).seat).toMatchObject({ id: 38, area: "Computer Lab" });
    expect(await grpcCode(alice.seats.getSeat({ seatId: 999 }))).toBe("NotFound");
    const branches = await alice.seats.getBranches({});
    expect(branches.branches.map((b) => [b.branch, b.totalSeats, b.powerSeats, b.monitorSeats])).toEqual([
      ["Engineering Library", 13, 12, 8],
      ["Main Library", 25, 19, 8],
      ["Science Library", 12, 10, 5],
    ]);
  });

  it("book, conflict, get, list, availability, cancel", async () => {
    const slot = { seatId: 12, startTime: tomorrowAt(10), endTime: tomorrowAt(12) };
    const { reservation } = await alice.reservations.createReservation({ userId: 0, ...slot });
    expect(reservation).toMatchObject({ userId: 1, seatId: 12, status: "CONFIRMED", checkedInAt: "" });
    expect(reservation?.createdAt).toMatch(ISO_Z);
    const id = reservation?.id ?? 0;
    expect(await grpcCode(bob.reservations.createReservation({ userId: 2, ...slot }))).toBe("AlreadyExists");
    expect(await grpcCode(alice.reservations.createReservation({ userId: 1, ...slot, seatId: 999 }))).toBe(
      "NotFound",
    );
    expect(
      await grpcCode(alice.reservations.createReservation({ userId: 1, ...slot, startTime: "not a time" })),
    ).toBe("InvalidArgument");

    const detail = await alice.reservations.getReservation({ reservationId: id });
    expect(detail.reservation).toMatchObject({
      id,
      branch: "Main Library",
      studentId: "S2021001",
      userName: "Alice Johnson",
    });
    const mine = await alice.reservations.getUserReservations({ userId: 1, status: "", upcomingOnly: true });
    expect(mine.count).toBe(1);
    expect((await bob.reservations.getUserReservations({ userId: 0 })).count).toBe(0);

    const busy = await bob.seats.checkAvailability({
      seatId: 12,
      startTime: tomorrowAt(11),
      endTime: tomorrowAt(13),
    });
    expect(busy).toMatchObject({ seatId: 12, available: false });
    expect((await bob.seats.checkAvailability({ seatId: 12 })).available).toBe(true);

    const cancelled = await alice.reservations.cancelReservation({ reservationId: id });
    expect(cancelled.reservation?.status).toBe("CANCELLED");
    expect(await grpcCode(alice.reservations.cancelReservation({ reservationId: id }))).toBe(
      "FailedPrecondition",
    );
    expect(await grpcCode(alice.reservations.getReservation({ reservationId: 999_999 }))).toBe("NotFound");
  });

  it("a booking starting now checks in; a later one is FAILED_PRECONDITION", async () => {
    const now = new Date();
    const { reservation } = await bob.reservations.createReservation({
      userId: 0,
      seatId: 14,
      startTime: now.toISOString(),
      endTime: new Date(now.getTime() + 3_600_000).toISOString(),
    });
    const checked = await bob.reservations.checkIn({ reservationId: reservation?.id ?? 0 });
    expect(checked.reservation?.status).toBe("CHECKED_IN");
    expect(checked.reservation?.checkedInAt).toMatch(ISO_Z);
    const later = await alice.reservations.createReservation({
      userId: 0,
      seatId: 15,
      startTime: tomorrowAt(14),
      endTime: tomorrowAt(15),
    });
    expect(await grpcCode(alice.reservations.checkIn({ reservationId: later.reservation?.id ?? 0 }))).toBe(
      "FailedPrecondition",
    );
  });

  it("waitlist: add, list, remove; NotifyUsers is staff-only", async () => {
    const { entry } = await alice.notify.addToWaitlist({
      userId: 0,
      seatId: 20,
      desiredTime: tomorrowAt(16),
    });
    expect(entry).toMatchObject({
      userId: 1,
      seatId: 20,
      branch: "Main Library",
      desiredTime: tomorrowAt(16),
    });
    const branchOnly = await alice.notify.addToWaitlist({
      userId: 1,
      branch: "Science Library",
      desiredTime: tomorrowAt(16),
    });
    expect(branchOnly.entry).toMatchObject({ seatId: 0, branch: "Science Library" });
    expect(await grpcCode(alice.notify.addToWaitlist({ userId: 0, seatId: 20, desiredTime: "" }))).toBe(
      "InvalidArgument",
    );
    const list = await alice.notify.getUserWaitlist({ userId: 0 });
    expect(list.count).toBe(2);
    const removed = await alice.notify.removeFromWaitlist({ waitlistId: entry?.id ?? 0 });
    expect(removed).toMatchObject({ message: "Removed from waitlist", id: entry?.id });
    expect(await grpcCode(alice.notify.notifyUsers({ seatId: 20, message: "hi" }))).toBe("PermissionDenied");
  });
});
