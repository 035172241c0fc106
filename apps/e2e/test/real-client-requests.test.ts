import { spaBooking, spaFinderFirstLoad, spaSeatDetail } from "@dlsms/bench/client-requests";
import { fastPathStats } from "@dlsms/server/src/trpc-fast-path";
import type { Request } from "playwright-core";
import { describe, expect, it } from "vitest";
import { loginWithKeyboard, newPage } from "../src/browser";
import { useSuite } from "../src/suite";

const e2e = useSuite();

/** The calls of a recorded tRPC request: its procedures and their inputs by batch index. */
function callsOf(request: Request) {
  const url = new URL(request.url());
  const paths = url.pathname.slice("/trpc/".length).split(",");
  const raw = request.method() === "GET" ? url.searchParams.get("input") : request.postData();
  const inputs = JSON.parse(raw ?? "{}") as Record<string, unknown>;
  return { url, paths, input: (path: string) => inputs[paths.indexOf(path)] };
}

const sentAs = (request: Request) => {
  const url = new URL(request.url());
  return {
    method: request.method(),
    path: `${url.pathname}${url.search}`,
    body: request.postData() ?? undefined,
  };
};

// `pnpm bench` sends what bench/src/client-requests.ts makes through the SPA's link: here the
// SPA itself, in Chromium, must send exactly that for the same student and inputs.
describe("the bench's SPA requests are the SPA's", () => {
  it("for the finder's first load, a seat's dialog and a booking", async () => {
    const { context, page } = await newPage(e2e.browser, e2e.server.url);
    const sent: Request[] = [];
    page.on("request", (r) => {
      if (new URL(r.url()).pathname.startsWith("/trpc/")) sent.push(r);
    });
    const answeredBefore = fastPathStats.answered;
    await loginWithKeyboard(page, "S2021004");
    await page.locator('.tile[data-state="free"]').first().waitFor();
    const token = (await page.evaluate(() => localStorage.getItem("dlsms.token"))) ?? "";
    const auth = { authorization: `Bearer ${token}` };

    const firstLoad = sent.find((r) => r.url().includes("seats.list"));
    if (!firstLoad) throw new Error("the finder sent no seats.list");
    const window = callsOf(firstLoad).input("seats.list") as { startTime: string; endTime: string };
    const bench = await spaFinderFirstLoad(token, window);
    expect(sentAs(firstLoad)).toEqual({ method: bench.method, path: bench.path, body: undefined });
    expect(await firstLoad.allHeaders()).toMatchObject(auth);

    const tile = page.locator('.tile[data-state="free"]').first();
    const code = (await tile.locator(".code").textContent()) ?? "";
    await tile.click();
    const dialog = page.getByRole("dialog", { name: `Seat ${code}` });
    await dialog.waitFor();
    await expect.poll(() => sent.some((r) => r.url().includes("seats.get"))).toBe(true);
    const detail = sent.find((r) => r.url().includes("seats.get")) as Request;
    const asked = callsOf(detail).input("seats.availability") as { seatId: number; from: string; to: string };
    const benchDetail = await spaSeatDetail(token, asked.seatId, asked.from, asked.to);
    expect(sentAs(detail)).toEqual({ method: benchDetail.method, path: benchDetail.path, body: undefined });

    await dialog.getByRole("button", { name: "Book", exact: true }).click();
    await dialog.getByText("This seat is yours").waitFor();
    const booking = sent.find((r) => r.url().includes("reservations.create")) as Request;
    const input = callsOf(booking).input("reservations.create") as Parameters<typeof spaBooking>[1];
    // The booking action's own Idempotency-Key: the bench sends one, fresh per booking, too.
    const key = (await booking.allHeaders())["idempotency-key"];
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    const benchBooking = await spaBooking(token, input, key);
    expect(sentAs(booking)).toEqual({
      method: benchBooking.method,
      path: benchBooking.path,
      body: benchBooking.body,
    });
    expect(await booking.allHeaders()).toMatchObject({
      ...auth,
      "content-type": "application/json",
      "idempotency-key": benchBooking.headers["idempotency-key"],
    });

    // Every one of those requests was answered by the server's fast path.
    expect(fastPathStats.answered - answeredBefore).toBeGreaterThanOrEqual(3);
    await context.close();
  });
});
