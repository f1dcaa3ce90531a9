/* h_alerts.c: alerts (stock, and the explained anomalies of the hourly job):
 * list and acknowledge with a note; store-bound users see only their
 * stores' alerts. */
#include <string.h>

#include "base/jx.h"
#include "domain/stock/stock_alert.h"
#include "http/handlers.h"
#include "http/req.h"

/* ?name= must be one of values (NULL-terminated) when given. */
static const char *enum_param(struct req *r, const char *name, const char *const *values,
			      const char *expect)
{
	const char *v = req_query(r, name);
	if (!v)
		return NULL;
	for (int i = 0; values[i]; i++)
		if (strcmp(v, values[i]) == 0)
			return values[i];
	err_field(&r->err, name, "must be one of: %s", expect);
	return NULL;
}

static json_t *alert_row(const void *rows, int i)
{
	return alert_to_json(((struct alert *const *)rows)[i]);
}

int h_alerts_list(struct req *r)
{
	struct alert_filter f = {0};
	int64_t cursor;
	req_page(r, &f.limit, &cursor);
	f.before_id = cursor;
	f.kind = enum_param(r, "kind", alert_kinds, ALERT_KIND_NAMES);
	f.status = enum_param(r, "status", alert_statuses, "open, acknowledged, resolved");
	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &f.store_id, &r->err);
	jx_qint(req_query(r, "product_id"), "product_id", 1, INT64_MAX, &f.product_id, &r->err);
	req_time_range(r, &f.raised_from, &f.raised_to);
	if (err_fields_done(&r->err))
		return r->err.code;
	if (f.store_id && !req_store_visible(r, f.store_id))
		return r->err.code;
	struct alert **list;
	int n, more;
	int rc = alert_list(r->db, r->a, r->user, &f, &list, &n, &more, &r->err);
	if (rc < 0)
		return rc;
	return reply_page(r, list, n, more, n ? list[n - 1]->id : 0, alert_row);
}

int h_alerts_acknowledge(struct req *r)
{
	const char *note = NULL;
	if (r->body && r->body_len > 0) {
		json_t *in;
		if (req_json(r, &in) < 0)
			return r->err.code;
		static const char *const keys[] = {"note", NULL};
		jx_no_unknown(in, keys, &r->err);
		jx_str(in, "note", 0, ALERT_NOTE_MAX, &note, &r->err);
		if (req_bad_types(r) || err_fields_done(&r->err))
			return r->err.code;
	}
	struct alert *al;
	int rc = alert_acknowledge(r->db, r->a, &r->actor, r->ids[0], note, &al, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, alert_to_json(al));
}
