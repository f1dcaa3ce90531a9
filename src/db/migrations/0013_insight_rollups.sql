-- Customer reports (new against returning customers, member share of
-- revenue, retention cohorts): each customer's orders and revenue per
-- business day and store, kept current by every sale, return and void of a
-- sale with a customer, in the same transaction. orders: sales less voids
-- (a return takes no order back); revenue: what the customer paid, net of
-- refunds, as in rollup_day_store (a return on its own day, a void on the
-- sale's day). A customer's first purchase (in a set of stores) is the
-- first day of a row with orders > 0 (in those stores).
CREATE TABLE rollup_day_store_customer (
  day TEXT NOT NULL,
  store_id BIGINT NOT NULL,
  customer_id BIGINT NOT NULL,
  orders BIGINT NOT NULL DEFAULT 0,
  revenue BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (day, store_id, customer_id)
);
-- Both covering, so that the reports read indexes only: each customer's
-- first purchase in a set of stores, and a range of days with its amounts.
CREATE INDEX rollup_dsc_customer ON rollup_day_store_customer(customer_id, day, store_id, orders);
CREATE INDEX rollup_dsc_day ON rollup_day_store_customer(day, store_id, customer_id, orders, revenue);

-- From the history (the same SELECT as rollup_customer_recompute).
INSERT INTO rollup_day_store_customer (day, store_id, customer_id, orders, revenue)
SELECT x.day, x.store_id, x.customer_id, SUM(x.orders), SUM(x.revenue) FROM (
  SELECT s.day AS day, s.store_id AS store_id, s.customer_id AS customer_id,
         CASE WHEN s.status = 'voided' THEN 0 ELSE 1 END AS orders,
         CASE WHEN s.status = 'voided' THEN 0 ELSE s.paid END AS revenue
  FROM sales s WHERE s.customer_id IS NOT NULL
  UNION ALL
  SELECT r.day, s.store_id, s.customer_id, 0, -r.refund_total
  FROM sale_returns r JOIN sales s ON s.id = r.sale_id WHERE s.customer_id IS NOT NULL
) x GROUP BY x.day, x.store_id, x.customer_id;

-- Turnover and sell-through read the stock ledger from the start of a
-- period on: the opening and closing quantities are the balance less the
-- moves after each instant.
CREATE INDEX stock_moves_at ON stock_moves(at);
