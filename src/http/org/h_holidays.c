/* h_holidays.c: the company's holiday calendar: GET /holidays?from=&to=,
 * PUT /holidays/{day} {name} and DELETE /holidays/{day}. */
#include <string.h>

#include "base/jx.h"
#include "base/timeutil.h"
#include "domain/org/holidays.h"
#include "http/handlers.h"
#include "http/req.h"

/* The {day} of the path (its last segment), checked: NULL with a field
 * error when it is not a valid day. */
static const char *path_day(struct req *r)
{
	const char *d = strrchr(r->path, '/');
	d = d ? d + 1 : r->path;
	if (!ts_day_valid(d)) {
		err_field(&r->err, "day", "must be a date YYYY-MM-DD");
		return NULL;
	}
	return d;
}

/* A query day: NULL when absent or empty, a field error when not a day. */
static const char *query_day(struct req *r, const char *name)
{
	const char *v = req_query(r, name);
	if (!v || !*v)
		return NULL;
	if (!ts_day_valid(v))
		err_field(&r->err, name, "must be a date YYYY-MM-DD");
	return v;
}

int h_holidays_list(struct req *r)
{
	const char *from = query_day(r, "from"), *to = query_day(r, "to");
	if (from && to && strcmp(from, to) > 0 && !r->err.nfields)
		err_field(&r->err, "to", "must not be before from");
	if (err_fields_done(&r->err))
		return r->err.code;
	json_t *o;
	int rc = holidays_list(r->db, from, to, &o, &r->err);
	return rc < 0 ? rc : reply_json(r, 200, o);
}

int h_holidays_put(struct req *r)
{
	static const char *const allowed[] = {"name", NULL};
	json_t *body, *o;
	const char *name = NULL;
	int created = 0;
	if (req_json(r, &body) < 0)
		return r->err.code;
	jx_no_unknown(body, allowed, &r->err);
	jx_str(body, "name", JX_REQUIRED | JX_NONEMPTY, HOLIDAY_NAME_MAX, &name, &r->err);
	if (req_bad_types(r))
		return r->err.code;
	const char *day = path_day(r);
	if (err_fields_done(&r->err))
		return r->err.code;
	int rc = holidays_put(r->db, &r->actor, day, name, &o, &created, &r->err);
	return rc < 0 ? rc : reply_json(r, created ? 201 : 200, o);
}

int h_holidays_delete(struct req *r)
{
	const char *day = path_day(r);
	if (err_fields_done(&r->err))
		return r->err.code;
	int rc = holidays_delete(r->db, &r->actor, day, &r->err);
	return rc < 0 ? rc : reply_no_content(r);
}
