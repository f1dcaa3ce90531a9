-- Customer lookups beyond 0008: likely duplicates by name and birthday, and
-- by e-mail ignoring case (GET /customers/duplicates joins customers to
-- themselves on these).
CREATE INDEX customers_name_birthday ON customers(name, birthday, id) WHERE birthday IS NOT NULL;
CREATE INDEX customers_email ON customers(lower(email)) WHERE email IS NOT NULL;
