import { describe, expect, it } from "vitest";
import {
  clientRequests,
  spaBooking,
  spaFinderFirstLoad,
  spaLogin,
  typedClientBranches,
  typedClientMine,
  typedClientSeatsList,
} from "../src/client-requests";

const windowAt = (day: number, hour: number, branch?: string) => ({
  ...(branch ? { branch } : {}),
  startTime: new Date(Date.UTC(2031, 0, day, hour)).toISOString(),
  endTime: new Date(Date.UTC(2031, 0, day, hour + 1, 30)).toISOString(),
});

// The load generator makes requests from one recording each; they must be exactly what the
// clients' own links send for the same token and input.
describe("the bench's requests", () => {
  it("are what the SPA's and the typed client's links send, for any token and input", async () => {
    const made = await clientRequests();
    for (let i = 0; i < 20; i++) {
      const token = `token-${i}-${Math.random().toString(36).slice(2)}`;
      const window = windowAt(1 + (i % 28), i % 20, i % 3 === 0 ? undefined : `Branch "${i}" & ü`);
      const booking = { seatId: 1 + i * 7, startTime: window.startTime, endTime: window.endTime };
      const credentials = { studentId: `S${i}`, password: `pässword ${i} "$&"` };
      expect(made.finder(token, window)).toEqual(await spaFinderFirstLoad(token, window));
      const madeBooking = made.booking(token, booking);
      const key = madeBooking.headers["idempotency-key"];
      expect(key).toMatch(/^[0-9a-f-]{36}$/);
      expect(madeBooking).toEqual(await spaBooking(token, booking, key));
      // Each booking made is a new action: a new key.
      expect(made.booking(token, booking).headers["idempotency-key"]).not.toBe(key);
      expect(made.login(credentials)).toEqual(await spaLogin("", credentials));
      expect(made.seats(token, window)).toEqual(await typedClientSeatsList(token, window));
      expect(made.branches(token)).toEqual(await typedClientBranches(token));
      expect(made.mine(token)).toEqual(await typedClientMine(token));
    }
  });

  it("batch as the clients do: one request per page action, `?batch=1`", async () => {
    const finder = await spaFinderFirstLoad("t", windowAt(3, 9));
    expect(finder.method).toBe("GET");
    expect(finder.path).toMatch(
      /^\/trpc\/notifications\.list,reservations\.mine,auth\.me,branches\.list,seats\.list\?batch=1&input=/,
    );
    const booking = await spaBooking("t", { seatId: 5, ...windowAt(3, 9) });
    expect(booking).toMatchObject({ method: "POST", path: "/trpc/reservations.create?batch=1" });
    expect(JSON.parse(booking.body ?? "")).toEqual({ 0: { seatId: 5, ...windowAt(3, 9) } });
  });
});
