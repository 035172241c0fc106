import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grpcClients, grpcCode, grpcLogin } from "./grpc-harness";
import { type Doors, startDoors, tomorrowAt } from "./rest-harness";

// The DL-SMS addition: NotificationService.Subscribe, a server stream over notifications.onEvent.
let doors: Doors;
let alice: ReturnType<typeof grpcClients>;
let bob: ReturnType<typeof grpcClients>;
beforeAll(async () => {
  doors = await startDoors();
  alice = grpcClients(doors.grpcUrl, await grpcLogin(doors.grpcUrl, "S2021001"));
  bob = grpcClients(doors.grpcUrl, await grpcLogin(doors.grpcUrl, "S2021002"));
});
afterAll(() => doors?.stop());

async function offerToBob(seatId: number, hour: number): Promise<void> {
  const { reservation } = await alice.reservations.createReservation({
    seatId,
    startTime: tomorrowAt(hour),
    endTime: tomorrowAt(hour + 1),
  });
  await bob.notify.addToWaitlist({ seatId, desiredTime: tomorrowAt(hour) });
  await alice.reservations.cancelReservation({ reservationId: reservation?.id ?? 0 });
}

describe("gRPC NotificationService.Subscribe", () => {
  it("needs a token", async () => {
    const stream = grpcClients(doors.grpcUrl).notifications.subscribe({});
    expect(await grpcCode(stream[Symbol.asyncIterator]().next())).toBe("Unauthenticated");
  });

  it("streams live notifications, replays after last_event_id, and frees its subscription", async () => {
    const listeners = doors.deps.bus.listenerCount();
    const abort = new AbortController();
    const live = bob.notifications.subscribe({}, { signal: abort.signal })[Symbol.asyncIterator]();
    const firstPromise = live.next();
    await expect.poll(() => doors.deps.bus.listenerCount()).toBeGreaterThan(listeners);
    await offerToBob(16, 10);
    const first = await firstPromise;
    expect(first.value).toMatchObject({ type: "OFFER" });
    expect(JSON.parse(first.value?.payloadJson ?? "{}")).toMatchObject({ seatId: 16 });
    abort.abort();
    await live.next().catch(() => undefined);
    await expect.poll(() => doors.deps.bus.listenerCount()).toBe(listeners);

    await offerToBob(17, 12);
    const replay = bob.notifications
      .subscribe({ lastEventId: String(first.value?.id) })
      [Symbol.asyncIterator]();
    const missed = await replay.next();
    expect(missed.value?.id).toBeGreaterThan(first.value?.id ?? 0n);
    expect(JSON.parse(missed.value?.payloadJson ?? "{}")).toMatchObject({ seatId: 17 });
    await replay.return?.();
  });
});
