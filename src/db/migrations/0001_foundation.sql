-- Foundation: company settings, stores, users and sessions, audit log,
-- categories and products. Types per ARCHITECTURE.md: money BIGINT minor
-- units, instants BIGINT Unix ms UTC, booleans INTEGER 0/1.

CREATE TABLE settings (
  id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
  company_name TEXT NOT NULL,
  currency TEXT NOT NULL,
  time_zone TEXT NOT NULL,
  locale TEXT NOT NULL,
  receipt_header TEXT NOT NULL,
  receipt_footer TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
INSERT INTO settings VALUES (1, 'Tersa', 'CNY', 'Asia/Shanghai', 'zh-CN', '', '', 0);

CREATE TABLE stores (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  channel TEXT NOT NULL,
  region TEXT,
  city TEXT,
  address TEXT,
  active INTEGER NOT NULL DEFAULT 1,
  allow_negative_stock INTEGER NOT NULL DEFAULT 0,
  cash_rounding BIGINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE users (
  id {{ID}},
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE user_stores (
  user_id BIGINT NOT NULL REFERENCES users(id),
  store_id BIGINT NOT NULL REFERENCES stores(id),
  PRIMARY KEY (user_id, store_id)
);
CREATE INDEX user_stores_store ON user_stores(store_id);

CREATE TABLE sessions (
  token_hash TEXT NOT NULL PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id),
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  ip TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE login_failures (
  id {{ID}},
  username TEXT NOT NULL,
  at BIGINT NOT NULL,
  ip TEXT
);
CREATE INDEX login_failures_user_at ON login_failures(username, at);

CREATE TABLE audit_log (
  id {{ID}},
  at BIGINT NOT NULL,
  user_id BIGINT,
  username TEXT,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id BIGINT,
  store_id BIGINT,
  before_json TEXT,
  after_json TEXT,
  ip TEXT
);
CREATE INDEX audit_entity ON audit_log(entity, entity_id);
CREATE INDEX audit_user ON audit_log(user_id);
CREATE INDEX audit_at ON audit_log(at);

CREATE TABLE categories (
  id {{ID}},
  name TEXT NOT NULL,
  parent_id BIGINT REFERENCES categories(id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX categories_parent ON categories(parent_id);

CREATE TABLE products (
  id {{ID}},
  sku TEXT NOT NULL UNIQUE,
  barcode TEXT UNIQUE,
  name TEXT NOT NULL,
  category_id BIGINT REFERENCES categories(id),
  brand TEXT,
  unit TEXT NOT NULL,
  price BIGINT NOT NULL CHECK (price >= 0),
  cost BIGINT CHECK (cost >= 0),
  vat_rate BIGINT NOT NULL CHECK (vat_rate BETWEEN 0 AND 10000),
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX products_category ON products(category_id);
