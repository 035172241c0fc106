import { runSweep } from "@dlsms/api/server";
import { reservations } from "@dlsms/db";
import { eq } from "@dlsms/db/drizzle";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grpcClients } from "./grpc-harness";
import { outcome, registerStudents, startTestServer, type TestServer } from "./helpers";
import { call } from "./rest-harness";

let ts: TestServer;
let tokens: string[];
beforeAll(async () => {
  ts = await startTestServer({ GRPC_PORT: "0" });
  tokens = await registerStudents(ts, "AWY", 8);
});
afterAll(() => ts?.stop());

/** Student `i` takes seat `seatId` by scanning it: a walk-up booking, checked in at once. */
async function sitDown(i: number, seatId: number) {
  const client = ts.client(tokens[i]);
  const { code } = await ts.client().seats.label.query({ id: seatId });
  const scanned = await client.reservations.scan.mutate({ seatCode: code });
  expect(scanned.outcome).toBe("booked");
  const reservation = scanned.reservation;
  if (!reservation) throw new Error("scan booked nothing");
  return { client, reservation, code };
}

/** One sweeper pass at `now` (past the break's end), its effects flushed as the server's sweeper does. */
async function sweepAt(now: Date) {
  const { deps } = ts.server;
  const { result, effects } = await runSweep(deps.db, deps.config.rules, now);
  await effects.flush(deps);
  return result;
}

const statusOf = async (id: number) =>
  (await ts.database.db.select().from(reservations).where(eq(reservations.id, id)))[0]?.status;

describe("away breaks through the real server (tRPC over HTTP)", () => {
  it("acceptance 3: a 1-minute break with a waiter → COMPLETED and the waiter holds an offer", async () => {
    const { client, reservation } = await sitDown(0, 31);
    const waiter = ts.client(tokens[1]);
    await waiter.waitlist.join.mutate({
      seatId: 31,
      desiredStart: new Date(Date.now() + 2 * 60_000).toISOString(),
      desiredEnd: reservation.endTime,
    });
    const away = await client.reservations.away.mutate({ id: reservation.id, minutes: 1 });
    expect(away.status).toBe("AWAY");
    // The seat map shows it taken, with when the break ends.
    const seat = await waiter.seats.get.query({ id: 31 });
    expect(seat.available).toBe(false);
    expect(seat.busy.find((b) => b.awayUntil)?.awayUntil).toBe(away.awayUntil);

    const result = await sweepAt(new Date(Date.parse(away.awayUntil ?? "") + 1000));
    expect(result.breaksEnded).toBe(1);
    const ended = await client.reservations.get.query({ id: reservation.id });
    expect(ended.status).toBe("COMPLETED");
    expect(ended.endTime).toBe(away.awayUntil);
    const notes = await client.notifications.list.query({});
    expect(notes.some((n) => n.type === "AWAY_ENDED")).toBe(true);
    const [entry] = await waiter.waitlist.mine.query();
    expect(entry?.status).toBe("OFFERED");
    expect(entry?.offer).not.toBeNull();
    const history = await client.reservations.history.query({ id: reservation.id });
    expect(history.map((h) => h.action)).toEqual(["created", "checked_in", "stepped_away", "away_ended"]);
  });

  it("back within the break keeps it CHECKED_IN; a third break is refused; bad minutes change nothing", async () => {
    const { client, reservation } = await sitDown(2, 32);
    expect(await outcome(client.reservations.away.mutate({ id: reservation.id, minutes: 0 }))).toBe(
      "BAD_REQUEST",
    );
    expect(await outcome(client.reservations.away.mutate({ id: reservation.id, minutes: 31 }))).toBe(
      "BAD_REQUEST",
    );
    expect(await outcome(client.reservations.away.mutate({ id: reservation.id, minutes: 2.5 }))).toBe(
      "BAD_REQUEST",
    );
    expect(await statusOf(reservation.id)).toBe("CHECKED_IN");
    for (let i = 0; i < 2; i++) {
      await client.reservations.away.mutate({ id: reservation.id, minutes: 1 });
      expect((await client.reservations.back.mutate({ id: reservation.id })).status).toBe("CHECKED_IN");
    }
    expect(await outcome(client.reservations.away.mutate({ id: reservation.id, minutes: 1 }))).toBe(
      "BAD_REQUEST",
    );
    expect(await client.reservations.get.query({ id: reservation.id })).toMatchObject({
      status: "CHECKED_IN",
      awayBreaks: 2,
    });
    // Someone else's reservation: NOT_FOUND, nothing changes.
    expect(
      await outcome(ts.client(tokens[3]).reservations.away.mutate({ id: reservation.id, minutes: 1 })),
    ).toBe("NOT_FOUND");
  });

  it("10 simultaneous away calls on one reservation take exactly one break", async () => {
    const { client, reservation } = await sitDown(4, 33);
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        outcome(client.reservations.away.mutate({ id: reservation.id, minutes: 5 })),
      ),
    );
    expect(results.filter((r) => r === "OK")).toHaveLength(1);
    expect(results.filter((r) => r === "BAD_REQUEST")).toHaveLength(9);
    expect(await client.reservations.get.query({ id: reservation.id })).toMatchObject({
      status: "AWAY",
      awayBreaks: 1,
    });
  });

  it("another student cannot book the away seat for the rest of the reservation", async () => {
    const { client, reservation } = await sitDown(5, 34);
    await client.reservations.away.mutate({ id: reservation.id, minutes: 5 });
    const other = ts.client(tokens[6]);
    const start = new Date(Date.now() + 10 * 60_000);
    expect(
      await outcome(
        other.reservations.create.mutate({
          seatId: 34,
          startTime: start.toISOString(),
          endTime: reservation.endTime,
        }),
      ),
    ).toBe("CONFLICT");
    const { code } = await ts.client().seats.label.query({ id: 34 });
    expect((await other.reservations.scan.mutate({ seatCode: code })).outcome).toBe("taken");
  });

  it("an AWAY reservation reads CHECKED_IN on REST and gRPC (the original's clients know no AWAY)", async () => {
    const { client, reservation } = await sitDown(7, 35);
    await client.reservations.away.mutate({ id: reservation.id, minutes: 5 });
    expect(await statusOf(reservation.id)).toBe("AWAY");
    const token = tokens[7];

    const one = await call(ts.url, "GET", `/reservations/${reservation.id}`, { token });
    expect(one.status).toBe(200);
    expect(one.body.status).toBe("CHECKED_IN");
    const listed = await call(ts.url, "GET", "/reservations?status=CHECKED_IN", { token });
    expect(listed.body.reservations.map((r: { id: number; status: string }) => [r.id, r.status])).toEqual([
      [reservation.id, "CHECKED_IN"],
    ]);

    const grpc = grpcClients(`http://127.0.0.1:${ts.server.grpcPort}`, token);
    const got = await grpc.reservations.getReservation({ reservationId: reservation.id });
    expect(got.reservation?.status).toBe("CHECKED_IN");
    const mine = await grpc.reservations.getUserReservations({ userId: 0, status: "CHECKED_IN" });
    expect(mine.reservations.map((r) => [r.id, r.status])).toEqual([[reservation.id, "CHECKED_IN"]]);
  });
});
