import { mailOutbox, users } from "@dlsms/db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderMail } from "../src/mail/render";
import {
  claimDueMail,
  finishMail,
  loadMailContext,
  pendingMailCount,
  retryMail,
  tidyOutbox,
} from "../src/services/mail-outbox.service";
import { createNotification } from "../src/services/notifications.service";
import { createTestApi, type TestApi, testConfig } from "../src/testing";
import { dayAt, expectTRPCError, HOUR, iso, slot } from "./helpers";

let api: TestApi;
let staffId: number;
beforeAll(async () => {
  api = await createTestApi(testConfig({ rules: { libraryTimezone: "Europe/Berlin" } }));
  const [staff] = await db().select({ id: users.id }).from(users).where(eq(users.role, "admin"));
  staffId = staff?.id ?? 0;
});
afterAll(() => api?.destroy());

const db = () => api.database.db;
const outbox = (userId: number) =>
  db().select().from(mailOutbox).where(eq(mailOutbox.userId, userId)).orderBy(mailOutbox.id);
const kinds = async (userId: number) => (await outbox(userId)).map((r) => r.kind);
const clear = () => db().delete(mailOutbox);
function present<T>(value: T | undefined): T {
  if (value === undefined) throw new Error("expected a value");
  return value;
}

async function withEmail(userId: number, email: string | null, emailNotifications = true) {
  const caller = await api.as(userId);
  return caller.auth.updateProfile({ email, emailNotifications });
}

