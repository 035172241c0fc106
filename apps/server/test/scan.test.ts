import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerStudents, startTestServer, type TestServer } from "./helpers";

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(() => ts?.stop());

describe("scan to sit through the real server", () => {
  it("20 students scan one free seat's code at once over HTTP: one booked and checked in, 19 taken", async () => {
    const tokens = await registerStudents(ts, "QR", 20);
    const { code } = await ts.client().seats.label.query({ id: 30 });
    const results = await Promise.all(
      tokens.map((t) => ts.client(t).reservations.scan.mutate({ seatCode: code })),
    );
    const booked = results.filter((r) => r.outcome === "booked");
    expect(booked).toHaveLength(1);
    expect(booked[0]?.reservation?.status).toBe("CHECKED_IN");
    expect(
      results
        .filter((r) => r.outcome === "taken")
        .every((r) => r.freeFrom === booked[0]?.reservation?.endTime),
    ).toBe(true);
    // The seat shows as taken now, and exactly one reservation holds it.
    const seat = await ts.client(tokens[0]).seats.get.query({ id: 30 });
    expect(seat.available).toBe(false);
  });
});
