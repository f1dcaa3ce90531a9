-- Journeys take over birthday greetings from the care rules: each birthday
-- care rule becomes a birthday journey (one step per channel, on the day,
-- the coupon on the first; a rule without channels a coupon-only in_store
-- step), the customers it already greeted become completed passes of that
-- year, and the rule goes. Holiday rules stay care rules.

-- The care rule a journey was made from (NULL: made as a journey).
ALTER TABLE journeys ADD COLUMN care_rule_id BIGINT;
-- The last coupon a pass issued: {coupon} of its later steps.
ALTER TABLE journey_enrollments ADD COLUMN coupon_id BIGINT;
CREATE INDEX journey_enrollments_customer ON journey_enrollments(customer_id);
CREATE INDEX journey_enrollments_journey ON journey_enrollments(journey_id, id);
-- Welcome journeys look for customers created since they started.
CREATE INDEX customers_created ON customers(created_at, id);

INSERT INTO journeys (kind, name, trigger_days, active, care_rule_id, created_at, updated_at)
SELECT 'birthday', name, days_before, active, id, created_at, updated_at
FROM care_rules WHERE kind = 'birthday';

-- The rule's greeting in the company's language; the email subject is the
-- rule's name, as care sent it. Care texts hold no control characters, so
-- escaping \ and " makes a JSON string.
CREATE TABLE care_birthday_texts AS
SELECT j.id AS journey_id, r.template_id AS template_id,
  CASE WHEN r.channels LIKE '%"sms"%' THEN 1 ELSE 0 END AS has_sms,
  CASE WHEN r.channels LIKE '%"email"%' THEN 1 ELSE 0 END AS has_email,
  CASE WHEN r.channels LIKE '%"wechat"%' THEN 1 ELSE 0 END AS has_wechat,
  '{"' || (SELECT locale FROM settings WHERE id = 1) || '":{"subject":"'
    || REPLACE(REPLACE(r.name, '\', '\\'), '"', '\"') || '","body":"'
    || REPLACE(REPLACE(r.message, '\', '\\'), '"', '\"') || '"}}' AS messages
FROM journeys j JOIN care_rules r ON r.id = j.care_rule_id;

INSERT INTO journey_steps (journey_id, step_no, delay_days, channel, template_id, messages)
SELECT journey_id, 1, 0, 'sms', template_id, messages
FROM care_birthday_texts WHERE has_sms = 1;
INSERT INTO journey_steps (journey_id, step_no, delay_days, channel, template_id, messages)
SELECT journey_id, 1 + has_sms, 0, 'email',
  CASE WHEN has_sms = 1 THEN NULL ELSE template_id END, messages
FROM care_birthday_texts WHERE has_email = 1;
INSERT INTO journey_steps (journey_id, step_no, delay_days, channel, template_id, messages)
SELECT journey_id, 1 + has_sms + has_email, 0, 'wechat',
  CASE WHEN has_sms + has_email > 0 THEN NULL ELSE template_id END, messages
FROM care_birthday_texts WHERE has_wechat = 1;
INSERT INTO journey_steps (journey_id, step_no, delay_days, channel, template_id, messages)
SELECT journey_id, 1, 0, 'in_store', template_id, messages
FROM care_birthday_texts WHERE has_sms + has_email + has_wechat = 0;
DROP TABLE care_birthday_texts;

-- Those already greeted this way: one completed pass per year.
INSERT INTO journey_enrollments (journey_id, customer_id, occurrence, next_step, next_at,
  status, enrolled_at, updated_at, coupon_id)
SELECT j.id, cs.customer_id, CAST(cs.year AS TEXT),
  (SELECT COUNT(*) + 1 FROM journey_steps s WHERE s.journey_id = j.id), NULL,
  'completed', cs.at, cs.at, cs.coupon_id
FROM care_sent cs JOIN journeys j ON j.care_rule_id = cs.rule_id
JOIN customers c ON c.id = cs.customer_id;

DELETE FROM care_sent WHERE rule_id IN (SELECT id FROM care_rules WHERE kind = 'birthday');
DELETE FROM care_rules WHERE kind = 'birthday';
