import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestProvider, type TestProvider } from "../../server/test/oidc-provider-harness";
import { expectAxeClean, launchBrowser, newPage, PHONE, screenshot } from "../src/browser";
import { type E2eServer, startServer } from "../src/server";

// Campus sign-in in a real browser: the login page's link, the real provider's own login and
// consent pages (oidc-provider's development pages), and back into the SPA signed in.
let provider: TestProvider;
let server: E2eServer;
let browser: Browser;
let publicUrl: string;

beforeAll(async () => {
  provider = await startTestProvider({ "erin-sub": { preferred_username: "S2026101", name: "Erin Campus" } });
  server = await startServer({
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: provider.clientId,
    OIDC_CLIENT_SECRET: provider.clientSecret,
  });
  // PUBLIC_URL unset: the server's own address on its port.
  publicUrl = `http://localhost:${server.server.port}`;
  provider.start(`${publicUrl}/auth/oidc/callback`);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await provider?.close();
});

describe("Sign in with your campus account", () => {
  it("takes a student through the provider's pages and lands them in the SPA signed in (390 px)", async () => {
    const { context, page } = await newPage(browser, publicUrl, PHONE);
    try {
      await page.goto("/");
      const link = page.getByRole("link", { name: "Sign in with your campus account" });
      await link.waitFor();
      await expectAxeClean(page);
      await screenshot(page, "login-campus-phone");
      await link.click();
      // The provider's login page, then its consent page.
      await page.locator('input[name="login"]').fill("erin-sub");
      await page.locator('input[name="password"]').fill("any");
      await page.locator('button[type="submit"]').click();
      await page.getByRole("button", { name: "Continue" }).click();
      await page.getByRole("heading", { name: "Find a seat" }).waitFor();
      // The session came in the fragment, which the SPA took and removed from the address bar.
      expect(new URL(page.url()).hash).toBe("");
      expect(page.url().startsWith(publicUrl)).toBe(true);
      const token = await page.evaluate(() => localStorage.getItem("dlsms.token"));
      expect(token).toBeTruthy();
      expect(await server.api(token ?? "").auth.me.query()).toMatchObject({
        studentId: "S2026101",
        name: "Erin Campus",
        role: "student",
      });
      await expectAxeClean(page);
      // A reload keeps the student signed in, like a password login.
      await page.reload();
      await page.getByRole("heading", { name: "Find a seat" }).waitFor();
    } finally {
      await context.close();
    }
  });

  it("a refused callback shows a page saying so and signs nobody in", async () => {
    const { context, page } = await newPage(browser, publicUrl, PHONE);
    try {
      const answer = await page.goto("/auth/oidc/callback?code=forged&state=forged");
      expect(answer?.status()).toBe(400);
      await page.getByRole("heading", { name: "Campus sign-in failed" }).waitFor();
      await expectAxeClean(page);
      await page.getByRole("link", { name: "Back to DL-SMS" }).click();
      await page.getByRole("link", { name: "Sign in with your campus account" }).waitFor();
      expect(await page.evaluate(() => localStorage.getItem("dlsms.token"))).toBeNull();
    } finally {
      await context.close();
    }
  });
});
