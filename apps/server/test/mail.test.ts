import type { AppRouter } from "@dlsms/api";
import { mailOutbox, notifications, users } from "@dlsms/db";
import { eq } from "@dlsms/db/drizzle";
import { createTestDatabase } from "@dlsms/db/testing";
import { createTRPCClient, httpLink } from "@trpc/client";
import type { ParsedMail } from "mailparser";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { pino } from "pino";
import { afterAll, describe, expect, it, vi } from "vitest";
import { createDlsmsServer } from "../src/server";
import { type Cluster, eventually, startCluster } from "./cluster";
import { addMinutes, outcome, startTestServer, type TestServer, testEnv, tomorrowAt } from "./helpers";
import { freePort } from "./process";
import { eventTimes, type TestSmtp, testSmtp } from "./smtp";

// Issue 23, acceptance 1: e-mail through a real SMTP server, through real servers.
// Each test boots its own server over a fresh database (seconds on a loaded machine) before it waits for mail.
vi.setConfig({ testTimeout: 60_000 });
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function smtpServer(listening = true): Promise<TestSmtp> {
  const smtp = testSmtp(await freePort());
  if (listening) await smtp.start();
  cleanups.push(() => smtp.stop());
  return smtp;
}

const ZONE = "Europe/Berlin";

/** A server whose PUBLIC_URL is its own address, so the links in mails can be followed. */
async function server(overrides: Record<string, string>): Promise<TestServer> {
  const port = await freePort();
  const ts = await startTestServer({
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    LIBRARY_TIMEZONE: ZONE,
    MAIL_INTERVAL_SECONDS: "1",
    ...overrides,
  });
  cleanups.push(() => ts.stop());
  return ts;
}

async function student(ts: TestServer, studentId: string, email?: string) {
  const { token, user } = await ts.client().auth.register.mutate({
    studentId,
    password: "password123",
    name: `Student ${studentId}`,
    ...(email ? { email } : {}),
  });
  return { token, user, api: ts.client(token) };
}

const slot = (seatId: number, start: Date, end: Date) => ({
  seatId,
  startTime: start.toISOString(),
  endTime: end.toISOString(),
});

const to = (smtp: TestSmtp, address: string) =>
  smtp.messages.filter((m) => m.to && !Array.isArray(m.to) && m.to.value.some((v) => v.address === address));

/** Waits until `address` has received `count` mails, then gives the workers time to send more. */
async function received(smtp: TestSmtp, address: string, count: number, settle: () => Promise<void>) {
  await eventually(() => (to(smtp, address).length >= count ? true : undefined), 20_000);
  await settle();
  return to(smtp, address);
}

function calendarOf(mail: ParsedMail): string {
  const ics = mail.attachments.find((a) => a.contentType.startsWith("text/calendar"));
  if (!ics) throw new Error("no calendar attachment");
  return ics.content.toString("utf8");
}

const linkIn = (text: string, path: string) => {
  const match = new RegExp(`(http://127\\.0\\.0\\.1:\\d+${path.replace("?", "\\?")}\\S*)`).exec(text);
  if (!match?.[1]) throw new Error(`no ${path} link in:\n${text}`);
  return match[1];
};

