/* h_audit.c: reading the audit log (admin and hq). */
#include "base/jx.h"
#include "base/timeutil.h"
#include "domain/org/audit.h"
#include "http/handlers.h"
#include "http/req.h"

/* A stored JSON summary back as JSON (null when absent). */
static json_t *summary(const char *text)
{
	json_t *v = text ? json_loads(text, 0, NULL) : NULL;
	return v ? v : json_null();
}

static json_t *audit_row_json(const void *rows, int i)
{
	const struct audit_row *a = &((const struct audit_row *)rows)[i];
	return json_pack("{s:I,s:o,s:o,s:o,s:s,s:s,s:o,s:o,s:o,s:o,s:o}",
			 "id", (json_int_t)a->id, "at", jx_time(a->at),
			 "user_id", a->user_id ? json_integer(a->user_id) : json_null(),
			 "username", jx_strn(a->username), "action", a->action,
			 "entity", a->entity,
			 "entity_id", a->entity_id ? json_integer(a->entity_id) : json_null(),
			 "store_id", a->store_id ? json_integer(a->store_id) : json_null(),
			 "before", summary(a->before), "after", summary(a->after),
			 "ip", jx_strn(a->ip));
}

int h_audit_list(struct req *r)
{
	struct audit_filter f = {0};
	int64_t cursor;
	req_page(r, &f.limit, &cursor);
	f.before_id = cursor;
	f.entity = req_query(r, "entity");
	jx_qint(req_query(r, "entity_id"), "entity_id", 1, INT64_MAX, &f.entity_id, &r->err);
	jx_qint(req_query(r, "user_id"), "user_id", 1, INT64_MAX, &f.user_id, &r->err);
	req_time_range(r, &f.from, &f.to);
	if (err_fields_done(&r->err))
		return r->err.code;
	struct audit_row *rows;
	int n, more;
	int rc = audit_list(r->db, r->a, &f, &rows, &n, &more, &r->err);
	if (rc < 0)
		return rc;
	return reply_page(r, rows, n, more, n ? rows[n - 1].id : 0, audit_row_json);
}
