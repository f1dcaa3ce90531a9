-- Promotions: the rules of the promotion engine (src/domain/promo.h).
-- params holds the kind's parameters as JSON; store_ids, product_ids,
-- category_ids and tiers are JSON arrays ('[]' = every one), ids ascending
-- and written without spaces ("[1,2,3]") so that a store can be matched
-- with LIKE. Days are 'YYYY-MM-DD' (NULL = open), hours minutes of the day.
CREATE TABLE promotions (
  id {{ID}},
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  params TEXT NOT NULL,
  store_ids TEXT NOT NULL DEFAULT '[]',
  product_ids TEXT NOT NULL DEFAULT '[]',
  category_ids TEXT NOT NULL DEFAULT '[]',
  tiers TEXT NOT NULL DEFAULT '[]',
  starts_on TEXT,
  ends_on TEXT,
  weekdays TEXT NOT NULL DEFAULT '[]',
  hour_from BIGINT,
  hour_to BIGINT,
  priority BIGINT NOT NULL DEFAULT 0,
  exclusive INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX promotions_active ON promotions(active, starts_on, ends_on);
