-- Whether the promotion engine priced a sale: 0 for a sale rung by a till
-- that could not see the promotions (apply_promotions false, an offline
-- till), recorded at the prices the customer paid.
ALTER TABLE sales ADD COLUMN promotions_applied INTEGER NOT NULL DEFAULT 1;
