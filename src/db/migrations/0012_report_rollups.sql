-- Report rollups kept current by every sale, return and void (same
-- transaction): by hour of day, payment method, brand, category with its
-- subtree, and month × product; returns and refunds in the product,
-- category and staff day rollups. Amounts as in 0004: revenue is what
-- customers paid (VAT included, net of returns), returns counts return
-- documents, refunded is the money they gave back.

ALTER TABLE rollup_day_store_product ADD COLUMN returns BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rollup_day_store_product ADD COLUMN refunded BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rollup_day_store_category ADD COLUMN returns BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rollup_day_store_category ADD COLUMN refunded BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rollup_day_store_staff ADD COLUMN returns BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rollup_day_store_staff ADD COLUMN refunded BIGINT NOT NULL DEFAULT 0;

-- hour: the hour of day 0..23 in the company time zone of the sale (a void:
-- the sale's; a return: the return's).
CREATE TABLE rollup_day_store_hour (
  day TEXT NOT NULL,
  store_id BIGINT NOT NULL,
  hour BIGINT NOT NULL,
  revenue BIGINT NOT NULL DEFAULT 0,
  vat BIGINT NOT NULL DEFAULT 0,
  cost BIGINT NOT NULL DEFAULT 0,
  discount BIGINT NOT NULL DEFAULT 0,
  orders BIGINT NOT NULL DEFAULT 0,
  units BIGINT NOT NULL DEFAULT 0,
  returns BIGINT NOT NULL DEFAULT 0,
  refunded BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (day, store_id, hour)
);

-- revenue: what each method took net of cash change, less what it refunded;
-- orders: the sales that used the method.
CREATE TABLE rollup_day_store_payment (
  day TEXT NOT NULL,
  store_id BIGINT NOT NULL,
  method TEXT NOT NULL,
  revenue BIGINT NOT NULL DEFAULT 0,
  orders BIGINT NOT NULL DEFAULT 0,
  returns BIGINT NOT NULL DEFAULT 0,
  refunded BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (day, store_id, method)
);

-- brand '': products without a brand. A sale counts once per brand.
CREATE TABLE rollup_day_store_brand (
  day TEXT NOT NULL,
  store_id BIGINT NOT NULL,
  brand TEXT NOT NULL,
  revenue BIGINT NOT NULL DEFAULT 0,
  vat BIGINT NOT NULL DEFAULT 0,
  cost BIGINT NOT NULL DEFAULT 0,
  discount BIGINT NOT NULL DEFAULT 0,
  orders BIGINT NOT NULL DEFAULT 0,
  units BIGINT NOT NULL DEFAULT 0,
  returns BIGINT NOT NULL DEFAULT 0,
  refunded BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (day, store_id, brand)
);

-- A category with its whole subtree: a line counts in its category and
-- every ancestor of it, a sale once per such category.
CREATE TABLE rollup_day_store_category_tree (
  day TEXT NOT NULL,
  store_id BIGINT NOT NULL,
  category_id BIGINT NOT NULL,
  revenue BIGINT NOT NULL DEFAULT 0,
  vat BIGINT NOT NULL DEFAULT 0,
  cost BIGINT NOT NULL DEFAULT 0,
  discount BIGINT NOT NULL DEFAULT 0,
  orders BIGINT NOT NULL DEFAULT 0,
  units BIGINT NOT NULL DEFAULT 0,
  returns BIGINT NOT NULL DEFAULT 0,
  refunded BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (day, store_id, category_id)
);
CREATE INDEX rollup_dsct_category ON rollup_day_store_category_tree(category_id, day);

-- month 'YYYY-MM': the product rows of a whole month in one, so that a
-- quarter's top products read months, not days.
CREATE TABLE rollup_month_store_product (
  month TEXT NOT NULL,
  store_id BIGINT NOT NULL,
  product_id BIGINT NOT NULL,
  revenue BIGINT NOT NULL DEFAULT 0,
  vat BIGINT NOT NULL DEFAULT 0,
  cost BIGINT NOT NULL DEFAULT 0,
  discount BIGINT NOT NULL DEFAULT 0,
  orders BIGINT NOT NULL DEFAULT 0,
  units BIGINT NOT NULL DEFAULT 0,
  returns BIGINT NOT NULL DEFAULT 0,
  refunded BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (month, store_id, product_id)
);
CREATE TABLE rollup_month_store_category_tree (
  month TEXT NOT NULL,
  store_id BIGINT NOT NULL,
  category_id BIGINT NOT NULL,
  revenue BIGINT NOT NULL DEFAULT 0,
  vat BIGINT NOT NULL DEFAULT 0,
  cost BIGINT NOT NULL DEFAULT 0,
  discount BIGINT NOT NULL DEFAULT 0,
  orders BIGINT NOT NULL DEFAULT 0,
  units BIGINT NOT NULL DEFAULT 0,
  returns BIGINT NOT NULL DEFAULT 0,
  refunded BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (month, store_id, category_id)
);

-- The month × product rows of every store together, for reports over all
-- stores (a quarter's top products read a few thousand rows).
CREATE TABLE rollup_month_product (
  month TEXT NOT NULL,
  product_id BIGINT NOT NULL,
  revenue BIGINT NOT NULL DEFAULT 0,
  vat BIGINT NOT NULL DEFAULT 0,
  cost BIGINT NOT NULL DEFAULT 0,
  discount BIGINT NOT NULL DEFAULT 0,
  orders BIGINT NOT NULL DEFAULT 0,
  units BIGINT NOT NULL DEFAULT 0,
  returns BIGINT NOT NULL DEFAULT 0,
  refunded BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (month, product_id)
);

-- The day × product rows of every store together: today's top products and
-- the days around whole months of a report over every store.
CREATE TABLE rollup_day_product (
  day TEXT NOT NULL,
  product_id BIGINT NOT NULL,
  revenue BIGINT NOT NULL DEFAULT 0,
  vat BIGINT NOT NULL DEFAULT 0,
  cost BIGINT NOT NULL DEFAULT 0,
  discount BIGINT NOT NULL DEFAULT 0,
  orders BIGINT NOT NULL DEFAULT 0,
  units BIGINT NOT NULL DEFAULT 0,
  returns BIGINT NOT NULL DEFAULT 0,
  refunded BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (day, product_id)
);
