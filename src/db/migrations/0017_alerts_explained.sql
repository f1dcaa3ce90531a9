-- Alerts that explain themselves (the hourly anomaly job): the figures of
-- the sentence as JSON text, a dedupe key (kind|store|subject|day: one alert
-- per key, re-raised figures update it), when the figures last changed, and
-- the note given when the alert was acknowledged.
ALTER TABLE alerts ADD COLUMN details TEXT;
ALTER TABLE alerts ADD COLUMN dedupe_key TEXT;
ALTER TABLE alerts ADD COLUMN updated_at BIGINT;
ALTER TABLE alerts ADD COLUMN ack_note TEXT;
CREATE UNIQUE INDEX alerts_dedupe ON alerts(dedupe_key);
CREATE INDEX alerts_raised ON alerts(raised_at);
