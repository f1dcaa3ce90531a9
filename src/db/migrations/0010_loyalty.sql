-- Loyalty: a customer's points lots in first-in-first-out order (the
-- oldest expiry first), read by every redemption, return, void, adjustment
-- and expiry; and the stored value a return gave back, per return.
CREATE INDEX points_ledger_customer_lots ON points_ledger(customer_id, expires_at, id)
  WHERE remaining > 0;
CREATE INDEX stored_value_ledger_return ON stored_value_ledger(return_id)
  WHERE return_id IS NOT NULL;
