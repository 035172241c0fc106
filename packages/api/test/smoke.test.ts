import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestApi, type TestApi } from "../src/testing";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api?.destroy());

it("logs in and lists branches", async () => {
  const session = await api.anonymous.auth.login({ studentId: "S2021001", password: "password123" });
  expect(session.user).toMatchObject({
    id: 1,
    name: "Alice Johnson",
    studentId: "S2021001",
    role: "student",
  });
  const alice = await api.as(1);
  const branches = await alice.branches.list();
  expect(branches.map((b) => [b.name, b.seatCount, b.availableNow])).toEqual([
    ["Engineering Library", 13, 13],
    ["Main Library", 25, 25],
    ["Science Library", 12, 12],
  ]);
  const start = new Date(Date.now() + 60 * 60_000);
  const end = new Date(start.getTime() + 60 * 60_000);
  const r = await alice.reservations.create({
    seatId: 3,
    startTime: start.toISOString(),
    endTime: end.toISOString(),
  });
  expect(r.status).toBe("CONFIRMED");
  const bob = await api.as(2);
  await expect(
    bob.reservations.create({ seatId: 3, startTime: start.toISOString(), endTime: end.toISOString() }),
  ).rejects.toMatchObject({ code: "CONFLICT" });
  const seats = await bob.seats.list({
    startTime: start.toISOString(),
    endTime: end.toISOString(),
    branch: "Main Library",
  });
  expect(seats.find((s) => s.id === 3)?.available).toBe(false);
  expect(seats).toHaveLength(25);
});
