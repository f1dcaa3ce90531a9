-- Refund tenders: what each return paid back, per tender. A return refunds
-- to the sale's own tenders unless a manager overrides it; refund_method on
-- sale_returns stays as the one tender refunded, or 'mixed'.
CREATE TABLE sale_return_tenders (
  id {{ID}},
  return_id BIGINT NOT NULL REFERENCES sale_returns(id),
  method TEXT NOT NULL,
  amount BIGINT NOT NULL
);
CREATE INDEX sale_return_tenders_return ON sale_return_tenders(return_id);

-- Returns made before this table went to their one refund_method.
INSERT INTO sale_return_tenders (return_id, method, amount)
  SELECT id, refund_method, refund_total FROM sale_returns WHERE kind <> 'void';

ALTER TABLE sale_returns ADD COLUMN refund_override INTEGER NOT NULL DEFAULT 0;
