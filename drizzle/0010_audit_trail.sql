CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"entity_type" varchar(20) NOT NULL,
	"entity_id" integer NOT NULL,
	"action" varchar(40) NOT NULL,
	"actor_user_id" integer,
	"reason" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE INDEX "audit_log_entity_idx" ON "audit_log" USING btree ("entity_type","entity_id","id");--> statement-breakpoint
-- Hand-written from here (drizzle-kit cannot describe triggers).
--
-- The trail is append-only: rows are written, never changed or removed, whoever asks.
CREATE FUNCTION "audit_log_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_log_append_only" BEFORE UPDATE OR DELETE ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION "audit_log_refuse_change"();
--> statement-breakpoint
CREATE TRIGGER "audit_log_no_truncate" BEFORE TRUNCATE ON "audit_log"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_refuse_change"();
--> statement-breakpoint
-- Every reservation insert and status change writes its audit entry here, in the statement that
-- made it: book_seat/book_seats (the hot booking path) gain no round trip, and no code path can
-- forget an entry or write it twice. Most actions follow from the transition itself (who acts is
-- then the owner, or nobody for the sweeper's). A transaction that acts for someone else says so
-- first with transaction-local settings (packages/api/src/services/audit.ts, actingAs):
-- dlsms.audit_action (booked_for, staff_cancelled or released), dlsms.audit_actor and
-- dlsms.audit_reason. The override applies only to the transition it names, so an offer the same
-- transaction makes (a HELD insert) is still the system's.
CREATE FUNCTION "audit_reservation_change"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_override text := nullif(current_setting('dlsms.audit_action', true), '');
  v_action text;
  v_actor integer;
  v_reason text;
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW."status" = 'HELD' THEN
      v_action := 'offered';
    ELSIF v_override = 'booked_for' THEN
      v_action := 'booked_for';
    ELSE
      v_action := 'created';
      v_actor := NEW."user_id";
    END IF;
  ELSIF NEW."status" = 'CANCELLED' AND v_override = 'staff_cancelled' THEN
    v_action := 'staff_cancelled';
  ELSIF NEW."status" = 'COMPLETED' AND v_override = 'released' THEN
    v_action := 'released';
  ELSE
    v_action := CASE
      WHEN NEW."status" = 'CHECKED_IN' THEN 'checked_in'
      WHEN NEW."status" = 'NO_SHOW' THEN 'no_show'
      WHEN NEW."status" = 'EXPIRED' THEN 'offer_expired'
      WHEN NEW."status" = 'COMPLETED' THEN 'completed'
      WHEN NEW."status" = 'CONFIRMED' AND OLD."status" = 'HELD' THEN 'claimed'
      WHEN NEW."status" = 'CANCELLED' AND OLD."status" = 'HELD' THEN 'declined'
      WHEN NEW."status" = 'CANCELLED' THEN 'cancelled'
      ELSE lower(NEW."status")
    END;
    IF v_action IN ('checked_in', 'claimed', 'declined', 'cancelled') THEN
      v_actor := NEW."user_id";
    END IF;
  END IF;
  IF v_action IN ('booked_for', 'staff_cancelled', 'released') THEN
    v_actor := nullif(current_setting('dlsms.audit_actor', true), '')::integer;
    v_reason := nullif(current_setting('dlsms.audit_reason', true), '');
  END IF;
  INSERT INTO "audit_log" ("entity_type", "entity_id", "action", "actor_user_id", "reason", "details")
  VALUES ('reservation', NEW."id", v_action, v_actor, v_reason,
    jsonb_build_object('status', NEW."status", 'seatId', NEW."seat_id"));
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "reservations_audit_insert" AFTER INSERT ON "reservations"
  FOR EACH ROW EXECUTE FUNCTION "audit_reservation_change"();
--> statement-breakpoint
CREATE TRIGGER "reservations_audit_status" AFTER UPDATE OF "status" ON "reservations"
  FOR EACH ROW WHEN (OLD."status" IS DISTINCT FROM NEW."status")
  EXECUTE FUNCTION "audit_reservation_change"();
