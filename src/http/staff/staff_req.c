/* staff_req.c: request readers shared by the staff handlers. */
#include "http/staff/staff_req.h"

#include "analytics/sales_report.h"
#include "base/jx.h"
#include "base/timeutil.h"

void staff_req_days(struct req *r, const char **from, const char **to)
{
	char today[11], *f = arena_alloc(r->a, 11);
	ts_day(ts_now_ms(), today, sizeof today);
	*to = req_query(r, "to");
	*from = req_query(r, "from");
	if (*to && !ts_day_valid(*to))
		err_field(&r->err, "to", "must be a day YYYY-MM-DD");
	if (*from && !ts_day_valid(*from))
		err_field(&r->err, "from", "must be a day YYYY-MM-DD");
	if (!*to || !ts_day_valid(*to))
		*to = arena_strdup(r->a, today);
	if (!*from || !ts_day_valid(*from)) {
		report_day_add(*to, -29, f);
		*from = f;
	}
	int64_t a, b;
	if (ts_day_number(*from, &a) == 0 && ts_day_number(*to, &b) == 0) {
		if (a > b)
			err_field(&r->err, "from", "must not be after to");
		else if (b - a > 366)
			err_field(&r->err, "from", "the range is at most 366 days");
	}
}

