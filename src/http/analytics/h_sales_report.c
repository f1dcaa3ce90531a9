/* h_sales_report.c: GET /reports/sales (sales by period, store attribute,
 * category, brand, product, staff, hour, weekday or payment method, with a
 * compared period and top/bottom N), GET /reports/abc and GET /dashboard,
 * from the rollups; the reports also as CSV or XLSX. */
#include <stdlib.h>

#include "analytics/sales_report.h"
#include "base/jx.h"
#include "http/handlers.h"
#include "http/req.h"

/* A query parameter, NULL when absent or empty. */
static const char *param(struct req *r, const char *name)
{
	const char *v = req_query(r, name);
	return v && *v ? v : NULL;
}

/* The parameters every report shares; 0 or 1 when an export was asked. */
static int common(struct req *r, struct report_sales_query *q, int *export)
{
	q->from = param(r, "from");
	q->to = param(r, "to");
	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &q->store_id, &r->err);
	*export = req_export_asked(r);
	return 0;
}

/* The scope: another store's store_id answers 404; a store-bound user sees
 * their stores. */
static int scope(struct req *r, struct report_sales_query *q)
{
	if (q->store_id && !req_store_visible(r, q->store_id))
		return r->err.code;
	if (r->user->role & ROLE_STORE_BOUND)
		q->scope_user_id = r->user->id;
	return 0;
}

static int answer(struct req *r, json_t *rep, int export)
{
	if (export) {
		json_t *items = json_incref(json_object_get(rep, "items"));
		json_decref(rep);
		return reply_list(r, items, 0, 0);
	}
	json_object_set_new(rep, "next_cursor", json_null());
	return reply_json(r, 200, rep);
}

int h_reports_sales(struct req *r)
{
	struct report_sales_query q = {.group_by = param(r, "group_by"),
				       .compare = param(r, "compare"), .sort = param(r, "sort"),
				       .order = param(r, "order")};
	int export;
	common(r, &q, &export);
	jx_qint(req_query(r, "category_id"), "category_id", 1, INT64_MAX, &q.category_id, &r->err);
	jx_qint(req_query(r, "limit"), "limit", 1, 10000, &q.limit, &r->err);
	if (err_fields_done(&r->err))
		return r->err.code;
	if (scope(r, &q) < 0)
		return r->err.code;
	json_t *rep;
	int rc = report_sales(r->db, r->a, &q, &rep, &r->err);
	return rc < 0 ? rc : answer(r, rep, export);
}

/* A percentage parameter (default def): a number 0..100. */
static double pct_param(struct req *r, const char *name, double def)
{
	const char *v = param(r, name);
	if (!v)
		return def;
	char *end = NULL;
	double d = strtod(v, &end);
	if (!end || *end || !(d >= 0 && d <= 100)) {
		err_field(&r->err, name, "must be a number from 0 to 100");
		return def;
	}
	return d;
}

int h_reports_abc(struct req *r)
{
	struct report_sales_query q = {0};
	int export;
	common(r, &q, &export);
	double a_pct = pct_param(r, "a_pct", 80), b_pct = pct_param(r, "b_pct", 15);
	if (err_fields_done(&r->err))
		return r->err.code;
	if (scope(r, &q) < 0)
		return r->err.code;
	json_t *rep;
	int rc = report_abc(r->db, r->a, &q, a_pct, b_pct, &rep, &r->err);
	return rc < 0 ? rc : answer(r, rep, export);
}

int h_dashboard(struct req *r)
{
	struct report_sales_query q = {0};
	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &q.store_id, &r->err);
	if (err_fields_done(&r->err))
		return r->err.code;
	if (scope(r, &q) < 0)
		return r->err.code;
	json_t *rep;
	int rc = report_dashboard(r->db, r->a, q.store_id, q.scope_user_id, &rep, &r->err);
	return rc < 0 ? rc : reply_json(r, 200, rep);
}
