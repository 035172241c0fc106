import type { ApiDeps } from "@dlsms/api";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import QRCode from "qrcode";
import { callerFor, type RestEnv } from "./context";
import { idParam } from "./params";
import { errorResponse } from "./schemas";

const seatQr = createRoute({
  method: "get",
  path: "/seats/{id}/qr.svg",
  tags: ["seats"],
  summary: "The QR code to print on a seat: it opens <PUBLIC_URL>/s/<seat code> (scan to sit)",
  description:
    "No token needed: the code encodes only the seat's code, which is printed beside it anyway, and " +
    "printed sheets load it as an image.",
  request: { params: idParam() },
  responses: {
    200: { content: { "image/svg+xml": { schema: z.string() } }, description: "An SVG QR code" },
    400: errorResponse("Invalid id"),
    404: errorResponse("Seat not found"),
  },
});

/** The page a seat's QR code opens; the SPA's /s/<code> route checks in, books or offers the waitlist. */
export const scanUrl = (publicUrl: string, seatCode: string) =>
  `${publicUrl.replace(/\/+$/, "")}/s/${encodeURIComponent(seatCode)}`;

export function registerSeatQrRoute(app: OpenAPIHono<RestEnv>, deps: ApiDeps, publicUrl: () => string): void {
  app.openapi(seatQr, async (c) => {
    const { id } = c.req.valid("param");
    const seat = await callerFor(deps, c).seats.label({ id });
    // Medium error correction survives a scuffed sticker; the quiet zone of 2 modules is enough on paper.
    const svg = await QRCode.toString(scanUrl(publicUrl(), seat.code), {
      type: "svg",
      errorCorrectionLevel: "M",
      margin: 2,
    });
    return c.body(svg, 200, {
      "content-type": "image/svg+xml; charset=utf-8",
      "cache-control": "public, max-age=3600",
    }) as never;
  });
}
