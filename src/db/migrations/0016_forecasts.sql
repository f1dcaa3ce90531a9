-- Stored demand forecasts and the company's holiday calendar. A series is
-- one store (0 = all stores) × one product or one category (0 = none) × a
-- grain; the nightly forecast job and POST /forecasts/refresh replace its
-- row and its points. Values are in the measure's minor unit: thousandths of
-- a unit (measure units) or fen (measure revenue).

CREATE TABLE forecast_series (
  id {{ID}},
  store_id BIGINT NOT NULL,
  product_id BIGINT NOT NULL,
  category_id BIGINT NOT NULL,
  grain TEXT NOT NULL,              -- day, week, month
  measure TEXT NOT NULL,            -- units, revenue
  model TEXT NOT NULL,              -- the method used, as forecast_series names it
  reason TEXT NOT NULL,             -- why auto chose it
  backtest_mase_e4 BIGINT,          -- rolling-origin MASE × 10,000; NULL when too short
  history_end TEXT NOT NULL,        -- the last period of history fitted
  fitted_at BIGINT NOT NULL,
  UNIQUE (store_id, product_id, category_id, grain)
);

-- period: YYYY-MM-DD for day and week (the week's Monday), YYYY-MM for month.
CREATE TABLE forecast_points (
  series_id BIGINT NOT NULL REFERENCES forecast_series(id),
  step BIGINT NOT NULL,             -- 1 .. horizon
  period TEXT NOT NULL,
  mean BIGINT NOT NULL,
  lower_80 BIGINT NOT NULL,
  upper_80 BIGINT NOT NULL,
  lower_95 BIGINT NOT NULL,
  upper_95 BIGINT NOT NULL,
  PRIMARY KEY (series_id, step)
);

-- Days the company treats as holidays (known events for the forecasts).
CREATE TABLE holidays (
  day TEXT PRIMARY KEY,             -- YYYY-MM-DD
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
