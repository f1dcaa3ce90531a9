-- Marketing: campaigns sent to a saved segment with a randomized control
-- group, their message variants per language, cost lines and the frozen
-- list of members; the outbox grows into a real sending queue; gateways,
-- company-wide marketing settings, unsubscribes and journeys.
-- Money BIGINT fen, instants BIGINT Unix ms, days TEXT YYYY-MM-DD.

-- The language a customer's messages are written in; NULL = the company's.
ALTER TABLE customers ADD COLUMN lang TEXT;

-- status: draft, pending_approval, scheduled, running, completed, cancelled.
-- control_pct: the share of the segment held out (0..50 %); control_lo is
-- the first bucket of the control range chosen at random when the campaign
-- starts, the range [control_lo, control_lo + control_pct * 100) taken
-- modulo 10000. ab_pct: the share of the target in the A/B test (0 = none);
-- the rest gets the winner after ab_decide_at.
CREATE TABLE campaigns (
  id {{ID}},
  name TEXT NOT NULL,
  goal TEXT NOT NULL DEFAULT '',
  channel TEXT NOT NULL,
  status TEXT NOT NULL,
  segment_id BIGINT REFERENCES saved_segments(id),
  store_id BIGINT REFERENCES stores(id),
  template_id BIGINT REFERENCES coupon_templates(id),
  budget BIGINT NOT NULL DEFAULT 0,
  starts_at BIGINT,
  ends_at BIGINT,
  attribution_days BIGINT NOT NULL DEFAULT 14,
  control_pct BIGINT NOT NULL DEFAULT 10,
  control_lo BIGINT,
  ab_pct BIGINT NOT NULL DEFAULT 0,
  ab_decide_at BIGINT,
  ab_winner TEXT,
  ab_decided_at BIGINT,
  ab_result TEXT,
  started_at BIGINT,
  completed_at BIGINT,
  cancelled_at BIGINT,
  submitted_by BIGINT,
  approved_by BIGINT,
  approved_at BIGINT,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX campaigns_status ON campaigns(status, id);

-- The message of each variant ('A', 'B', ...) per language ('zh-CN', 'en'),
-- with {name}, {coupon}, {store}, {points}. Variant 'A' is the default.
CREATE TABLE campaign_messages (
  campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
  variant TEXT NOT NULL,
  lang TEXT NOT NULL,
  subject TEXT,
  body TEXT NOT NULL,
  PRIMARY KEY (campaign_id, variant, lang)
);

-- Actual cost lines (the budget is on the campaign).
CREATE TABLE campaign_costs (
  id {{ID}},
  campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
  label TEXT NOT NULL,
  amount BIGINT NOT NULL,
  day TEXT NOT NULL,
  created_by BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX campaign_costs_campaign ON campaign_costs(campaign_id, id);

-- The segment's members frozen when the campaign starts. grp: target or
-- control (company holdout members are left out). variant: the message
-- variant (NULL while waiting for the A/B decision; control: NULL).
-- ab_test: 1 when the member is in the A/B test share. outbox_id: the
-- message queued (NULL: none yet, or in_store / control).
CREATE TABLE campaign_members (
  campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
  customer_id BIGINT NOT NULL REFERENCES customers(id),
  grp TEXT NOT NULL,
  variant TEXT,
  ab_test INTEGER NOT NULL DEFAULT 0,
  coupon_id BIGINT,
  outbox_id BIGINT,
  queued_at BIGINT,
  PRIMARY KEY (campaign_id, customer_id)
);
CREATE INDEX campaign_members_customer ON campaign_members(customer_id);

-- The outbox as a sending queue. dedup_key makes a second message for the
-- same occasion impossible ('campaign:<id>:<customer>', 'journey:<enrollment>:<step>').
-- status: queued, sending, sent, delivered, failed, bounced, opted_out,
-- suppressed, cancelled; reason says why (also for a message still queued,
-- e.g. no gateway configured). next_at: not before (retries, quiet hours).
-- dead: 1 when the retries ran out (the dead-letter list).
ALTER TABLE outbox ADD COLUMN lang TEXT;
ALTER TABLE outbox ADD COLUMN dedup_key TEXT;
ALTER TABLE outbox ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN next_at BIGINT;
ALTER TABLE outbox ADD COLUMN claimed_at BIGINT;
ALTER TABLE outbox ADD COLUMN provider_ref TEXT;
ALTER TABLE outbox ADD COLUMN delivered_at BIGINT;
ALTER TABLE outbox ADD COLUMN dead INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN updated_at BIGINT;
CREATE UNIQUE INDEX outbox_dedup ON outbox(dedup_key) WHERE dedup_key IS NOT NULL;
CREATE INDEX outbox_source ON outbox(source, source_id, id);
CREATE INDEX outbox_provider_ref ON outbox(channel, provider_ref) WHERE provider_ref IS NOT NULL;

-- One gateway per channel (sms, email, wechat). config: the channel's JSON
-- (email: smtp_url, username, from, ...; sms/wechat: url, ...); secret: the
-- SMTP password or the webhook's HMAC key, never answered by the API.
CREATE TABLE marketing_gateways (
  channel TEXT PRIMARY KEY,
  enabled INTEGER NOT NULL DEFAULT 1,
  config TEXT NOT NULL DEFAULT '{}',
  secret TEXT,
  rate_per_minute BIGINT NOT NULL DEFAULT 60,
  updated_by BIGINT,
  updated_at BIGINT NOT NULL
);

-- Company-wide marketing settings, one row (id 1): the approval threshold
-- (a campaign with a larger budget needs approval; 0 = never), the
-- company-wide holdout (0..20 % of customers, from bucket holdout_lo,
-- excluded from every campaign), quiet hours for SMS ("HH:MM"), the public
-- address unsubscribe links point to, and the key that signs them.
CREATE TABLE marketing_settings (
  id BIGINT PRIMARY KEY,
  approval_threshold BIGINT NOT NULL DEFAULT 0,
  holdout_pct BIGINT NOT NULL DEFAULT 0,
  holdout_lo BIGINT NOT NULL DEFAULT 0,
  quiet_start TEXT NOT NULL DEFAULT '21:00',
  quiet_end TEXT NOT NULL DEFAULT '08:00',
  public_url TEXT NOT NULL DEFAULT '',
  link_key TEXT,
  updated_at BIGINT NOT NULL DEFAULT 0
);
INSERT INTO marketing_settings (id) VALUES (1);

-- Journeys: a trigger (welcome: a new member; winback: no purchase in
-- trigger_days; birthday: trigger_days before the birthday) and its steps.
CREATE TABLE journeys (
  id {{ID}},
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  trigger_days BIGINT NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
-- A step: after delay_days from the trigger (or the previous step), a
-- message on channel with an optional coupon; messages per language as JSON
-- {"zh-CN": {"subject": ..., "body": ...}, "en": {...}}.
CREATE TABLE journey_steps (
  id {{ID}},
  journey_id BIGINT NOT NULL REFERENCES journeys(id),
  step_no BIGINT NOT NULL,
  delay_days BIGINT NOT NULL DEFAULT 0,
  channel TEXT NOT NULL,
  template_id BIGINT REFERENCES coupon_templates(id),
  messages TEXT NOT NULL DEFAULT '{}',
  UNIQUE (journey_id, step_no)
);
-- A customer's pass through a journey; occurrence tells passes apart
-- (birthday: the year; winback: the day of the last purchase; welcome: '').
CREATE TABLE journey_enrollments (
  id {{ID}},
  journey_id BIGINT NOT NULL REFERENCES journeys(id),
  customer_id BIGINT NOT NULL REFERENCES customers(id),
  occurrence TEXT NOT NULL,
  next_step BIGINT NOT NULL DEFAULT 1,
  next_at BIGINT,
  status TEXT NOT NULL,
  enrolled_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (journey_id, customer_id, occurrence)
);
CREATE INDEX journey_enrollments_due ON journey_enrollments(status, next_at);
