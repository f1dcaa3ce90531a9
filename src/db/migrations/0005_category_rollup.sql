-- Sales by category: each sale line keeps the category its product had when
-- sold, and a day rollup by category counts each sale once per category (the
-- product rows would count a sale once per product).
ALTER TABLE sale_lines ADD COLUMN category_id BIGINT;
UPDATE sale_lines SET category_id =
  (SELECT p.category_id FROM products p WHERE p.id = sale_lines.product_id);

-- category_id 0: products without a category.
CREATE TABLE rollup_day_store_category (
  day TEXT NOT NULL,
  store_id BIGINT NOT NULL,
  category_id BIGINT NOT NULL,
  revenue BIGINT NOT NULL DEFAULT 0,
  vat BIGINT NOT NULL DEFAULT 0,
  cost BIGINT NOT NULL DEFAULT 0,
  discount BIGINT NOT NULL DEFAULT 0,
  orders BIGINT NOT NULL DEFAULT 0,
  units BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (day, store_id, category_id)
);

-- From the history: the amounts of the product rows by their products'
-- categories, and each sale that was not voided once per category.
INSERT INTO rollup_day_store_category
  (day, store_id, category_id, revenue, vat, cost, discount, orders, units)
SELECT r.day, r.store_id, COALESCE(p.category_id, 0), SUM(r.revenue), SUM(r.vat),
       SUM(r.cost), SUM(r.discount), 0, SUM(r.units)
FROM rollup_day_store_product r JOIN products p ON p.id = r.product_id
GROUP BY r.day, r.store_id, COALESCE(p.category_id, 0);
UPDATE rollup_day_store_category SET orders =
  (SELECT COUNT(DISTINCT s.id) FROM sales s JOIN sale_lines l ON l.sale_id = s.id
   WHERE s.day = rollup_day_store_category.day
     AND s.store_id = rollup_day_store_category.store_id
     AND COALESCE(l.category_id, 0) = rollup_day_store_category.category_id
     AND s.status <> 'voided');
