ALTER TABLE "users" ADD COLUMN "email" varchar(254);--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "email_notifications" boolean DEFAULT true NOT NULL;--> statement-breakpoint
CREATE TABLE "mail_outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"kind" varchar(40) NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" varchar(20) DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_until" timestamp with time zone,
	"send_before" timestamp with time zone DEFAULT now() + interval '24 hours' NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "mail_outbox" ADD CONSTRAINT "mail_outbox_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mail_outbox_due_idx" ON "mail_outbox" USING btree ("next_attempt_at","id") WHERE "mail_outbox"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "mail_outbox_finished_idx" ON "mail_outbox" USING btree ("finished_at") WHERE "mail_outbox"."finished_at" IS NOT NULL;--> statement-breakpoint
-- Hand-written from here (drizzle-kit cannot describe triggers).
--
-- Mails are queued by the database, in the statement that made their cause, like the audit trail
-- (0010): the booking statement (book_seat/book_seats) gains no round trip, every notification a
-- service writes (also types added later) is queued without the service knowing about mail, and
-- nothing is queued for a student without an e-mail address or with e-mail notifications off
-- (one primary-key probe of users, whose row the booking has just locked anyway).
CREATE FUNCTION "mail_outbox_queue_notification"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "mail_outbox" ("user_id", "kind", "payload")
  SELECT NEW."user_id", NEW."type", NEW."payload"
  FROM "users" u
  WHERE u."id" = NEW."user_id" AND u."email" IS NOT NULL AND u."email_notifications";
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- RESERVATION_BOOKED (staff booked for the student) is a CONFIRMED insert: the booking trigger
-- below already mails its confirmation.
CREATE TRIGGER "notifications_queue_mail" AFTER INSERT ON "notifications"
  FOR EACH ROW WHEN (NEW."type" <> 'RESERVATION_BOOKED')
  EXECUTE FUNCTION "mail_outbox_queue_notification"();
--> statement-breakpoint
CREATE FUNCTION "mail_outbox_queue_booking"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "mail_outbox" ("user_id", "kind", "payload")
  SELECT NEW."user_id", 'BOOKING_CONFIRMED', jsonb_build_object('reservationId', NEW."id")
  FROM "users" u
  WHERE u."id" = NEW."user_id" AND u."email" IS NOT NULL AND u."email_notifications";
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- A booking (student's own, staff's for them) and a claimed waitlist offer are confirmed bookings.
CREATE TRIGGER "reservations_queue_booking_mail" AFTER INSERT ON "reservations"
  FOR EACH ROW WHEN (NEW."status" = 'CONFIRMED')
  EXECUTE FUNCTION "mail_outbox_queue_booking"();
--> statement-breakpoint
CREATE TRIGGER "reservations_queue_claim_mail" AFTER UPDATE OF "status" ON "reservations"
  FOR EACH ROW WHEN (OLD."status" = 'HELD' AND NEW."status" = 'CONFIRMED')
  EXECUTE FUNCTION "mail_outbox_queue_booking"();
