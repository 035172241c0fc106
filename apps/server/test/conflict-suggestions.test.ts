import type { SeatSuggestion } from "@dlsms/api";
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerStudents, startTestServer, type TestServer, tomorrowAt } from "./helpers";
import { call } from "./rest-harness";

// Acceptance 3 of issue 22: a taken seat's conflict answer lists free seats for the same window.
let ts: TestServer;
let tokens: string[];
beforeAll(async () => {
  ts = await startTestServer();
  tokens = await registerStudents(ts, "SG", 6);
});
afterAll(() => ts?.stop());

const token = (i: number) => tokens[i] as string;
const windowAt = (hour: number) => ({
  startTime: tomorrowAt(hour).toISOString(),
  endTime: tomorrowAt(hour + 2).toISOString(),
});

/** The tRPC refusal of a booking, with its suggestions (the call must fail). */
async function refusal(who: string, seatId: number, window: { startTime: string; endTime: string }) {
  try {
    await ts.client(who).reservations.create.mutate({ seatId, ...window });
  } catch (error) {
    if (!(error instanceof TRPCClientError)) throw error;
    const data = error.data as { code: string; suggestions?: SeatSuggestion[] };
    return { code: data.code, message: error.message, suggestions: data.suggestions };
  }
  throw new Error("the booking succeeded");
}

/** Each suggested seat is bookable for the window: free, in service, its branch open. */
async function allFree(seatIds: number[], window: { startTime: string; endTime: string }) {
  const client = ts.client(token(5));
  const answers = await Promise.all(
    seatIds.map((seatId) =>
      client.seats.availability.query({ seatId, from: window.startTime, to: window.endTime }),
    ),
  );
  return answers.every((a) => a.available);
}

describe("the conflict answer suggests free seats (tRPC)", () => {
  it("same area first, then the rest of the branch; never a busy seat", async () => {
    const window = windowAt(9);
    // Quiet Zone (Science Library) has seats 36 and 37; 35 (Reading Room) is busy too.
    await ts.client(token(0)).reservations.create.mutate({ seatId: 36, ...window });
    await ts.client(token(1)).reservations.create.mutate({ seatId: 35, ...window });

    const answer = await refusal(token(2), 36, window);
    expect(answer.code).toBe("CONFLICT");
    expect(answer.message).toMatch(/already booked/);
    const suggestions = answer.suggestions ?? [];
    expect(suggestions).toHaveLength(5);
    expect(suggestions[0]).toEqual({
      seatId: 37,
      code: "SL-12",
      branch: "Science Library",
      area: "Quiet Zone",
      hasPower: true,
      hasMonitor: false,
    });
    // Then the Science Library, nearest first, seats without power (33, 34) last; 35 is busy.
    expect(suggestions.map((s) => s.seatId)).toEqual([37, 32, 31, 30, 29]);
    expect(suggestions.every((s) => s.branch === "Science Library")).toBe(true);
    expect(
      await allFree(
        suggestions.map((s) => s.seatId),
        window,
      ),
    ).toBe(true);
  });

  it("prefers seats with the asked seat's power and monitor", async () => {
    const window = windowAt(12);
    // ML-04 (seat 4) has power and a monitor, as do 5, 11 and 15 in its area; 5 is taken.
    await ts.client(token(0)).reservations.create.mutate({ seatId: 4, ...window });
    await ts.client(token(1)).reservations.create.mutate({ seatId: 5, ...window });
    const { suggestions } = await refusal(token(2), 4, window);
    const ids = (suggestions ?? []).map((s) => s.seatId);
    expect(ids).toEqual([11, 15, 3, 2, 1]);
    expect((suggestions ?? []).slice(0, 2).every((s) => s.hasPower && s.hasMonitor)).toBe(true);
    expect(await allFree(ids, window)).toBe(true);
  });

  it("fills up from other branches when the branch has fewer free seats", async () => {
    const window = windowAt(15);
    // The Engineering Library (38–50) is all taken but 50; 48 has power and a monitor.
    const takers = await registerStudents(ts, "SGX", 12);
    await Promise.all(
      takers.map((who, i) => ts.client(who).reservations.create.mutate({ seatId: 38 + i, ...window })),
    );
    const { suggestions } = await refusal(token(4), 48, window);
    // Then the Main Library's seats with power and a monitor, in order (branches in name order).
    expect((suggestions ?? []).map((s) => `${s.seatId} ${s.branch}`)).toEqual([
      "50 Engineering Library",
      "4 Main Library",
      "5 Main Library",
      "11 Main Library",
      "15 Main Library",
    ]);
    expect(await allFree([50, 4, 5, 11, 15], window)).toBe(true);
  });

  it("a clash with the student's own booking carries no suggestions", async () => {
    const window = windowAt(18);
    await ts.client(token(3)).reservations.create.mutate({ seatId: 20, ...window });
    const answer = await refusal(token(3), 21, window);
    expect(answer.code).toBe("CONFLICT");
    expect(answer.suggestions).toBeUndefined();
  });
});

describe("the conflict answer suggests free seats (REST)", () => {
  it("409 with suggestions: same area first, none busy", async () => {
    const window = windowAt(7);
    const body = (seatId: number) => ({
      seat_id: seatId,
      start_time: window.startTime,
      end_time: window.endTime,
    });
    const post = (i: number, seatId: number) =>
      call(ts.url, "POST", "/reservations", { token: token(i), body: body(seatId) });
    expect((await post(0, 26)).status).toBe(201);
    expect((await post(1, 27)).status).toBe(201);
    const lost = await post(2, 26);
    expect(lost.status).toBe(409);
    expect(lost.body.error).toMatch(/already booked/);
    const suggestions = lost.body.suggestions as {
      seat_id: number;
      seat_code: string;
      branch: string;
      area: string;
    }[];
    expect(suggestions[0]).toEqual({
      seat_id: 28,
      seat_code: "SL-03",
      branch: "Science Library",
      area: "Research Zone",
    });
    // Research Zone (26–30) first: 28, 29, 30 (27 is busy), then the rest of the branch, the
    // seat with a monitor (35) before those without.
    expect(suggestions.map((s) => s.seat_id)).toEqual([28, 29, 30, 35, 31]);
    expect(suggestions.slice(0, 3).every((s) => s.area === "Research Zone")).toBe(true);
    expect(
      await allFree(
        suggestions.map((s) => s.seat_id),
        window,
      ),
    ).toBe(true);
  });
});
