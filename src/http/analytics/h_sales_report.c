/* h_reports_sales.c: GET /reports/sales — revenue, orders, units, average
 * basket and gross margin by period, store attribute, product, category or
 * staff, from the day rollups; also as CSV or XLSX. */
#include <string.h>

#include "analytics/sales_report.h"
#include "base/jx.h"
#include "http/handlers.h"
#include "http/req.h"

int h_reports_sales(struct req *r)
{
	struct report_sales_query q = {
		.from = req_query(r, "from"), .to = req_query(r, "to"),
		.group_by = req_query(r, "group_by")};
	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &q.store_id, &r->err);
	const char *fmt = req_query(r, "format");
	int export = fmt && (strcmp(fmt, "csv") == 0 || strcmp(fmt, "xlsx") == 0);
	if (fmt && !export && strcmp(fmt, "json") != 0)
		err_field(&r->err, "format", "must be one of: json, csv, xlsx");
	if (q.from && !*q.from)
		q.from = NULL;
	if (q.to && !*q.to)
		q.to = NULL;
	if (q.group_by && !*q.group_by)
		q.group_by = NULL;
	if (err_fields_done(&r->err))
		return r->err.code;
	if (q.store_id && !req_store_visible(r, q.store_id))
		return r->err.code;
	if (r->user->role & ROLE_STORE_BOUND)
		q.scope_user_id = r->user->id;
	json_t *rep;
	int rc = report_sales(r->db, r->a, &q, &rep, &r->err);
	if (rc < 0)
		return rc;
	if (export) {
		json_t *items = json_incref(json_object_get(rep, "items"));
		json_decref(rep);
		return reply_list(r, items, 0, 0);
	}
	json_object_set_new(rep, "next_cursor", json_null());
	return reply_json(r, 200, rep);
}
