import { mkdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { AxeResults } from "axe-core";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { expect } from "vitest";
import { CHROMIUM_PATH, UPDATE_SCREENSHOTS } from "./env";
import { PASSWORD } from "./server";

/** Debian's Chromium (apt-get install chromium); a browser is never downloaded. */
export { CHROMIUM_PATH };
export const SCREENSHOT_DIR = fileURLToPath(
  new URL(
    UPDATE_SCREENSHOTS ? "../../../docs/screenshots/" : "../test-results/screenshots/",
    import.meta.url,
  ),
);

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

export async function newPage(
  browser: Browser,
  baseURL: string,
  viewport = DESKTOP,
): Promise<{ context: BrowserContext; page: Page }> {
  // A fixed locale and zone so times on screen are predictable in screenshots.
  const context = await browser.newContext({ baseURL, viewport, locale: "en-GB", timezoneId: "UTC" });
  const page = await context.newPage();
  return { context, page };
}

/** Logs in with the keyboard alone: Tab into each field, type, Enter submits. */
export async function loginWithKeyboard(page: Page, studentId: string, password = PASSWORD): Promise<void> {
  await page.goto("/");
  await page.getByLabel("Student ID").waitFor();
  await page.keyboard.press("Tab");
  // Tab order starts at the first field; be robust to a focusable element before it.
  for (
    let i = 0;
    i < 5 && !(await page.getByLabel("Student ID").evaluate((el) => el === document.activeElement));
    i++
  ) {
    await page.keyboard.press("Tab");
  }
  await page.keyboard.type(studentId);
  await page.keyboard.press("Tab");
  await page.keyboard.type(password);
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: "Find a seat" }).waitFor();
}

export async function login(page: Page, studentId: string, password = PASSWORD): Promise<void> {
  await page.goto("/");
  await page.getByLabel("Student ID").fill(studentId);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("heading", { name: "Find a seat" }).waitFor();
}

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

/** Injects axe-core from its npm package and returns the serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeResults["violations"]> {
  // Scan the settled page: a toast fading in is half transparent, and its text fails contrast then.
  await page
    .waitForFunction(() => document.getAnimations().every((a) => a.playState !== "running"), undefined, {
      timeout: 3_000,
    })
    .catch(() => undefined);
  axeSource ??= await readFile(require.resolve("axe-core/axe.min.js"), "utf8");
  await page.addScriptTag({ content: axeSource });
  const results = await page.evaluate(() => {
    const w = window as unknown as { axe: { run: (ctx: Document) => Promise<AxeResults> } };
    return w.axe.run(document);
  });
  return results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

export async function hasHorizontalScroll(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
}

export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOT_DIR}${name}.png`, fullPage });
}

/** The finder's chosen window, read back from its inputs (library time: UTC on the default server). */
export async function finderWindow(page: Page): Promise<{ startTime: string; endTime: string }> {
  const date = await page.getByLabel("Date", { exact: true }).inputValue();
  const from = await page.getByLabel("From", { exact: true }).inputValue();
  const to = await page.getByLabel("To", { exact: true }).inputValue();
  const start = new Date(`${date}T${from}:00Z`);
  let end = new Date(`${date}T${to}:00Z`);
  if (end <= start) end = new Date(end.getTime() + 24 * 60 * 60_000);
  return { startTime: start.toISOString(), endTime: end.toISOString() };
}

/** Waits until the page's seat subscription is connected, so a following change is seen live. */
export async function waitForLiveSeats(page: Page): Promise<void> {
  await page.locator('.live-status[data-live="pending"]').waitFor();
}

/** The seeded staff account; the test database seeds it with this password (db/src/testing). */
export const ADMIN = { studentId: "ADMIN001", password: "admin-password" };

/** No sideways scroll and no serious or critical axe-core violation on the page as it is now. */
export async function expectAxeClean(page: Page): Promise<void> {
  expect(await hasHorizontalScroll(page)).toBe(false);
  const violations = await seriousViolations(page);
  expect(
    violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`),
  ).toEqual([]);
}
