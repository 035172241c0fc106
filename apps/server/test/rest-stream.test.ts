import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, type Doors, loginAs, startDoors, tomorrowAt } from "./rest-harness";

// Acceptance 6: GET /api/notifications/stream (SSE) — connected frame, live notifications with
// ids, Last-Event-ID replay, keepalive comments, and nothing left behind on disconnect.

interface Frame {
  id?: string;
  data?: string;
  comment?: string;
  event?: string;
}

/** A minimal SSE reader over fetch: frames are separated by a blank line. */
async function openStream(base: string, token: string, lastEventId?: string) {
  const controller = new AbortController();
  const res = await fetch(`${base}/api/notifications/stream`, {
    headers: { authorization: `Bearer ${token}`, ...(lastEventId ? { "last-event-id": lastEventId } : {}) },
    signal: controller.signal,
  });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const next = async (): Promise<Frame> => {
    for (;;) {
      const end = buffer.indexOf("\n\n");
      if (end !== -1) {
        const raw = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const frame: Frame = {};
        for (const line of raw.split("\n")) {
          if (line.startsWith(":")) frame.comment = line.slice(1).trim();
          else if (line.startsWith("id: ")) frame.id = line.slice(4);
          else if (line.startsWith("data: ")) frame.data = line.slice(6);
          else if (line.startsWith("event: ")) frame.event = line.slice(7);
        }
        return frame;
      }
      const { done, value } = await reader.read();
      if (done) throw new Error("stream ended");
      buffer += decoder.decode(value, { stream: true });
    }
  };
  /** The next frame carrying data (skipping keepalive comments). */
  const nextData = async (): Promise<Frame> => {
    for (;;) {
      const f = await next();
      if (f.data !== undefined) return f;
    }
  };
  return { res, next, nextData, close: () => controller.abort() };
}

let doors: Doors;
let alice: string;
let bob: string;
let carol: string;
beforeAll(async () => {
  doors = await startDoors({ keepaliveMs: 100 });
  alice = await loginAs(doors.url, "S2021001");
  bob = await loginAs(doors.url, "S2021002");
  carol = await loginAs(doors.url, "S2021003");
});
afterAll(() => doors?.stop());

/** Someone books `seat`, `waiter` queues for it, the booker cancels: the waiter gets an OFFER. */
async function offerTo(waiter: string, booker: string, seat: number, hour: number): Promise<void> {
  const booked = await call(doors.url, "POST", "/reservations", {
    token: booker,
    body: { seat_id: seat, start_time: tomorrowAt(hour), end_time: tomorrowAt(hour + 1) },
  });
  expect(booked.status).toBe(201);
  const queued = await call(doors.url, "POST", "/waitlist", {
    token: waiter,
    body: { seat_id: seat, desired_time: tomorrowAt(hour) },
  });
  expect(queued.status).toBe(201);
  expect((await call(doors.url, "DELETE", `/reservations/${booked.body.id}`, { token: booker })).status).toBe(
    200,
  );
}

describe("SSE /api/notifications/stream", () => {
  it("needs a token (401 JSON)", async () => {
    const res = await call(doors.url, "GET", "/notifications/stream");
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: "Authentication token required" });
  });

  it("connected first, then notifications with ids, keepalives, replay from Last-Event-ID, cleanup", async () => {
    const listenersBefore = doors.deps.bus.listenerCount();
    const stream = await openStream(doors.url, bob);
    expect(stream.res.status).toBe(200);
    expect(stream.res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const first = await stream.next();
    expect(JSON.parse(first.data ?? "")).toEqual({ type: "connected", user_id: 2 });
    expect(first.id).toBeUndefined();

    // A keepalive comment comes while nothing happens.
    let f = await stream.next();
    while (f.comment === undefined) f = await stream.next();
    expect(f.comment).toBe("keepalive");

    await offerTo(bob, alice, 6, 10);
    const offer = await stream.nextData();
    expect(offer.id).toMatch(/^\d+$/);
    const body = JSON.parse(offer.data ?? "");
    expect(body).toMatchObject({ type: "offer", seat_id: 6 });
    expect(body.payload.reservation_id).toEqual(expect.any(Number));
    expect(body.timestamp).toMatch(/Z$/);

    stream.close();
    await expect.poll(() => doors.rest.openStreams()).toBe(0);
    await expect.poll(() => doors.deps.bus.listenerCount()).toBe(listenersBefore);

    // While Bob is away, a second offer; reconnecting with Last-Event-ID replays only that one.
    await offerTo(bob, carol, 8, 13);
    const again = await openStream(doors.url, bob, offer.id);
    expect(JSON.parse((await again.next()).data ?? "")).toEqual({ type: "connected", user_id: 2 });
    const replayed = await again.nextData();
    expect(Number(replayed.id)).toBeGreaterThan(Number(offer.id));
    expect(JSON.parse(replayed.data ?? "")).toMatchObject({ type: "offer", seat_id: 8 });
    again.close();
    await expect.poll(() => doors.rest.openStreams()).toBe(0);
  });

  it("only the owner's notifications reach a stream", async () => {
    const carolStream = await openStream(doors.url, carol);
    await carolStream.next();
    await offerTo(alice, bob, 11, 16);
    // Carol sees keepalives only; a notification for Alice would arrive as data.
    for (let i = 0; i < 3; i++) expect((await carolStream.next()).data).toBeUndefined();
    carolStream.close();
  });

  it("the server closing ends open streams", async () => {
    const s = await openStream(doors.url, alice);
    await s.next();
    expect(doors.rest.openStreams()).toBe(1);
    doors.rest.close();
    await expect(async () => {
      for (;;) await s.next();
    }).rejects.toThrow();
    expect(doors.rest.openStreams()).toBe(0);
  });
});
