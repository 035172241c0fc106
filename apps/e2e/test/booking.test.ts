import { signToken } from "@dlsms/api";
import { describe, expect, it } from "vitest";
import { loginWithKeyboard, newPage } from "../src/browser";
import { JWT_SECRET } from "../src/server";
import { useSuite } from "../src/suite";

const e2e = useSuite();

describe("acceptance 1: log in with the keyboard, find a powered seat, book it", () => {
  it("books a free seat with power in Main Library and keeps the session across a reload", async () => {
    const { context, page } = await newPage(e2e.browser, e2e.server.url);
    await loginWithKeyboard(page, "S2021001");

    await page.getByLabel("Branch").selectOption("Main Library");
    await page.getByLabel("Power outlet").check();
    await page.getByLabel("Free only").check();

    const tile = page.locator('.tile[data-state="free"]').first();
    await tile.waitFor();
    const seatCode = (await tile.locator(".code").textContent()) ?? "";
    expect(seatCode).toMatch(/^ML-\d\d$/);
    // Keyboard again: focus the tile and press Enter, then Enter on "Book".
    await tile.focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: `Seat ${seatCode}` });
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Book", exact: true }).focus();
    await page.keyboard.press("Enter");
    await dialog.getByText("This seat is yours").waitFor();
    await page.keyboard.press("Escape");

    await page.getByRole("link", { name: "My reservations" }).click();
    const card = page.locator(".reservation", { hasText: `Seat ${seatCode}` });
    await card.waitFor();
    expect(await card.locator(".badge").textContent()).toBe("Confirmed");

    await page.reload();
    await page.getByRole("heading", { name: "My reservations" }).waitFor();
    await card.waitFor();
    expect(await page.getByLabel("Student ID").count()).toBe(0);
    await context.close();
  });

  it("logs out; an expired or forged stored token sends the student back to login with a message", async () => {
    const { context, page } = await newPage(e2e.browser, e2e.server.url);
    await loginWithKeyboard(page, "S2021002");
    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByRole("button", { name: "Log in" }).waitFor();
    expect(await page.evaluate(() => localStorage.getItem("dlsms.token"))).toBeNull();

    const user = { id: 2, studentId: "S2021002", name: "Bob Smith", role: "student" as const };
    // Signed with the server's secret, but an hour past its expiry.
    const expired = (await signToken(user, JWT_SECRET, -1)).token;
    for (const [token, message] of [
      [expired, /session has expired/i],
      ["forged.token.value", /log in again/i],
    ] as const) {
      await page.evaluate(
        ([t, u]) => {
          localStorage.setItem("dlsms.token", t);
          localStorage.setItem("dlsms.user", u);
        },
        [token, JSON.stringify(user)] as const,
      );
      await page.reload();
      await page.getByRole("alert").filter({ hasText: message }).waitFor();
      await page.getByRole("button", { name: "Log in" }).waitFor();
    }
    await context.close();
  });

  it("registers a new student (form rules from the shared zod schema, duplicate id refused)", async () => {
    const { context, page } = await newPage(e2e.browser, e2e.server.url);
    await page.goto("/");
    await page.getByRole("button", { name: "Register" }).click();
    await page.getByLabel("Student ID").fill("S2099001");
    await page.getByLabel("Name").fill("Zoe Example");
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Register" }).click();
    await page.getByText("Password must be at least 8 characters").waitFor();

    await page.getByLabel("Password").fill("long-enough-password");
    await page.getByRole("button", { name: "Register" }).click();
    await page.getByRole("heading", { name: "Find a seat" }).waitFor();
    await page.getByText("Zoe Example").waitFor();
    await page.getByRole("button", { name: "Log out" }).click();

    await page.getByRole("button", { name: "Register" }).click();
    await page.getByLabel("Student ID").fill("S2099001");
    await page.getByLabel("Name").fill("Someone Else");
    await page.getByLabel("Password").fill("another-password");
    await page.getByRole("button", { name: "Register" }).click();
    await page.locator(".form-error").waitFor();
    await context.close();
  });

  it("shows the server's message for a wrong password", async () => {
    const { context, page } = await newPage(e2e.browser, e2e.server.url);
    await page.goto("/");
    await page.getByLabel("Student ID").fill("S2021003");
    await page.getByLabel("Password").fill("wrong-password");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.locator(".form-error").waitFor();
    expect(await page.getByLabel("Student ID").count()).toBe(1);
    await context.close();
  });
});
