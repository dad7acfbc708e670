CREATE TABLE "alert_slots" (
	"subject" text NOT NULL,
	"slot" bigint NOT NULL,
	"calls" bigint DEFAULT 0 NOT NULL,
	"errors" bigint DEFAULT 0 NOT NULL,
	"lat_n" bigint DEFAULT 0 NOT NULL,
	"h0" bigint DEFAULT 0 NOT NULL,
	"h1" bigint DEFAULT 0 NOT NULL,
	"h2" bigint DEFAULT 0 NOT NULL,
	"h3" bigint DEFAULT 0 NOT NULL,
	"h4" bigint DEFAULT 0 NOT NULL,
	"h5" bigint DEFAULT 0 NOT NULL,
	"h6" bigint DEFAULT 0 NOT NULL,
	"h7" bigint DEFAULT 0 NOT NULL,
	"h8" bigint DEFAULT 0 NOT NULL,
	"h9" bigint DEFAULT 0 NOT NULL,
	"h10" bigint DEFAULT 0 NOT NULL,
	"h11" bigint DEFAULT 0 NOT NULL,
	"h12" bigint DEFAULT 0 NOT NULL,
	"h13" bigint DEFAULT 0 NOT NULL,
	"h14" bigint DEFAULT 0 NOT NULL,
	"h15" bigint DEFAULT 0 NOT NULL,
	"h16" bigint DEFAULT 0 NOT NULL,
	"h17" bigint DEFAULT 0 NOT NULL,
	"h18" bigint DEFAULT 0 NOT NULL,
	"h19" bigint DEFAULT 0 NOT NULL,
	"h20" bigint DEFAULT 0 NOT NULL,
	"h21" bigint DEFAULT 0 NOT NULL,
	"h22" bigint DEFAULT 0 NOT NULL,
	"h23" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "alert_slots_subject_slot_pk" PRIMARY KEY("subject","slot")
);
--> statement-breakpoint
CREATE INDEX "alert_slots_slot_idx" ON "alert_slots" USING btree ("slot");--> statement-breakpoint
-- Several instances used to evaluate alerts on their own: keep one open episode per (rule, subject)
-- before the unique index that now makes evaluators agree.
UPDATE "alert_events" SET "state" = 'resolved', "resolved_at" = "started_at" WHERE "state" = 'firing' AND "rule_id" IS NOT NULL AND "id" NOT IN (SELECT min("id") FROM "alert_events" WHERE "state" = 'firing' AND "rule_id" IS NOT NULL GROUP BY "rule_id", "subject");--> statement-breakpoint
CREATE UNIQUE INDEX "alert_events_firing_uq" ON "alert_events" USING btree ("rule_id","subject") WHERE state = 'firing';