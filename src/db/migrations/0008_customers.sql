-- Customers and loyalty: profiles with consent and store links, tiers,
-- the points and stored-value ledgers, coupons, contacts, tasks,
-- opportunities and the outbox of queued messages. Money BIGINT minor
-- units, instants BIGINT Unix ms, days TEXT YYYY-MM-DD, booleans 0/1.

-- phone: normalized, 11 digits for a mainland mobile, else E.164 (+...).
-- phone_last4 and name_initials (pinyin initials, lower case) serve the
-- till's lookups. The aggregates (spend, orders, purchases) move with each
-- sale; the balances with their ledgers. An erased customer keeps its row
-- (sales point at it) with every personal field replaced; a merged one is
-- deleted after its history moved to the kept profile.
CREATE TABLE customers (
  id {{ID}},
  name TEXT NOT NULL,
  name_initials TEXT NOT NULL DEFAULT '',
  phone TEXT UNIQUE,
  phone_last4 TEXT,
  email TEXT,
  birthday TEXT,
  birth_md TEXT,
  gender TEXT,
  city TEXT,
  home_store_id BIGINT REFERENCES stores(id),
  member_code TEXT NOT NULL UNIQUE,
  tags TEXT NOT NULL DEFAULT '[]',
  preferences TEXT NOT NULL DEFAULT '{}',
  consent_sms INTEGER NOT NULL DEFAULT 0,
  consent_email INTEGER NOT NULL DEFAULT 0,
  consent_wechat INTEGER NOT NULL DEFAULT 0,
  bucket BIGINT NOT NULL DEFAULT 0,
  tier_id BIGINT,
  tier_since BIGINT,
  points_balance BIGINT NOT NULL DEFAULT 0,
  points_owed BIGINT NOT NULL DEFAULT 0,
  sv_paid_balance BIGINT NOT NULL DEFAULT 0,
  sv_bonus_balance BIGINT NOT NULL DEFAULT 0,
  lifetime_spend BIGINT NOT NULL DEFAULT 0,
  orders_count BIGINT NOT NULL DEFAULT 0,
  first_purchase_at BIGINT,
  last_purchase_at BIGINT,
  rfm_r INTEGER,
  rfm_f INTEGER,
  rfm_m INTEGER,
  rfm_at BIGINT,
  erased_at BIGINT,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX customers_last4 ON customers(phone_last4, id);
CREATE INDEX customers_name ON customers(name, id);
CREATE INDEX customers_initials ON customers(name_initials, id);
CREATE INDEX customers_home_store ON customers(home_store_id, id);
CREATE INDEX customers_tier ON customers(tier_id, id);
CREATE INDEX customers_birth_md ON customers(birth_md);

-- The stores a customer belongs to: the home store and every store the
-- customer bought in. Store-bound roles see the customers linked here.
CREATE TABLE customer_stores (
  customer_id BIGINT NOT NULL REFERENCES customers(id),
  store_id BIGINT NOT NULL REFERENCES stores(id),
  PRIMARY KEY (customer_id, store_id)
);
CREATE INDEX customer_stores_store ON customer_stores(store_id, customer_id);

-- One row per tag, for the tag filter (customers.tags holds the array).
CREATE TABLE customer_tags (
  customer_id BIGINT NOT NULL REFERENCES customers(id),
  tag TEXT NOT NULL,
  PRIMARY KEY (customer_id, tag)
);
CREATE INDEX customer_tags_tag ON customer_tags(tag, customer_id);

-- Consent given or withdrawn per channel (sms, email, wechat): when, how
-- (source: store, web, import, api, unsubscribe ...) and by whom.
CREATE TABLE customer_consents (
  id {{ID}},
  customer_id BIGINT NOT NULL REFERENCES customers(id),
  channel TEXT NOT NULL,
  granted INTEGER NOT NULL,
  at BIGINT NOT NULL,
  source TEXT NOT NULL,
  user_id BIGINT
);
CREATE INDEX customer_consents_customer ON customer_consents(customer_id, id);

-- Reads of a full profile (who looked at whom, when).
CREATE TABLE customer_reads (
  id {{ID}},
  customer_id BIGINT NOT NULL,
  user_id BIGINT,
  at BIGINT NOT NULL,
  what TEXT NOT NULL
);
CREATE INDEX customer_reads_customer ON customer_reads(customer_id, at);

-- Tiers by spend over the last 12 months: the lowest threshold is 0. A
-- tier gives a discount at the till (basis points) and multiplies points
-- (basis points, 10000 = ×1).
CREATE TABLE tiers (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  min_spend BIGINT NOT NULL,
  discount_bp BIGINT NOT NULL DEFAULT 0,
  points_multiplier_bp BIGINT NOT NULL DEFAULT 10000,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE customer_tier_history (
  id {{ID}},
  customer_id BIGINT NOT NULL REFERENCES customers(id),
  from_tier_id BIGINT,
  to_tier_id BIGINT,
  at BIGINT NOT NULL,
  reason TEXT NOT NULL,
  sale_id BIGINT,
  spend_12m BIGINT NOT NULL
);
CREATE INDEX customer_tier_history_customer ON customer_tier_history(customer_id, id);

-- The points program (one row). rounding: floor or half_up.
CREATE TABLE loyalty_program (
  id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
  points_per_yuan BIGINT NOT NULL,
  point_value BIGINT NOT NULL,
  expiry_days BIGINT NOT NULL,
  max_redeem_bp BIGINT NOT NULL,
  min_redeem BIGINT NOT NULL DEFAULT 0,
  max_redeem_points BIGINT NOT NULL DEFAULT 0,
  rounding TEXT NOT NULL DEFAULT 'floor',
  sv_bonus_spent TEXT NOT NULL DEFAULT 'last',
  updated_at BIGINT NOT NULL
);
INSERT INTO loyalty_program (id, points_per_yuan, point_value, expiry_days, max_redeem_bp,
  updated_at) VALUES (1, 1, 1, 365, 5000, 0);

-- The points ledger: every change of a balance with its cause. kind: earn,
-- redeem, return (points of a returned part taken back), refund (redeemed
-- points given back), void, expire, adjust, merge, owed (settled debt).
-- Earnings are lots: remaining is what is left of the lot (first in,
-- first out), expires_at when it lapses.
CREATE TABLE points_ledger (
  id {{ID}},
  customer_id BIGINT NOT NULL REFERENCES customers(id),
  at BIGINT NOT NULL,
  kind TEXT NOT NULL,
  points BIGINT NOT NULL,
  balance_after BIGINT NOT NULL,
  remaining BIGINT NOT NULL DEFAULT 0,
  expires_at BIGINT,
  sale_id BIGINT,
  return_id BIGINT,
  store_id BIGINT,
  user_id BIGINT,
  reason TEXT
);
CREATE INDEX points_ledger_customer ON points_ledger(customer_id, id);
CREATE INDEX points_ledger_lots ON points_ledger(expires_at) WHERE remaining > 0;
CREATE INDEX points_ledger_sale ON points_ledger(sale_id) WHERE sale_id IS NOT NULL;

-- Top-up bonus rules: pay at least min_amount, get bonus on top.
CREATE TABLE stored_value_rules (
  id {{ID}},
  min_amount BIGINT NOT NULL UNIQUE,
  bonus BIGINT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL
);

-- The stored-value ledger, with the paid and bonus parts apart (only the
-- paid part is refundable). kind: top_up, spend, return, void, refund,
-- merge, adjust.
CREATE TABLE stored_value_ledger (
  id {{ID}},
  customer_id BIGINT NOT NULL REFERENCES customers(id),
  at BIGINT NOT NULL,
  kind TEXT NOT NULL,
  paid_amount BIGINT NOT NULL,
  bonus_amount BIGINT NOT NULL,
  paid_after BIGINT NOT NULL,
  bonus_after BIGINT NOT NULL,
  method TEXT,
  sale_id BIGINT,
  return_id BIGINT,
  store_id BIGINT,
  shift_id BIGINT,
  user_id BIGINT,
  reason TEXT
);
CREATE INDEX stored_value_ledger_customer ON stored_value_ledger(customer_id, id);
CREATE INDEX stored_value_ledger_sale ON stored_value_ledger(sale_id) WHERE sale_id IS NOT NULL;

-- kind: amount_off (value: minor units), percent_off (value: basis points,
-- max_discount caps it), gift (value: a product id). Valid valid_days from
-- issue, or from valid_from to valid_to. store_ids and category_ids (JSON
-- arrays, empty = all) limit where and on what it applies.
CREATE TABLE coupon_templates (
  id {{ID}},
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  value BIGINT NOT NULL,
  min_spend BIGINT NOT NULL DEFAULT 0,
  max_discount BIGINT,
  valid_days BIGINT,
  valid_from TEXT,
  valid_to TEXT,
  store_ids TEXT NOT NULL DEFAULT '[]',
  category_ids TEXT NOT NULL DEFAULT '[]',
  per_customer_limit BIGINT NOT NULL DEFAULT 0,
  stackable INTEGER NOT NULL DEFAULT 1,
  purpose TEXT,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- status: issued, redeemed, expired, cancelled. A redeemed coupon names
-- its sale; a void gives it back (status issued again).
CREATE TABLE coupons (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  template_id BIGINT NOT NULL REFERENCES coupon_templates(id),
  customer_id BIGINT REFERENCES customers(id),
  batch_id BIGINT,
  status TEXT NOT NULL,
  issued_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  issued_by BIGINT,
  reason TEXT,
  sale_id BIGINT,
  redeemed_at BIGINT,
  store_id BIGINT,
  discount BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX coupons_customer ON coupons(customer_id, id) WHERE customer_id IS NOT NULL;
CREATE INDEX coupons_template ON coupons(template_id, customer_id);
CREATE INDEX coupons_sale ON coupons(sale_id) WHERE sale_id IS NOT NULL;

-- Care rules: a birthday (days_before the birthday) or a holiday (on
-- month_day, days_before) with the coupon template to issue and the
-- greeting per language. One care per customer and rule and year.
CREATE TABLE care_rules (
  id {{ID}},
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  month_day TEXT,
  days_before BIGINT NOT NULL DEFAULT 0,
  template_id BIGINT REFERENCES coupon_templates(id),
  channels TEXT NOT NULL DEFAULT '["sms"]',
  message TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE care_sent (
  rule_id BIGINT NOT NULL,
  customer_id BIGINT NOT NULL,
  year BIGINT NOT NULL,
  at BIGINT NOT NULL,
  coupon_id BIGINT,
  PRIMARY KEY (rule_id, customer_id, year)
);

-- Messages to send (sending comes with marketing): one row per message.
-- status: queued, sent, failed, cancelled.
CREATE TABLE outbox (
  id {{ID}},
  customer_id BIGINT,
  channel TEXT NOT NULL,
  recipient TEXT NOT NULL,
  subject TEXT,
  body TEXT NOT NULL,
  status TEXT NOT NULL,
  source TEXT NOT NULL,
  source_id BIGINT,
  created_at BIGINT NOT NULL,
  sent_at BIGINT,
  error TEXT
);
CREATE INDEX outbox_status ON outbox(status, id);
CREATE INDEX outbox_customer ON outbox(customer_id) WHERE customer_id IS NOT NULL;

-- Contacts with a customer: channel phone, sms, email, wechat, visit,
-- chat, store; direction in or out.
CREATE TABLE customer_contacts (
  id {{ID}},
  customer_id BIGINT NOT NULL REFERENCES customers(id),
  store_id BIGINT,
  user_id BIGINT,
  at BIGINT NOT NULL,
  channel TEXT NOT NULL,
  direction TEXT NOT NULL,
  summary TEXT NOT NULL,
  outcome TEXT,
  next_step TEXT,
  task_id BIGINT
);
CREATE INDEX customer_contacts_customer ON customer_contacts(customer_id, at);

-- kind: follow_up, call, visit, other; status: open, done, cancelled.
CREATE TABLE tasks (
  id {{ID}},
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  note TEXT,
  customer_id BIGINT REFERENCES customers(id),
  opportunity_id BIGINT,
  store_id BIGINT,
  assignee_id BIGINT,
  due_at BIGINT,
  status TEXT NOT NULL,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  done_at BIGINT,
  done_by BIGINT
);
CREATE INDEX tasks_assignee ON tasks(assignee_id, status, due_at);
CREATE INDEX tasks_store ON tasks(store_id, status, due_at);
CREATE INDEX tasks_customer ON tasks(customer_id, id) WHERE customer_id IS NOT NULL;

-- stage: lead, qualified, proposal, negotiation, won, lost.
CREATE TABLE opportunities (
  id {{ID}},
  name TEXT NOT NULL,
  customer_id BIGINT REFERENCES customers(id),
  store_id BIGINT REFERENCES stores(id),
  owner_id BIGINT,
  stage TEXT NOT NULL,
  amount BIGINT NOT NULL,
  probability_bp BIGINT NOT NULL,
  expected_close TEXT,
  lost_reason TEXT,
  note TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  closed_at BIGINT
);
CREATE INDEX opportunities_stage ON opportunities(stage, owner_id);
CREATE INDEX opportunities_customer ON opportunities(customer_id) WHERE customer_id IS NOT NULL;

CREATE TABLE opportunity_stages (
  id {{ID}},
  opportunity_id BIGINT NOT NULL REFERENCES opportunities(id),
  from_stage TEXT,
  to_stage TEXT NOT NULL,
  at BIGINT NOT NULL,
  user_id BIGINT
);
CREATE INDEX opportunity_stages_opp ON opportunity_stages(opportunity_id, id);
