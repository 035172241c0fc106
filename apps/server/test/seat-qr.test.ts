import { Resvg } from "@resvg/resvg-js";
import jsQR from "jsqr";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./helpers";

/** Renders an SVG as a QR scanner's camera would see it and decodes it. */
function decodeQr(svg: string): string | undefined {
  const image = new Resvg(svg, { fitTo: { mode: "width", value: 400 }, background: "white" }).render();
  return jsQR(new Uint8ClampedArray(image.pixels), image.width, image.height)?.data;
}

describe("a QR code per seat", () => {
  let app: TestServer;
  let seeded: TestServer;
  beforeAll(async () => {
    [app, seeded] = await Promise.all([
      startTestServer({ PUBLIC_URL: "https://seats.example.edu/" }),
      startTestServer(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([app?.stop(), seeded?.stop()]);
  });

  it("GET /api/seats/{id}/qr.svg is an SVG that decodes to <PUBLIC_URL>/s/<seat code>", async () => {
    const label = await app.client().seats.label.query({ id: 3 });
    const res = await fetch(`${app.url}/api/seats/3/qr.svg`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
    const svg = await res.text();
    expect(svg).toMatch(/^<svg /);
    expect(decodeQr(svg)).toBe(`https://seats.example.edu/s/${encodeURIComponent(label.code)}`);
  });

  it("without PUBLIC_URL the link points at this server's own port", async () => {
    const label = await seeded.client().seats.label.query({ id: 1 });
    const svg = await (await fetch(`${seeded.url}/api/seats/1/qr.svg`)).text();
    expect(decodeQr(svg)).toBe(`http://localhost:${seeded.server.port}/s/${encodeURIComponent(label.code)}`);
  });

  it("every seat's code is different and decodes to its own seat", async () => {
    const codes = await Promise.all(
      [1, 2, 3, 4, 5].map(async (id) =>
        decodeQr(await (await fetch(`${app.url}/api/seats/${id}/qr.svg`)).text()),
      ),
    );
    expect(new Set(codes).size).toBe(5);
  });

  it("an unknown seat is 404 and a bad id 400, as JSON", async () => {
    const missing = await fetch(`${app.url}/api/seats/999999/qr.svg`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: "Seat 999999 does not exist" });
    const bad = await fetch(`${app.url}/api/seats/abc/qr.svg`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/id must be a positive whole number/);
  });
});
