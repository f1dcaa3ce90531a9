-- Staff KPIs and target actuals read sales and returns credited to people
-- over a range of business days (src/domain/staff/staff_facts.c): index
-- the day so that a month does not scan every sale ever made.
CREATE INDEX sales_day ON sales(day);
CREATE INDEX sale_returns_day ON sale_returns(day);
