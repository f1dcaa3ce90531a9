-- Inventory: the stock ledger and balances, transfers, stock counts,
-- suppliers, purchase orders, reorder rules and alerts. Quantities are BIGINT
-- thousandths, money BIGINT minor units, instants BIGINT Unix ms.

-- Every change of stock is a move; the balance row is updated in the same
-- transaction and can be recomputed from the moves (tersa check-stock).
CREATE TABLE stock_balances (
  store_id BIGINT NOT NULL REFERENCES stores(id),
  product_id BIGINT NOT NULL REFERENCES products(id),
  on_hand BIGINT NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (store_id, product_id)
);
CREATE INDEX stock_balances_product ON stock_balances(product_id);

-- kind: receipt sale return transfer_out transfer_in transfer_loss
--       adjustment damage count
-- doc_type/doc_id name the document (transfer, count, purchase_order, sale...).
CREATE TABLE stock_moves (
  id {{ID}},
  store_id BIGINT NOT NULL REFERENCES stores(id),
  product_id BIGINT NOT NULL REFERENCES products(id),
  quantity BIGINT NOT NULL,
  kind TEXT NOT NULL,
  doc_type TEXT,
  doc_id BIGINT,
  user_id BIGINT,
  unit_cost BIGINT,
  note TEXT,
  balance_after BIGINT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX stock_moves_store_product ON stock_moves(store_id, product_id, id);
CREATE INDEX stock_moves_product ON stock_moves(product_id, id);
CREATE INDEX stock_moves_doc ON stock_moves(doc_type, doc_id);
CREATE INDEX stock_moves_kind_at ON stock_moves(kind, at);

-- draft -> shipped -> received -> closed; cancelled only from draft.
CREATE TABLE transfers (
  id {{ID}},
  from_store_id BIGINT NOT NULL REFERENCES stores(id),
  to_store_id BIGINT NOT NULL REFERENCES stores(id),
  status TEXT NOT NULL,
  note TEXT,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  shipped_at BIGINT,
  received_at BIGINT,
  closed_at BIGINT,
  cancelled_at BIGINT,
  updated_at BIGINT NOT NULL
);
CREATE INDEX transfers_from ON transfers(from_store_id);
CREATE INDEX transfers_to ON transfers(to_store_id);

CREATE TABLE transfer_lines (
  id {{ID}},
  transfer_id BIGINT NOT NULL REFERENCES transfers(id),
  product_id BIGINT NOT NULL REFERENCES products(id),
  quantity BIGINT NOT NULL,
  received_quantity BIGINT,
  unit_cost BIGINT
);
CREATE INDEX transfer_lines_transfer ON transfer_lines(transfer_id);

-- open -> applied | cancelled. Expected quantities are taken when the count
-- starts (snapshot_move_id: the last move then), so sales during the count
-- are kept.
CREATE TABLE stock_counts (
  id {{ID}},
  store_id BIGINT NOT NULL REFERENCES stores(id),
  category_id BIGINT REFERENCES categories(id),
  status TEXT NOT NULL,
  snapshot_move_id BIGINT NOT NULL,
  note TEXT,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  applied_at BIGINT,
  cancelled_at BIGINT,
  updated_at BIGINT NOT NULL
);
CREATE INDEX stock_counts_store ON stock_counts(store_id);

CREATE TABLE stock_count_lines (
  count_id BIGINT NOT NULL REFERENCES stock_counts(id),
  product_id BIGINT NOT NULL REFERENCES products(id),
  expected BIGINT NOT NULL,
  counted BIGINT,
  unit_cost BIGINT,
  PRIMARY KEY (count_id, product_id)
);

CREATE TABLE suppliers (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  contact TEXT,
  phone TEXT,
  email TEXT,
  lead_time_days BIGINT NOT NULL DEFAULT 7,
  payment_terms TEXT,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE product_suppliers (
  product_id BIGINT NOT NULL REFERENCES products(id),
  supplier_id BIGINT NOT NULL REFERENCES suppliers(id),
  supplier_sku TEXT,
  cost BIGINT NOT NULL,
  min_order_qty BIGINT NOT NULL DEFAULT 1000,
  pack_size BIGINT NOT NULL DEFAULT 1000,
  lead_time_days BIGINT,
  preferred INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (product_id, supplier_id)
);
CREATE INDEX product_suppliers_supplier ON product_suppliers(supplier_id);

-- draft -> sent -> partially_received -> received; cancelled from draft/sent.
CREATE TABLE purchase_orders (
  id {{ID}},
  supplier_id BIGINT NOT NULL REFERENCES suppliers(id),
  store_id BIGINT NOT NULL REFERENCES stores(id),
  status TEXT NOT NULL,
  expected_at TEXT,
  note TEXT,
  total BIGINT NOT NULL DEFAULT 0,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  sent_at BIGINT,
  received_at BIGINT,
  cancelled_at BIGINT,
  updated_at BIGINT NOT NULL
);
CREATE INDEX purchase_orders_store ON purchase_orders(store_id);
CREATE INDEX purchase_orders_supplier ON purchase_orders(supplier_id);

CREATE TABLE purchase_order_lines (
  id {{ID}},
  order_id BIGINT NOT NULL REFERENCES purchase_orders(id),
  product_id BIGINT NOT NULL REFERENCES products(id),
  quantity BIGINT NOT NULL,
  received_quantity BIGINT NOT NULL DEFAULT 0,
  unit_cost BIGINT NOT NULL
);
CREATE INDEX purchase_order_lines_order ON purchase_order_lines(order_id);

CREATE TABLE reorder_rules (
  store_id BIGINT NOT NULL REFERENCES stores(id),
  product_id BIGINT NOT NULL REFERENCES products(id),
  min_qty BIGINT NOT NULL,
  max_qty BIGINT NOT NULL,
  safety_stock BIGINT NOT NULL DEFAULT 0,
  lead_time_days BIGINT,
  order_multiple BIGINT NOT NULL DEFAULT 1000,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (store_id, product_id)
);

-- kind: low_stock, negative_stock; status open -> acknowledged; a low-stock
-- alert is raised once and resolved when stock recovers above min.
CREATE TABLE alerts (
  id {{ID}},
  kind TEXT NOT NULL,
  store_id BIGINT NOT NULL REFERENCES stores(id),
  product_id BIGINT REFERENCES products(id),
  status TEXT NOT NULL,
  message TEXT NOT NULL,
  quantity BIGINT,
  threshold BIGINT,
  raised_at BIGINT NOT NULL,
  resolved_at BIGINT,
  acknowledged_at BIGINT,
  acknowledged_by BIGINT
);
CREATE INDEX alerts_store_kind ON alerts(store_id, kind, status);
CREATE INDEX alerts_product ON alerts(store_id, product_id, kind);