describe("the outbox is written in the cause's transaction", () => {
  it("a booking queues one confirmation for a student with an address, none for others", async () => {
    await withEmail(1, "s1@student.test");
    await withEmail(2, "s2@student.test", false);
    const start = dayAt(2, 9);
    const mine = await (await api.as(1)).reservations.create(
      slot(3, start, new Date(start.getTime() + HOUR)),
    );
    await (await api.as(2)).reservations.create(slot(4, start, new Date(start.getTime() + HOUR)));
    await (await api.as(3)).reservations.create(slot(5, start, new Date(start.getTime() + HOUR)));
    const [row, ...more] = await outbox(1);
    expect(more).toEqual([]);
    expect(row).toMatchObject({
      kind: "BOOKING_CONFIRMED",
      payload: { reservationId: mine.id },
      status: "pending",
    });
    expect(await kinds(2)).toEqual([]);
    expect(await kinds(3)).toEqual([]);
  });

  it("staff cancel queues the cancellation with its reason; staff booking-for queues one confirmation", async () => {
    await withEmail(4, "s4@student.test");
    const staff = await api.as(staffId);
    const start = dayAt(3, 10);
    const booked = await staff.admin.bookFor({
      studentId: "S2021004",
      seatId: 6,
      startTime: iso(start),
      endTime: iso(new Date(start.getTime() + HOUR)),
    });
    // RESERVATION_BOOKED is a notification too, but the booking's confirmation already says it.
    expect(await kinds(4)).toEqual(["BOOKING_CONFIRMED"]);
    await staff.admin.cancelReservation({ id: booked.id, reason: "Water leak above the seat" });
    const rows = await outbox(4);
    expect(rows.map((r) => r.kind)).toEqual(["BOOKING_CONFIRMED", "RESERVATION_CANCELLED"]);
    expect(rows[1]?.payload).toMatchObject({ reservationId: booked.id, reason: "Water leak above the seat" });
  });

  it("a claimed waitlist offer queues the offer and then the booking's confirmation", async () => {
    await withEmail(5, "s5@student.test");
    const start = dayAt(4, 11);
    const end = new Date(start.getTime() + HOUR);
    const holder = await api.as(6);
    const booking = await holder.reservations.create(slot(8, start, end));
    const waiter = await api.as(5);
    await waiter.waitlist.join({ seatId: 8, desiredStart: iso(start), desiredEnd: iso(end) });
    await holder.reservations.cancel({ id: booking.id });
    const [offer] = await outbox(5);
    expect(offer?.kind).toBe("OFFER");
    await waiter.waitlist.claim({ reservationId: Number(offer?.payload.reservationId) });
    expect(await kinds(5)).toEqual(["OFFER", "BOOKING_CONFIRMED"]);
  });

  it("many students booking one seat at once: only the winner's confirmation is queued", async () => {
    await clear();
    const ids = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    for (const id of ids) await withEmail(id, `s${id}@student.test`);
    const start = dayAt(6, 14);
    const callers = await Promise.all(ids.map((id) => api.as(id)));
    const results = await Promise.allSettled(
      callers.map((c) => c.reservations.create(slot(33, start, new Date(start.getTime() + HOUR)))),
    );
    const won = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    expect(won).toHaveLength(1);
    const rows = await db().select().from(mailOutbox);
    expect(rows.map((r) => [r.userId, r.kind, r.payload])).toEqual([
      [won[0]?.userId, "BOOKING_CONFIRMED", { reservationId: won[0]?.id }],
    ]);
  });

  it("a transaction that rolls back leaves no mail", async () => {
    await clear(); // the race above may have queued student 7's confirmation
    await withEmail(7, "s7@student.test");
    await expect(
      db().transaction(async (tx) => {
        await createNotification(tx, 7, "NO_SHOW", { reservationId: 1 });
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await kinds(7)).toEqual([]);
  });

  it("updateProfile refuses a bad address and changes nothing", async () => {
    const s8 = await api.as(8);
    await s8.auth.updateProfile({ email: "s8@student.test" });
    await expectTRPCError(s8.auth.updateProfile({ email: "s8 at student" }), "BAD_REQUEST");
    await expectTRPCError(s8.auth.updateProfile({}), "BAD_REQUEST");
    expect(await s8.auth.me()).toMatchObject({ email: "s8@student.test", emailNotifications: true });
  });
});

describe("the worker's side of the outbox", () => {
  async function queue(n: number, userId = 9) {
    await withEmail(userId, `s${userId}@student.test`);
    for (let i = 0; i < n; i++) {
      await db().transaction((tx) => createNotification(tx, userId, "SEAT_AVAILABLE", { message: `m${i}` }));
    }
  }

  it("concurrent claims never take the same mail, and a lapsed lease is claimed again", async () => {
    await clear();
    await queue(20);
    const claims = await Promise.all(Array.from({ length: 6 }, () => claimDueMail(db(), 5, 60)));
    const ids = claims.flat().map((m) => m.id);
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(20);
    expect(await claimDueMail(db(), 5, 60)).toEqual([]);
    // A worker that died: its lease lapses and the mail is due again, with a new token.
    const [first] = claims.flat();
    await db().execute(
      sql`update mail_outbox set lease_until = now() - interval '1 second' where id = ${first?.id}`,
    );
    const [again] = await claimDueMail(db(), 5, 60);
    expect(again?.id).toBe(first?.id);
    expect(again?.attempts).toBe(2);
    // The first worker's late "sent" does not count; the second's does, once.
    expect(await finishMail(db(), present(first), "sent")).toBe(false);
    expect(await finishMail(db(), present(again), "sent")).toBe(true);
    expect(await finishMail(db(), present(again), "sent")).toBe(false);
    expect(await pendingMailCount(db())).toBe(19);
  });

  it("a failed send waits its backoff, and fails for good past its send-by time", async () => {
    await clear();
    await queue(2, 10);
    const [a, b] = (await claimDueMail(db(), 5, 60)).sort((x, y) => x.id - y.id);
    await retryMail(db(), present(a), "connection refused", 30);
    expect(await claimDueMail(db(), 5, 60)).toEqual([]); // not due for 30 s
    await db().execute(
      sql`update mail_outbox set send_before = now() + interval '10 seconds' where id = ${b?.id}`,
    );
    await retryMail(db(), present(b), "connection refused", 30);
    const rows = await outbox(10);
    expect(rows.map((r) => [r.status, r.lastError])).toEqual([
      ["pending", "connection refused"],
      ["failed", "connection refused"],
    ]);
  });

  it("tidying fails what is past its send-by time and deletes old finished rows", async () => {
    await clear();
    await queue(3, 6);
    const [x, y] = (await outbox(6)).map((r) => r.id);
    await db().execute(sql`update mail_outbox set send_before = now() - interval '1 minute' where id = ${x}`);
    await db().execute(
      sql`update mail_outbox set status = 'sent', finished_at = now() - interval '8 days' where id = ${y}`,
    );
    await tidyOutbox(db(), 7);
    expect((await outbox(6)).map((r) => r.status)).toEqual(["failed", "pending"]);
  });

  it("what is sent follows the student's current choice", async () => {
    await clear();
    await queue(1, 8);
    const [mail] = await claimDueMail(db(), 5, 60);
    expect(await loadMailContext(db(), present(mail))).toMatchObject({ to: "s8@student.test" });
    await withEmail(8, "s8@student.test", false);
    expect(await loadMailContext(db(), present(mail))).toBeNull();
  });
});

describe("templates", () => {
  const settings = {
    publicUrl: "https://seats.example.edu",
    zone: "Europe/Berlin",
    checkInEarlyMinutes: 15,
    graceMinutes: 15,
  };
  const seat = { code: "ML-07", area: "Quiet <Zone>", branch: "Main Library" };
  const start = new Date("2026-12-07T13:00:00Z");
  const end = new Date("2026-12-07T15:00:00Z");
  const reservation = { id: 42, status: "CONFIRMED", startTime: start, endTime: end, expiresAt: null };
  const base = { payload: { reservationId: 42 }, recipientName: "Ada & Co", reservation, seat };

  it("a confirmation in the library's zone, escaped in HTML, with a calendar file", () => {
    const mail = renderMail({ ...base, kind: "BOOKING_CONFIRMED" }, settings);
    expect(mail?.subject).toBe("Booked: seat ML-07, Monday 7 December 2026, 14:00–16:00 (Europe/Berlin)");
    expect(mail?.text).toContain(
      "Check in at the seat between 13:45 (Europe/Berlin) and 14:15 (Europe/Berlin)",
    );
    expect(mail?.html).toContain("Hello Ada &amp; Co,");
    expect(mail?.html).toContain("Quiet &lt;Zone&gt;");
    expect(mail?.attachments[0]?.content).toMatch(/DTSTART:20261207T130000Z/);
    expect(mail?.attachments[0]?.content).toMatch(/DTEND:20261207T150000Z/);
    // Cancelled before it was sent: no confirmation.
    expect(
      renderMail(
        { ...base, kind: "BOOKING_CONFIRMED", reservation: { ...reservation, status: "CANCELLED" } },
        settings,
      ),
    ).toBeNull();
  });

  it("a reminder says whether check-in is open yet", () => {
    const reminder = {
      ...base,
      kind: "CHECK_IN_REMINDER",
      payload: { reservationId: 42, startTime: iso(start), endTime: iso(end) },
    };
    expect(renderMail(reminder, settings, new Date("2026-12-07T12:50:00Z"))?.text).toContain(
      "Check-in is open now until 14:15 (Europe/Berlin).",
    );
    expect(renderMail(reminder, settings, new Date("2026-12-07T12:30:00Z"))?.text).toContain(
      "Check in at the seat between 13:45 (Europe/Berlin) and 14:15 (Europe/Berlin).",
    );
  });

  it("an offer links to its claim until it lapses; unknown types get a generic mail; some send none", () => {
    const held = { ...reservation, status: "HELD", expiresAt: new Date("2026-12-07T12:10:00Z") };
    const offer = {
      ...base,
      kind: "OFFER",
      reservation: held,
      payload: { reservationId: 42, expiresAt: held.expiresAt.toISOString() },
    };
    const mail = renderMail(offer, settings, new Date("2026-12-07T12:00:00Z"));
    expect(mail?.text).toContain("https://seats.example.edu/waitlist?offer=42");
    expect(mail?.text).toContain("The offer lapses at 13:10 (Europe/Berlin)");
    expect(renderMail(offer, settings, new Date("2026-12-07T12:11:00Z"))).toBeNull();
    const suspended = renderMail(
      { ...base, kind: "ACCOUNT_SUSPENDED", payload: { reason: "Three no-shows" } },
      settings,
    );
    expect(suspended?.subject).toBe("DL-SMS: Account suspended");
    expect(suspended?.text).toContain("Three no-shows");
    expect(renderMail({ ...base, kind: "RESERVATION_BOOKED" }, settings)).toBeNull();
  });

  it("a no-show counts its strike, a suspension gives its end in the library's zone, a break its end", () => {
    const noShow = renderMail(
      { ...base, kind: "NO_SHOW", payload: { reservationId: 42, strike: 2, strikeLimit: 3 } },
      settings,
    );
    expect(noShow?.text).toContain("This is strike 2 of 3");
    const suspended = renderMail(
      { ...base, kind: "SUSPENDED", payload: { suspendedUntil: "2026-12-14T13:00:00Z", strikes: 3 } },
      settings,
    );
    expect(suspended?.subject).toBe("Booking suspended until Monday 14 December 2026, 14:00");
    expect(suspended?.text).toContain("until Monday 14 December 2026, 14:00 (Europe/Berlin)");
    const away = { ...reservation, status: "AWAY" };
    const reminder = renderMail(
      { ...base, kind: "AWAY_REMINDER", reservation: away, payload: { awayUntil: "2026-12-07T12:30:00Z" } },
      settings,
    );
    expect(reminder?.subject).toBe("Your break ends at 13:30 (Europe/Berlin)");
    const back = { ...reservation, status: "CHECKED_IN" };
    expect(
      renderMail({ ...base, kind: "AWAY_REMINDER", reservation: back, payload: {} }, settings),
    ).toBeNull();
    expect(renderMail({ ...base, kind: "AWAY_ENDED", payload: {} }, settings)?.subject).toContain(
      "Your break ran out",
    );
  });
});