describe("mail through a real SMTP server", () => {
  it("a booking sends one confirmation, text and HTML in the library's zone, with an .ics of the booking", async () => {
    const smtp = await smtpServer();
    const ts = await server({ SMTP_URL: smtp.url, MAIL_FROM: "Library seats <seats@library.test>" });
    const alice = await student(ts, "mail-alice", "alice@student.test");
    // 09:00 UTC is 10:00 in Berlin in winter, 11:00 in summer: the mail must say the Berlin time.
    const start = tomorrowAt(9);
    const end = addMinutes(start, 90);
    const booking = await alice.api.reservations.create.mutate(slot(4, start, end));

    const mails = await received(smtp, "alice@student.test", 1, () => ts.server.mailWorker.runOnce());
    expect(mails).toHaveLength(1);
    const [mail] = mails as [ParsedMail];
    expect(mail.from?.text).toBe('"Library seats" <seats@library.test>');
    expect(mail.subject).toMatch(/^Booked: seat /);
    const berlin = new Intl.DateTimeFormat("en-GB", { timeZone: ZONE, hour: "2-digit", minute: "2-digit" });
    expect(mail.text).toContain(`${berlin.format(start)}–${berlin.format(end)} (${ZONE})`);
    expect(mail.html).toContain(`${berlin.format(start)}–${berlin.format(end)} (${ZONE})`);
    expect(linkIn(mail.text ?? "", "/reservations")).toBe(`${ts.url}/reservations`);
    const event = eventTimes(calendarOf(mail));
    expect(event.start.toISOString()).toBe(start.toISOString());
    expect(event.end.toISOString()).toBe(end.toISOString());
    expect(event.uid).toBe(`reservation-${booking.id}@127.0.0.1`);

    const rows = await ts.database.db.select().from(mailOutbox);
    expect(rows.map((r) => [r.kind, r.status])).toEqual([["BOOKING_CONFIRMED", "sent"]]);
  });

  it("a cancel that frees a waited-for seat mails the waiter one offer whose link leads to a claim", async () => {
    const smtp = await smtpServer();
    const ts = await server({ SMTP_URL: smtp.url });
    const holder = await student(ts, "mail-holder", "holder@student.test");
    const waiter = await student(ts, "mail-waiter", "waiter@student.test");
    const start = tomorrowAt(13);
    const end = addMinutes(start, 60);
    const booking = await holder.api.reservations.create.mutate(slot(7, start, end));
    await waiter.api.waitlist.join.mutate({
      seatId: 7,
      desiredStart: start.toISOString(),
      desiredEnd: end.toISOString(),
    });
    await holder.api.reservations.cancel.mutate({ id: booking.id });

    const settle = () => ts.server.mailWorker.runOnce();
    const [offer, ...others] = await received(smtp, "waiter@student.test", 1, settle);
    expect(others).toEqual([]);
    expect(offer?.subject).toMatch(
      /^A seat is free for you: seat .+ — claim it by \d\d:\d\d \(Europe\/Berlin\)$/,
    );
    expect(offer?.text).toMatch(/The offer lapses at \d\d:\d\d \(Europe\/Berlin\)/);
    const link = linkIn(offer?.text ?? "", "/waitlist?offer=");
    expect(offer?.html).toContain(`href="${link}"`);

    // The link opens the SPA (its /waitlist route shows the offer with a Claim button)...
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    // ...and the offer it names is the waiter's to claim.
    const offerId = Number(new URL(link).searchParams.get("offer"));
    const claimed = await waiter.api.waitlist.claim.mutate({ reservationId: offerId });
    expect(claimed.status).toBe("CONFIRMED");
    // The claimed seat is a booking like any other: its confirmation follows.
    const after = await received(smtp, "waiter@student.test", 2, settle);
    expect(after.map((m) => m.subject?.split(":")[0])).toEqual(["A seat is free for you", "Booked"]);
    // The holder cancelled before the worker got to their confirmation: it is not sent.
    expect(to(smtp, "holder@student.test")).toEqual([]);
  });

  it("the sweeper's reminder and no-show, and a staff cancellation with its reason, are mailed", async () => {
    const smtp = await smtpServer();
    const ts = await server({ SMTP_URL: smtp.url, GRACE_MINUTES: "0", REMINDER_MINUTES: "10" });
    const hana = await student(ts, "mail-hana", "hana@student.test");
    const ivan = await student(ts, "mail-ivan", "ivan@student.test");
    const { token: staff } = await ts
      .client()
      .auth.login.mutate({ studentId: "ADMIN001", password: "admin-password" });
    const settle = () => ts.server.mailWorker.runOnce();

    // Starts in a few minutes: the next sweep reminds.
    const soon = new Date(Math.ceil((Date.now() + 5 * 60_000) / 60_000) * 60_000);
    const reminded = await hana.api.reservations.create.mutate(slot(15, soon, addMinutes(soon, 30)));
    await ts.server.sweeper.runOnce();
    const [, reminder] = await received(smtp, "hana@student.test", 2, settle);
    expect(reminder?.subject).toMatch(/^Check in by \d\d:\d\d \(Europe\/Berlin\): seat /);
    await ts
      .client(staff)
      .admin.cancelReservation.mutate({ id: reminded.id, reason: "Water leak above the desk" });
    const [, , cancelled] = await received(smtp, "hana@student.test", 3, settle);
    expect(cancelled?.subject).toMatch(/^Cancelled by the library: seat /);
    expect(cancelled?.text).toContain("Reason: Water leak above the desk");
    expect(cancelled?.html).toContain("Reason: Water leak above the desk");

    // Starts now, no grace: once it has started, the sweeper marks it a no-show.
    const now = new Date(Date.now() + 1_000);
    await ivan.api.reservations.create.mutate(slot(16, now, addMinutes(now, 30)));
    await eventually(async () => {
      await ts.server.sweeper.runOnce();
      const mine = await ivan.api.reservations.mine.query({});
      return mine.some((r) => r.status === "NO_SHOW") ? true : undefined;
    });
    const mails = await eventually(() => {
      const got = to(smtp, "ivan@student.test").filter((m) => m.subject?.startsWith("Missed check-in"));
      return got.length > 0 ? got : undefined;
    }, 20_000);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.text).toContain(`${ts.url}/reservations`);
  });

  it("with the SMTP server down bookings succeed, and the mails go out once it is back", async () => {
    const smtp = await smtpServer(false);
    const ts = await server({ SMTP_URL: smtp.url });
    const bob = await student(ts, "mail-bob", "bob@student.test");
    const booking = await bob.api.reservations.create.mutate(slot(9, tomorrowAt(15), tomorrowAt(16)));
    expect(booking.status).toBe("CONFIRMED");
    const failed = await eventually(async () => {
      const [row] = await ts.database.db.select().from(mailOutbox);
      return row && row.attempts >= 1 && row.lastError ? row : undefined;
    });
    expect(failed.status).toBe("pending");

    await smtp.start();
    const mails = await received(smtp, "bob@student.test", 1, () => ts.server.mailWorker.runOnce());
    expect(mails.map((m) => m.subject?.split(":")[0])).toEqual(["Booked"]);
  });

  it("no mail for a student who turned mails off, and none queued", async () => {
    const smtp = await smtpServer();
    const ts = await server({ SMTP_URL: smtp.url });
    const carol = await student(ts, "mail-carol", "carol@student.test");
    const profile = await carol.api.auth.updateProfile.mutate({ emailNotifications: false });
    expect(profile).toMatchObject({ email: "carol@student.test", emailNotifications: false });
    expect(await carol.api.auth.me.query()).toMatchObject({
      email: "carol@student.test",
      emailNotifications: false,
    });
    await carol.api.reservations.create.mutate(slot(11, tomorrowAt(8), tomorrowAt(9)));
    const dave = await student(ts, "mail-dave"); // no address at all
    await dave.api.reservations.create.mutate(slot(12, tomorrowAt(8), tomorrowAt(9)));
    await ts.server.mailWorker.runOnce();
    expect(await ts.database.db.select().from(mailOutbox)).toEqual([]);
    expect(smtp.messages).toEqual([]);
  });

  it("updateProfile refuses bad input with 400 and changes nothing; it needs a login", async () => {
    const ts = await server({});
    const erin = await student(ts, "mail-erin", "erin@student.test");
    for (const input of [{ email: "not-an-address" }, { email: "" }, {}, { emailNotifications: "yes" }]) {
      expect(await outcome(erin.api.auth.updateProfile.mutate(input as never))).toBe("BAD_REQUEST");
    }
    expect(await outcome(ts.client().auth.updateProfile.mutate({ emailNotifications: false }))).toBe(
      "UNAUTHORIZED",
    );
    expect(await erin.api.auth.me.query()).toMatchObject({
      email: "erin@student.test",
      emailNotifications: true,
    });
    expect(
      await outcome(
        ts
          .client()
          .auth.register.mutate({ studentId: "mail-frank", password: "password123", name: "F", email: "x@" }),
      ),
    ).toBe("BAD_REQUEST");
    // null removes the address; a new one replaces it (trimmed).
    expect(await erin.api.auth.updateProfile.mutate({ email: null })).toMatchObject({ email: null });
    expect(await erin.api.auth.updateProfile.mutate({ email: " erin@new.test " })).toMatchObject({
      email: "erin@new.test",
    });
  });

  it("REST registration takes the optional e-mail too: a bad one is 400 and creates nothing", async () => {
    const ts = await server({});
    const register = (body: object) =>
      fetch(`${ts.url}/api/auth/register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ student_id: "mail-rest", password: "password123", name: "Rest", ...body }),
      });
    const bad = await register({ email: "nope" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/e-mail/i);
    const good = await register({ email: "rest@student.test" });
    expect(good.status).toBe(201);
    const { token } = (await good.json()) as { token: string };
    expect(await ts.client(token).auth.me.query()).toMatchObject({ email: "rest@student.test" });
  });

  it("without SMTP_URL mails are queued but not sent, and /metrics shows the outbox depth", async () => {
    const ts = await server({});
    const gina = await student(ts, "mail-gina", "gina@student.test");
    await gina.api.reservations.create.mutate(slot(14, tomorrowAt(11), tomorrowAt(12)));
    await ts.server.mailWorker.runOnce();
    const rows = await ts.database.db.select().from(mailOutbox);
    expect(rows.map((r) => [r.kind, r.status, r.attempts])).toEqual([["BOOKING_CONFIRMED", "pending", 0]]);
    const families = parsePrometheusTextFormat(await (await fetch(`${ts.url}/metrics`)).text());
    const pending = families.find((f) => f.name === "dlsms_mail_outbox_pending");
    expect(pending?.metrics).toEqual([{ value: "1" }]);
  });
});

describe("mail with two instances", () => {
  it("each mail is sent exactly once", async () => {
    const smtp = await smtpServer();
    const c: Cluster = await startCluster(2, { SMTP_URL: smtp.url, MAIL_INTERVAL_SECONDS: "1" });
    cleanups.push(() => c.stop());
    const [a, b] = c.instances as [Cluster["instances"][0], Cluster["instances"][0]];
    const students = 6;
    for (let i = 0; i < students; i++) {
      const inst = i % 2 === 0 ? a : b;
      const { token } = await inst.http().auth.register.mutate({
        studentId: `mail-twin-${i}`,
        password: "password123",
        name: `Twin ${i}`,
        email: `twin${i}@student.test`,
      });
      await inst.http(token).reservations.create.mutate(slot(20 + i, tomorrowAt(10), tomorrowAt(11)));
    }
    // And a burst queued at once (staff's "seat available" notices), for the workers to share.
    const burst = 20;
    const [twin0] = await c.database.db.select().from(users).where(eq(users.studentId, "mail-twin-0"));
    await c.database.db.insert(notifications).values(
      Array.from({ length: burst }, (_, i) => ({
        userId: twin0?.id ?? 0,
        type: "SEAT_AVAILABLE" as const,
        payload: { message: `Notice ${i}` },
      })),
    );
    await eventually(() => (smtp.messages.length >= students + burst ? true : undefined), 50_000);
    // Both workers keep polling: nothing more may arrive.
    await Promise.all([a.server.mailWorker.runOnce(), b.server.mailWorker.runOnce()]);
    await new Promise((r) => setTimeout(r, 2_500));
    const booked = smtp.messages.filter((m) => m.subject?.startsWith("Booked"));
    const recipients = booked.map((m) => (Array.isArray(m.to) ? "" : m.to?.text)).sort();
    expect(recipients).toEqual(Array.from({ length: students }, (_, i) => `twin${i}@student.test`).sort());
    const notices = smtp.messages
      .filter((m) => !m.subject?.startsWith("Booked"))
      .map((m) => m.text?.split("\n")[2]);
    expect(notices.sort()).toEqual(Array.from({ length: burst }, (_, i) => `Notice ${i}`).sort());
    const rows = await c.database.db.select().from(mailOutbox).where(eq(mailOutbox.status, "sent"));
    expect(rows).toHaveLength(students + burst);
  });
});

describe("mail across a restart", () => {
  it("mails queued while an instance ran without a mail server go out from the next one", async () => {
    const smtp = await smtpServer();
    const database = await createTestDatabase({ poolSize: 5 });
    cleanups.push(() => database.destroy());
    const start = (overrides: Record<string, string>) =>
      createDlsmsServer({
        env: testEnv({ MAIL_INTERVAL_SECONDS: "1", ...overrides }),
        logger: pino({ level: "silent" }),
        database,
        shutdownGraceMs: 50,
      });
    const before = await start({});
    const anon = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${before.url}/trpc` })] });
    const { token } = await anon.auth.register.mutate({
      studentId: "mail-restart",
      password: "password123",
      name: "Restart",
      email: "restart@student.test",
    });
    const me = createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${before.url}/trpc`, headers: { authorization: `Bearer ${token}` } })],
    });
    await me.reservations.create.mutate(slot(18, tomorrowAt(17), tomorrowAt(18)));
    await before.close();
    expect(smtp.messages).toEqual([]);

    const after = await start({ SMTP_URL: smtp.url });
    cleanups.push(() => after.close());
    const mails = await received(smtp, "restart@student.test", 1, () => after.mailWorker.runOnce());
    expect(mails.map((m) => m.subject?.split(":")[0])).toEqual(["Booked"]);
  });
});
