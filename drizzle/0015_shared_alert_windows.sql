CREATE TABLE `alert_slots` (
	`subject` text NOT NULL,
	`slot` integer NOT NULL,
	`calls` integer DEFAULT 0 NOT NULL,
	`errors` integer DEFAULT 0 NOT NULL,
	`lat_n` integer DEFAULT 0 NOT NULL,
	`h0` integer DEFAULT 0 NOT NULL,
	`h1` integer DEFAULT 0 NOT NULL,
	`h2` integer DEFAULT 0 NOT NULL,
	`h3` integer DEFAULT 0 NOT NULL,
	`h4` integer DEFAULT 0 NOT NULL,
	`h5` integer DEFAULT 0 NOT NULL,
	`h6` integer DEFAULT 0 NOT NULL,
	`h7` integer DEFAULT 0 NOT NULL,
	`h8` integer DEFAULT 0 NOT NULL,
	`h9` integer DEFAULT 0 NOT NULL,
	`h10` integer DEFAULT 0 NOT NULL,
	`h11` integer DEFAULT 0 NOT NULL,
	`h12` integer DEFAULT 0 NOT NULL,
	`h13` integer DEFAULT 0 NOT NULL,
	`h14` integer DEFAULT 0 NOT NULL,
	`h15` integer DEFAULT 0 NOT NULL,
	`h16` integer DEFAULT 0 NOT NULL,
	`h17` integer DEFAULT 0 NOT NULL,
	`h18` integer DEFAULT 0 NOT NULL,
	`h19` integer DEFAULT 0 NOT NULL,
	`h20` integer DEFAULT 0 NOT NULL,
	`h21` integer DEFAULT 0 NOT NULL,
	`h22` integer DEFAULT 0 NOT NULL,
	`h23` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`subject`, `slot`)
);
--> statement-breakpoint
CREATE INDEX `alert_slots_slot_idx` ON `alert_slots` (`slot`);--> statement-breakpoint
-- Several instances used to evaluate alerts on their own: keep one open episode per (rule, subject)
-- before the unique index that now makes evaluators agree.
UPDATE `alert_events` SET `state` = 'resolved', `resolved_at` = `started_at` WHERE `state` = 'firing' AND `rule_id` IS NOT NULL AND `id` NOT IN (SELECT min(`id`) FROM `alert_events` WHERE `state` = 'firing' AND `rule_id` IS NOT NULL GROUP BY `rule_id`, `subject`);--> statement-breakpoint
CREATE UNIQUE INDEX `alert_events_firing_uq` ON `alert_events` (`rule_id`,`subject`) WHERE state = 'firing';