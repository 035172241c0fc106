import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { App } from "../../src/App";
import { auth } from "../../src/lib/auth";
import { api, dayAt, newStudent, PASSWORD, pageHeading, renderApp } from "./harness";

// This file's day: nine days ahead, 10:00–11:00 UTC, seat 45.
const WINDOW = { startTime: dayAt(9, 10).toISOString(), endTime: dayAt(9, 11).toISOString() };
const SEAT_ID = 45;

describe("e-mail settings", () => {
  it("sets, refuses a bad address, turns mails off and removes the address", async () => {
    const user = userEvent.setup();
    const me = await newStudent("settings");
    renderApp(me, "/settings");
    await pageHeading("Settings");
    const section = await screen.findByRole("region", { name: "E-mail" });
    const address = within(section).getByLabelText("E-mail address");
    const save = within(section).getByRole("button", { name: "Save" });

    await user.type(address, "not an address");
    await user.click(save);
    expect(await within(section).findByText(/Enter a valid e-mail address/)).toBeTruthy();
    expect(address.getAttribute("aria-invalid")).toBe("true");
    expect(await me.api.auth.me.query()).toMatchObject({ email: null, emailNotifications: true });

    await user.clear(address);
    await user.type(address, "me@student.test");
    await user.click(save);
    await waitFor(async () => expect((await me.api.auth.me.query()).email).toBe("me@student.test"));

    // Each save waits for the one before to finish: a click on the disabled button would be lost.
    const saveWhenFree = async () => {
      await waitFor(() => expect(save.hasAttribute("disabled")).toBe(false));
      await user.click(save);
    };
    await user.click(within(section).getByRole("checkbox", { name: "Send me e-mail notifications" }));
    await saveWhenFree();
    await waitFor(async () => expect((await me.api.auth.me.query()).emailNotifications).toBe(false));

    await user.clear(address);
    await saveWhenFree();
    await waitFor(async () => expect((await me.api.auth.me.query()).email).toBeNull());
  });

  it("registration takes an optional e-mail address", async () => {
    const user = userEvent.setup();
    auth.logout();
    window.history.pushState(null, "", "/");
    render(<App />);
    await user.click(await screen.findByRole("button", { name: "Register" }));
    const studentId = `reg-mail-${Math.random().toString(36).slice(2, 9)}`;
    await user.type(screen.getByLabelText("Student ID"), studentId);
    await user.type(screen.getByLabelText("Name"), "Mail Reg");
    await user.type(screen.getByLabelText("E-mail (optional)"), "reg@student.test");
    await user.type(screen.getByLabelText("Password"), PASSWORD);
    await user.click(screen.getByRole("button", { name: "Register" }));
    await pageHeading("Find a seat");
    const { token } = await api().auth.login.mutate({ studentId, password: PASSWORD });
    expect(await api(token).auth.me.query()).toMatchObject({ email: "reg@student.test" });
  });

  it("a mailed offer link (/waitlist?offer=<id>) opens the waitlist with the offer to claim", async () => {
    const user = userEvent.setup();
    const holder = await newStudent("mail-holder");
    const waiter = await newStudent("mail-waiter");
    const held = await holder.api.reservations.create.mutate({ seatId: SEAT_ID, ...WINDOW });
    await waiter.api.waitlist.join.mutate({
      seatId: SEAT_ID,
      desiredStart: WINDOW.startTime,
      desiredEnd: WINDOW.endTime,
    });
    await holder.api.reservations.cancel.mutate({ id: held.id });
    const offer = (await waiter.api.reservations.mine.query({ upcomingOnly: true })).find(
      (r) => r.status === "HELD",
    );
    if (!offer) throw new Error("no offer was made");

    renderApp(waiter, `/waitlist?offer=${offer.id}`);
    await pageHeading("Waitlist");
    const banner = await screen.findByRole("region", { name: /is free for you$/ });
    await user.click(within(banner).getByRole("button", { name: "Claim" }));
    await waitFor(async () =>
      expect((await waiter.api.reservations.get.query({ id: offer.id })).status).toBe("CONFIRMED"),
    );
  });
});
