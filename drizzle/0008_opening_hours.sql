CREATE TABLE "branch_closures" (
	"branch_id" integer NOT NULL,
	"date" date NOT NULL,
	"reason" varchar(300) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "branch_closures_branch_id_date_pk" PRIMARY KEY("branch_id","date")
);
--> statement-breakpoint
CREATE TABLE "branch_opening_hours" (
	"branch_id" integer NOT NULL,
	"day" smallint NOT NULL,
	"open_minute" smallint NOT NULL,
	"close_minute" smallint NOT NULL,
	CONSTRAINT "branch_opening_hours_branch_id_day_open_minute_pk" PRIMARY KEY("branch_id","day","open_minute"),
	CONSTRAINT "branch_opening_hours_day_check" CHECK ("branch_opening_hours"."day" between 1 and 7),
	CONSTRAINT "branch_opening_hours_minutes_check" CHECK ("branch_opening_hours"."open_minute" >= 0 and "branch_opening_hours"."close_minute" <= 1440 and "branch_opening_hours"."open_minute" < "branch_opening_hours"."close_minute")
);
--> statement-breakpoint
ALTER TABLE "branches" ADD COLUMN "hours_set" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "branch_closures" ADD CONSTRAINT "branch_closures_branch_id_branches_id_fk" FOREIGN KEY ("branch_id") REFERENCES "public"."branches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "branch_opening_hours" ADD CONSTRAINT "branch_opening_hours_branch_id_branches_id_fk" FOREIGN KEY ("branch_id") REFERENCES "public"."branches"("id") ON DELETE cascade ON UPDATE no action;