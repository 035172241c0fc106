import { reservations } from "@dlsms/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grpcClients, grpcCode } from "./grpc-harness";
import { call, type Doors, loginAs, startDoors, tomorrowAt } from "./rest-harness";

// Acceptance 5: 20 students race for one slot via REST, and 20 via gRPC: one winner each.
let doors: Doors;
let tokens: string[];
beforeAll(async () => {
  doors = await startDoors();
  const seeded = await Promise.all(
    Array.from({ length: 10 }, (_, i) => loginAs(doors.url, `S20210${String(i + 1).padStart(2, "0")}`)),
  );
  const extra: string[] = [];
  for (let i = 0; i < 10; i++) {
    const res = await call(doors.url, "POST", "/auth/register", {
      body: {
        student_id: `S2097${String(i).padStart(3, "0")}`,
        password: "long enough password",
        name: `Racer ${i}`,
      },
    });
    extra.push(res.body.token);
  }
  tokens = [...seeded, ...extra];
});
afterAll(() => doors?.stop());

describe("races", () => {
  it("REST: 20 students, one seat and slot → one 201, nineteen 409", async () => {
    const body = { seat_id: 25, start_time: tomorrowAt(10), end_time: tomorrowAt(12) };
    const results = await Promise.all(
      tokens.map((token) => call(doors.url, "POST", "/reservations", { token, body })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    expect(await doors.database.db.$count(reservations)).toBe(1);
  });

  it("gRPC: 20 students, one seat and slot → one OK, nineteen ALREADY_EXISTS", async () => {
    const slot = { userId: 0, seatId: 26, startTime: tomorrowAt(14), endTime: tomorrowAt(16) };
    const codes = await Promise.all(
      tokens.map((token) => grpcCode(grpcClients(doors.grpcUrl, token).reservations.createReservation(slot))),
    );
    expect(codes.filter((c) => c === "OK")).toHaveLength(1);
    expect(codes.filter((c) => c === "AlreadyExists")).toHaveLength(19);
    expect(await doors.database.db.$count(reservations)).toBe(2);
  });
});
