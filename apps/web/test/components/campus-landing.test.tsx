import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { App } from "../../src/App";
import { auth } from "../../src/lib/auth";
import { acceptCampusSignIn } from "../../src/lib/campusLanding";
import { newStudent, pageHeading } from "./harness";

// The landing of a campus sign-in: the server redirects to the SPA with the session in the
// fragment (apps/server/test/campus-sign-in.test.ts makes a real one through a real provider).
describe("campus sign-in landing", () => {
  it("takes the session from the fragment, clears it from the address bar and opens the app signed in", async () => {
    const student = await newStudent("campus");
    auth.logout();
    const fragment = new URLSearchParams({
      "campus-token": student.token,
      "campus-user": JSON.stringify(student.user),
    });
    window.history.pushState(null, "", `/reservations?x=1#${fragment}`);
    expect(acceptCampusSignIn()).toBe(true);
    expect(window.location.hash).toBe("");
    expect(`${window.location.pathname}${window.location.search}`).toBe("/reservations?x=1");
    expect(auth.get().session).toEqual({ token: student.token, user: student.user });
    render(<App />);
    await pageHeading("My reservations");
  });

  it("ignores a fragment without a usable session, and leaves other fragments alone", async () => {
    auth.logout();
    window.history.pushState(null, "", "/#campus-token=abc&campus-user=%7B%22id%22%3A%22x%22%7D");
    expect(acceptCampusSignIn()).toBe(false);
    expect(window.location.hash).toBe("");
    expect(auth.get().session).toBeNull();
    window.history.pushState(null, "", "/#main");
    expect(acceptCampusSignIn()).toBe(false);
    expect(window.location.hash).toBe("#main");
    // Campus sign-in is off on the test server: the login page offers only the password form.
    render(<App />);
    await screen.findByRole("heading", { name: "Log in" });
    expect(screen.queryByRole("link", { name: "Sign in with your campus account" })).toBeNull();
  });
});
