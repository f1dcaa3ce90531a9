-- Service levels for reorder points computed from the demand forecast: the
-- chance of not running out before an order arrives. store_id 0 = every
-- store, category_id 0 = every category; the most specific row wins (store
-- and category, then category, then store, then the company row 0/0; 95%
-- when there is none).
CREATE TABLE service_levels (
  store_id BIGINT NOT NULL,
  category_id BIGINT NOT NULL,
  level BIGINT NOT NULL,            -- percent × 1000 (95000 = 95%), 50000..99900
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (store_id, category_id)
);
