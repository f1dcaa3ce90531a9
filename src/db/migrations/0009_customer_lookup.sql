-- Customer lookups: likely duplicates by e-mail (case-insensitive), and
-- the timeline's reads of a customer's returns through their sales.
CREATE INDEX customers_email ON customers(lower(email)) WHERE email IS NOT NULL;
