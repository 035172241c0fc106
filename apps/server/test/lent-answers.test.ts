import { connect, type Socket } from "node:net";
import { ADMIN_STUDENT_ID } from "@dlsms/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMinutes, registerStudents, startTestServer, type TestServer, tomorrowAt } from "./helpers";

// A seat listing's first answer is written from a lent buffer that goes back for reuse once
// the socket has taken it (cached-reads.ts). Given back too early, a later answer would
// overwrite bytes still queued for a client that reads slowly. This fills one connection's
// queue with pipelined answers it does not read, has other connections take many lent buffers
// meanwhile, then checks every queued answer byte for byte.
let ts: TestServer;
let token: string;
const BRANCH = "Stacks Annex";
const SEATS = 250; // ~36 KB answers, like a campus branch

beforeAll(async () => {
  ts = await startTestServer();
  const login = await ts
    .client()
    .auth.login.mutate({ studentId: ADMIN_STUDENT_ID, password: "admin-password" });
  const admin = ts.client(login.token);
  await admin.admin.createBranch.mutate({ name: BRANCH, code: "SA" });
  const seatIds: number[] = [];
  for (let i = 0; i < SEATS; i++) {
    const seat = await admin.admin.createSeat.mutate({
      branch: BRANCH,
      area: `Floor ${i % 5}`,
      hasPower: i % 3 === 0,
      hasMonitor: i % 7 === 0,
    });
    seatIds.push(seat.id);
  }
  // Bookings spread over the day, so listings differ from window to window.
  const students = await registerStudents(ts, "LENT", 12);
  await Promise.all(
    students.flatMap((student, k) =>
      [0, 1, 2].map((j) => {
        const startTime = tomorrowAt(8 + j * 4 + (k % 4), (k % 4) * 15);
        return ts.client(student).reservations.create.mutate({
          seatId: seatIds[(k * 37 + j * 91) % SEATS] as number,
          startTime: startTime.toISOString(),
          endTime: addMinutes(startTime, 60 + 15 * j).toISOString(),
        });
      }),
    ),
  );
  token = students[0] as string;
}, 120_000);
afterAll(() => ts?.stop());

/** Every quarter hour from 08:00 to 19:45 tomorrow, 15 minutes to 2 hours long. */
function windows(extra: Record<string, unknown> = {}) {
  const out: Record<string, unknown>[] = [];
  for (let quarter = 0; quarter < 48; quarter++) {
    for (let length = 1; length <= 8; length++) {
      const start = tomorrowAt(8, quarter * 15);
      out.push({
        branch: BRANCH,
        startTime: start.toISOString(),
        endTime: addMinutes(start, length * 15).toISOString(),
        ...extra,
      });
    }
  }
  return out;
}

const pathOf = (input: unknown) => `/trpc/seats.list?input=${encodeURIComponent(JSON.stringify(input))}`;

/** Reads `count` HTTP/1.1 answers (content-length framed) from a connection, once it is read. */
function readAnswers(socket: Socket, count: number): Promise<{ status: number; body: string }[]> {
  const answers: { status: number; body: string }[] = [];
  let pending = Buffer.alloc(0);
  return new Promise((resolve, reject) => {
    socket.on("error", reject);
    socket.on("close", () => reject(new Error(`closed after ${answers.length} of ${count} answers`)));
    socket.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const headEnd = pending.indexOf("\r\n\r\n");
        if (headEnd === -1) return;
        const head = pending.subarray(0, headEnd).toString("latin1");
        const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1]);
        const bodyEnd = headEnd + 4 + length;
        if (pending.length < bodyEnd) return;
        answers.push({
          status: Number(head.slice(9, 12)),
          body: pending.subarray(headEnd + 4, bodyEnd).toString(),
        });
        pending = pending.subarray(bodyEnd);
        if (answers.length === count) return resolve(answers);
      }
    });
  });
}

describe("seat listings answered from lent buffers", () => {
  it("never overwrites an answer still queued for a client that is not reading", async () => {
    const queued = windows();
    const host = new URL(ts.url);
    const socket = connect(Number(host.port), host.hostname);
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    // Pipelined, and not read yet: the answers pile up in the kernel's buffers, then in the
    // server's socket queue, each in its own lent buffer.
    socket.write(
      queued
        .map((input) => `GET ${pathOf(input)} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${token}\r\n\r\n`)
        .join(""),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    // Meanwhile other clients get lent buffers for other listings (power seats only).
    const others = await Promise.all(
      windows({ hasPower: true }).map(async (input) => {
        const res = await fetch(`${ts.url}${pathOf(input)}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        return { status: res.status, body: await res.text() };
      }),
    );
    expect(others.every((answer) => answer.status === 200)).toBe(true);

    const answers = await readAnswers(socket, queued.length);
    socket.destroy();

    // The same windows asked again now (nothing changed since): the listing each answer held.
    const expected = await Promise.all(
      queued.map(async (input) => {
        const res = await fetch(`${ts.url}${pathOf(input)}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        return res.text();
      }),
    );
    expect(new Set(expected).size).toBeGreaterThan(20); // the listings really differ
    expect(answers.map((a) => a.status)).toEqual(queued.map(() => 200));
    const wrong = answers.filter((answer, i) => answer.body !== expected[i]).length;
    expect(wrong).toBe(0);
    // And the other clients' answers are the listings they asked for.
    for (const [i, input] of windows({ hasPower: true }).entries()) {
      const data = (JSON.parse(others[i]?.body ?? "{}") as { result: { data: { hasPower: boolean }[] } })
        .result.data;
      expect(data.length, JSON.stringify(input)).toBeGreaterThan(0);
      expect(data.every((seat) => seat.hasPower)).toBe(true);
    }
  }, 60_000);
});
