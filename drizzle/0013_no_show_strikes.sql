-- No-show strikes (issue 21). A strike is one NO_SHOW reservation, written by the sweeper in the
-- transaction that marks it; its instant is the reservation's start. A pardon stamps the student's
-- open strikes rather than deleting them, so the trail of what was forgiven stays.
CREATE TABLE "no_show_strikes" (
	"reservation_id" integer PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"struck_at" timestamp with time zone NOT NULL,
	"pardoned_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "no_show_strikes" ADD CONSTRAINT "no_show_strikes_reservation_id_reservations_id_fk" FOREIGN KEY ("reservation_id") REFERENCES "public"."reservations"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "no_show_strikes" ADD CONSTRAINT "no_show_strikes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "no_show_strikes_open_idx" ON "no_show_strikes" USING btree ("user_id","struck_at") WHERE "no_show_strikes"."pardoned_at" is null;
--> statement-breakpoint
-- Materialised by the transaction of the strike that causes it, so a booking checks one column of
-- the student's row; a pardon clears it.
ALTER TABLE "users" ADD COLUMN "suspended_until" timestamp with time zone;
