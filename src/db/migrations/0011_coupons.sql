-- Coupons: the batches of unnamed coupons printed together, and the
-- indexes of the expiry job and of a batch's print list.

-- A batch of unnamed coupons (count codes of one template), for print.
CREATE TABLE coupon_batches (
  id {{ID}},
  template_id BIGINT NOT NULL REFERENCES coupon_templates(id),
  count BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  created_by BIGINT,
  created_at BIGINT NOT NULL
);

CREATE INDEX coupons_expiry ON coupons(status, expires_at);
CREATE INDEX coupons_batch ON coupons(batch_id, id) WHERE batch_id IS NOT NULL;
