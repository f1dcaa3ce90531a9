-- POS sales: shifts, sales with lines, discounts and payments, returns,
-- idempotency keys, gapless receipt numbers, day rollups and the
-- tamper-evident journal. Money BIGINT minor units, quantities BIGINT
-- thousandths, instants BIGINT Unix ms, business days TEXT.

-- One open shift per store register; sales and returns belong to it.
CREATE TABLE shifts (
  id {{ID}},
  store_id BIGINT NOT NULL REFERENCES stores(id),
  register TEXT NOT NULL,
  status TEXT NOT NULL,
  opened_by BIGINT NOT NULL,
  opened_at BIGINT NOT NULL,
  opening_cash BIGINT NOT NULL,
  closed_by BIGINT,
  closed_at BIGINT,
  z_report TEXT
);
CREATE UNIQUE INDEX shifts_one_open ON shifts(store_id, register) WHERE status = 'open';
CREATE INDEX shifts_store ON shifts(store_id, opened_at);

-- Receipt numbers <store code>-<YYYYMMDD>-<NNNN>, per store and day, gapless
-- because the counter moves in the sale's own transaction.
CREATE TABLE receipt_counters (
  store_id BIGINT NOT NULL REFERENCES stores(id),
  day TEXT NOT NULL,
  last BIGINT NOT NULL,
  PRIMARY KEY (store_id, day)
);

