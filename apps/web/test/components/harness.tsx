import type { AppRouter } from "@dlsms/api";
import { render, screen, waitFor, within } from "@testing-library/react";
import type { UserEvent } from "@testing-library/user-event";
import { createTRPCClient, httpLink } from "@trpc/client";
import { expect, inject } from "vitest";
import { App } from "../../src/App";
import { auth, type Session } from "../../src/lib/auth";

export const SERVER_URL = inject("serverUrl");
export const PASSWORD = "password123";
/** The seeded staff account of a test database (packages/db/src/testing). */
export const STAFF = { studentId: "ADMIN001", password: "admin-password" };

export type Api = ReturnType<typeof createTRPCClient<AppRouter>>;

/** A tRPC client over real HTTP acting as `token` (or anonymous): other students' moves and checks. */
export function api(token?: string): Api {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${SERVER_URL}/trpc`,
        headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
      }),
    ],
  });
}

export interface Student extends Session {
  api: Api;
}

let counter = 0;

/** Registers a new student through the API: every file and test can have its own. */
export async function newStudent(label: string): Promise<Student> {
  counter += 1;
  const studentId = `${label}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 7)}`.slice(
    0,
    50,
  );
  const { token, user } = await api().auth.register.mutate({
    studentId,
    password: PASSWORD,
    name: `${label} ${counter}`,
  });
  return { token, user, api: api(token) };
}

export async function staff(): Promise<Student> {
  const { token, user } = await api().auth.login.mutate(STAFF);
  return { token, user, api: api(token) };
}

/** The whole SPA (providers, config gate, layout, routes) at `path`, logged in as `who`. */
export function renderApp(who: Session, path = "/") {
  auth.login({ token: who.token, user: who.user });
  window.history.pushState(null, "", path);
  return render(<App />);
}

/** Waits for the library's config to load and the page's heading to show. */
export async function pageHeading(name: string | RegExp) {
  return screen.findByRole("heading", { level: 1, name });
}

const DAY = 24 * 60 * 60_000;

/** `days` days from today (UTC, the test server's library zone) at hh:mm. */
export function dayAt(days: number, hours: number, minutes = 0): Date {
  const d = new Date(Date.now() + days * DAY);
  d.setUTCHours(hours, minutes, 0, 0);
  return d;
}

/** The finder's fields for a Date: yyyy-mm-dd and hh:mm in UTC. */
export const dateField = (d: Date) => d.toISOString().slice(0, 10);
export const timeField = (d: Date) => d.toISOString().slice(11, 16);

/** Picks `option` in the select labelled `label` (inside `scope`) once the server's answer has listed it. */
export async function choose(user: UserEvent, label: string, option: string, scope?: HTMLElement) {
  const select = (await (scope ? within(scope) : screen).findByLabelText(label)) as HTMLSelectElement;
  await waitFor(() => expect([...select.options].map((o) => o.value)).toContain(option));
  await user.selectOptions(select, option);
}
