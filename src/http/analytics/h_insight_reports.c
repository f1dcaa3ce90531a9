/* h_insight_reports.c: GET /reports/stock-value, /reports/turnover,
 * /reports/sell-through, /reports/customers and /reports/cohorts; also as
 * CSV or XLSX. Store-bound roles see only their stores. */
#include <string.h>

#include "analytics/customer_report.h"
#include "analytics/stock_report.h"
#include "base/jx.h"
#include "http/handlers.h"
#include "http/req.h"

/* The query parameters every insight report takes. */
struct iq {
	const char *from, *to, *group_by;
	int64_t store_id, category_id, scope_user_id;
	int export;
};

/* "" reads as absent. */
static const char *param(struct req *r, const char *name)
{
	const char *v = req_query(r, name);
	return v && *v ? v : NULL;
}

/* Parses and checks the parameters (category_id only where taken): 0, or
 * the error to return (404 for another store). Bad values are left in
 * r->err's fields for the report's checks to add to and answer (422). */
static int parse(struct req *r, int with_category, struct iq *q)
{
	memset(q, 0, sizeof *q);
	q->from = param(r, "from");
	q->to = param(r, "to");
	q->group_by = param(r, "group_by");
	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &q->store_id, &r->err);
	if (with_category)
		jx_qint(req_query(r, "category_id"), "category_id", 1, INT64_MAX, &q->category_id,
			&r->err);
	q->export = req_export_asked(r);
	/* Bad fields here go on with the report's own checks, so that one
	 * answer names every bad field. */
	if (r->err.nfields)
		return 0;
	if (q->store_id && !req_store_visible(r, q->store_id))
		return r->err.code;
	if (r->user->role & ROLE_STORE_BOUND)
		q->scope_user_id = r->user->id;
	return 0;
}

/* The report as JSON, or its items (flat rows) as a file. */
static int render(struct req *r, const struct iq *q, json_t *rep, json_t *rows)
{
	if (q->export) {
		json_t *items = rows ? rows : json_incref(json_object_get(rep, "items"));
		json_decref(rep);
		return reply_list(r, items, 0, 0);
	}
	json_decref(rows);
	json_object_set_new(rep, "next_cursor", json_null());
	return reply_json(r, 200, rep);
}

typedef int (*stock_fn)(struct db *, struct arena *, const struct stock_report_query *,
			json_t **, struct err *);

static int stock_report(struct req *r, stock_fn fn)
{
	struct iq q;
	json_t *rep;
	int rc = parse(r, 1, &q);
	if (rc < 0)
		return rc;
	struct stock_report_query sq = {.from = q.from, .to = q.to, .group_by = q.group_by,
					.store_id = q.store_id, .category_id = q.category_id,
					.scope_user_id = q.scope_user_id};
	if ((rc = fn(r->db, r->a, &sq, &rep, &r->err)) < 0)
		return rc;
	return render(r, &q, rep, NULL);
}

int h_reports_stock_value(struct req *r)
{
	return stock_report(r, report_stock_value);
}

int h_reports_turnover(struct req *r)
{
	return stock_report(r, report_turnover);
}

int h_reports_sell_through(struct req *r)
{
	return stock_report(r, report_sell_through);
}

static int customer_report(struct req *r, int cohorts)
{
	struct iq q;
	json_t *rep;
	int rc = parse(r, 0, &q);
	if (rc < 0)
		return rc;
	struct customer_report_query cq = {.from = q.from, .to = q.to, .group_by = q.group_by,
					   .store_id = q.store_id,
					   .scope_user_id = q.scope_user_id};
	rc = cohorts ? report_cohorts(r->db, r->a, &cq, &rep, &r->err)
		     : report_customers(r->db, r->a, &cq, &rep, &r->err);
	if (rc < 0)
		return rc;
	json_t *rows = cohorts && q.export ? cohort_rows(json_object_get(rep, "items")) : NULL;
	return render(r, &q, rep, rows);
}

int h_reports_customers(struct req *r)
{
	return customer_report(r, 0);
}

int h_reports_cohorts(struct req *r)
{
	return customer_report(r, 1);
}