-- status: completed, partially_returned, returned, voided
CREATE TABLE sales (
  id {{ID}},
  number TEXT NOT NULL UNIQUE,
  store_id BIGINT NOT NULL REFERENCES stores(id),
  shift_id BIGINT REFERENCES shifts(id),
  customer_id BIGINT,
  cashier_id BIGINT NOT NULL,
  salesperson_id BIGINT,
  at BIGINT NOT NULL,
  day TEXT NOT NULL,
  status TEXT NOT NULL,
  subtotal BIGINT NOT NULL,
  discount_total BIGINT NOT NULL,
  rounding BIGINT NOT NULL DEFAULT 0,
  vat_total BIGINT NOT NULL,
  total BIGINT NOT NULL,
  paid BIGINT NOT NULL,
  change_due BIGINT NOT NULL,
  points_earned BIGINT NOT NULL DEFAULT 0,
  points_redeemed BIGINT NOT NULL DEFAULT 0,
  manual_discount_bp BIGINT NOT NULL DEFAULT 0,
  approved_by BIGINT,
  note TEXT,
  offline_at BIGINT,
  negative_stock INTEGER NOT NULL DEFAULT 0,
  void_reason TEXT,
  voided_by BIGINT,
  voided_at BIGINT,
  refunded_total BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX sales_store_at ON sales(store_id, at);
CREATE INDEX sales_shift ON sales(shift_id);
-- Most sales have no customer: they are kept out of the customer index.
CREATE INDEX sales_customer ON sales(customer_id, at) WHERE customer_id IS NOT NULL;

CREATE TABLE sale_lines (
  id {{ID}},
  sale_id BIGINT NOT NULL REFERENCES sales(id),
  line_no BIGINT NOT NULL,
  product_id BIGINT NOT NULL REFERENCES products(id),
  quantity BIGINT NOT NULL,
  list_price BIGINT NOT NULL,
  unit_price BIGINT NOT NULL,
  price_overridden INTEGER NOT NULL DEFAULT 0,
  gross BIGINT NOT NULL,
  discount BIGINT NOT NULL,
  total BIGINT NOT NULL,
  vat_rate BIGINT NOT NULL,
  vat BIGINT NOT NULL,
  unit_cost BIGINT,
  promotion_id BIGINT,
  is_gift INTEGER NOT NULL DEFAULT 0,
  returned_quantity BIGINT NOT NULL DEFAULT 0,
  refunded BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX sale_lines_sale ON sale_lines(sale_id);
CREATE INDEX sale_lines_product ON sale_lines(product_id);

-- Each discount on a line with what gave it (a promotion, the tier, a
-- coupon, the manual discount).
CREATE TABLE sale_line_discounts (
  sale_line_id BIGINT NOT NULL REFERENCES sale_lines(id),
  source TEXT NOT NULL,
  source_id BIGINT,
  amount BIGINT NOT NULL
);
CREATE INDEX sale_line_discounts_line ON sale_line_discounts(sale_line_id);

-- method: cash card wechat alipay voucher points stored_value
CREATE TABLE sale_payments (
  id {{ID}},
  sale_id BIGINT NOT NULL REFERENCES sales(id),
  method TEXT NOT NULL,
  amount BIGINT NOT NULL,
  reference TEXT
);
CREATE INDEX sale_payments_sale ON sale_payments(sale_id);

CREATE TABLE sale_returns (
  id {{ID}},
  sale_id BIGINT NOT NULL REFERENCES sales(id),
  store_id BIGINT NOT NULL REFERENCES stores(id),
  shift_id BIGINT REFERENCES shifts(id),
  kind TEXT NOT NULL,
  at BIGINT NOT NULL,
  day TEXT NOT NULL,
  user_id BIGINT NOT NULL,
  refund_total BIGINT NOT NULL,
  refund_method TEXT NOT NULL,
  reason TEXT,
  points_reversed BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX sale_returns_sale ON sale_returns(sale_id);
CREATE INDEX sale_returns_shift ON sale_returns(shift_id);

CREATE TABLE sale_return_lines (
  id {{ID}},
  return_id BIGINT NOT NULL REFERENCES sale_returns(id),
  sale_line_id BIGINT NOT NULL REFERENCES sale_lines(id),
  product_id BIGINT NOT NULL,
  quantity BIGINT NOT NULL,
  refund BIGINT NOT NULL,
  vat BIGINT NOT NULL
);
CREATE INDEX sale_return_lines_return ON sale_return_lines(return_id);

-- Idempotency keys, scoped to the user; the answer is stored in the same
-- transaction as the sale it describes.
CREATE TABLE idempotency_keys (
  user_id BIGINT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status BIGINT NOT NULL DEFAULT 0,
  response TEXT,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);

-- Day rollups kept current by every sale and return (same transaction).
-- revenue: what customers paid, VAT included, net of returns; cost: unit
-- cost × units; gross margin = revenue - vat - cost.
CREATE TABLE rollup_day_store (
  day TEXT NOT NULL,
  store_id BIGINT NOT NULL,
  revenue BIGINT NOT NULL DEFAULT 0,
  vat BIGINT NOT NULL DEFAULT 0,
  cost BIGINT NOT NULL DEFAULT 0,
  discount BIGINT NOT NULL DEFAULT 0,
  orders BIGINT NOT NULL DEFAULT 0,
  units BIGINT NOT NULL DEFAULT 0,
  returns BIGINT NOT NULL DEFAULT 0,
  refunded BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (day, store_id)
);
CREATE TABLE rollup_day_store_product (
  day TEXT NOT NULL,
  store_id BIGINT NOT NULL,
  product_id BIGINT NOT NULL,
  revenue BIGINT NOT NULL DEFAULT 0,
  vat BIGINT NOT NULL DEFAULT 0,
  cost BIGINT NOT NULL DEFAULT 0,
  discount BIGINT NOT NULL DEFAULT 0,
  orders BIGINT NOT NULL DEFAULT 0,
  units BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (day, store_id, product_id)
);
CREATE INDEX rollup_dsp_product ON rollup_day_store_product(product_id, day);
CREATE TABLE rollup_day_store_staff (
  day TEXT NOT NULL,
  store_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  revenue BIGINT NOT NULL DEFAULT 0,
  vat BIGINT NOT NULL DEFAULT 0,
  cost BIGINT NOT NULL DEFAULT 0,
  discount BIGINT NOT NULL DEFAULT 0,
  orders BIGINT NOT NULL DEFAULT 0,
  units BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (day, store_id, user_id)
);

-- Tamper-evident journal: per store, each record hashes its content and the
-- previous record's hash (SHA-256, hex).
CREATE TABLE journal (
  id {{ID}},
  store_id BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  kind TEXT NOT NULL,
  doc_id BIGINT NOT NULL,
  at BIGINT NOT NULL,
  content TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  UNIQUE (store_id, seq)
);

-- The head of each store's journal chain: updating it takes the row lock
-- that orders concurrent appends on PostgreSQL.
CREATE TABLE journal_heads (
  store_id BIGINT NOT NULL PRIMARY KEY,
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL
);
