import SwaggerParser from "@apidevtools/swagger-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, type Doors, startDoors } from "./rest-harness";

// Acceptance 7: /api/openapi.json is a valid OpenAPI 3 document listing every route; /api/docs
// is a reference page whose assets are served locally (no CDN).
let doors: Doors;
beforeAll(async () => {
  doors = await startDoors();
});
afterAll(() => doors?.stop());

const ROUTES = [
  "get /api/healthz",
  "post /api/auth/login",
  "post /api/auth/register",
  "get /api/seats",
  "get /api/seats/{id}",
  "get /api/seats/{id}/availability",
  "get /api/seats/{id}/qr.svg",
  "get /api/branches",
  "post /api/reservations",
  "get /api/reservations",
  "get /api/reservations/mine",
  "get /api/reservations/{id}",
  "delete /api/reservations/{id}",
  "post /api/reservations/{id}/checkin",
  "post /api/reservations/{id}/release",
  "post /api/reservations/{id}/claim",
  "post /api/reservations/{id}/decline",
  "post /api/waitlist",
  "get /api/waitlist/mine",
  "delete /api/waitlist/{id}",
  "get /api/notifications/stream",
  "get /api/admin/reports.csv",
  "post /api/admin/branches",
  "patch /api/admin/branches/{id}",
  "post /api/admin/seats",
  "patch /api/admin/seats/{id}",
  "get /api/admin/seats/{id}/retire",
  "post /api/admin/seats/{id}/retire",
  "post /api/admin/book-for",
  "get /api/admin/students",
  "get /api/reservations/{id}/history",
  "post /api/admin/pardon",
];

describe("OpenAPI", () => {
  it("is valid OpenAPI 3 and lists every route", async () => {
    const res = await call(doors.url, "GET", "/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    const listed = Object.entries(res.body.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`),
    );
    expect(listed.sort()).toEqual([...ROUTES].sort());
    // validate() dereferences in place: give it a copy.
    await expect(SwaggerParser.validate(structuredClone(res.body))).resolves.toBeTruthy();
  });

  it("marks protected routes with bearer security", async () => {
    const doc = (await call(doors.url, "GET", "/openapi.json")).body;
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.paths["/api/seats"].get.security).toEqual([{ bearer: [] }]);
    expect(doc.paths["/api/auth/login"].post.security).toBeUndefined();
  });

  it("serves a reference page with local assets", async () => {
    const page = await fetch(`${doors.url}/api/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("/api/openapi.json");
    expect(html).not.toMatch(/https?:\/\//);
    for (const asset of ["swagger-ui-bundle.js", "swagger-ui.css"]) {
      const res = await fetch(`${doors.url}/api/docs/${asset}`);
      expect(res.status).toBe(200);
      expect((await res.text()).length).toBeGreaterThan(1000);
    }
    expect((await fetch(`${doors.url}/api/docs/../../etc/passwd`)).status).toBe(404);
  });
});
