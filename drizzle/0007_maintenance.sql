ALTER TABLE "seats" ADD COLUMN "maintenance_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "seats" ADD COLUMN "maintenance_reason" varchar(300);