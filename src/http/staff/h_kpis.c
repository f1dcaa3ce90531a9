/* h_kpis.c: GET /kpis: staff KPIs per person or store and period, with the
 * store's and the company's medians (staff_kpi.c); ?format=csv|xlsx. */
#include <string.h>

#include "analytics/staff_kpi.h"
#include "base/jx.h"
#include "base/timeutil.h"
#include "http/handlers.h"
#include "http/req.h"
#include "http/staff/staff_req.h"

/* GET /kpis?level=person|store&store_id=&user_id=&period=&from=&to= */
int h_kpis(struct req *r)
{
	struct staff_kpi_query q = {0};
	json_t *o;
	q.level = req_query_enum(r, "level", staff_kpi_levels);
	q.period = req_query_enum(r, "period", staff_kpi_periods);
	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &q.store_id, &r->err);
	jx_qint(req_query(r, "user_id"), "user_id", 1, INT64_MAX, &q.user_id, &r->err);
	staff_req_days(r, &q.from, &q.to);
	int exp = req_export_asked(r);
	if (err_fields_done(&r->err))
		return r->err.code;
	if (!q.level)
		q.level = "person";
	if (!q.period)
		q.period = "day";
	int rc = staff_kpis(r->db, r->a, &r->actor, &q, &o, &r->err);
	if (rc < 0)
		return rc;
	if (exp) {
		static const char *const names[] = {"kpis"};
		json_t *tables[] = {json_object_get(o, "items")};
		rc = reply_tables(r, 1, names, tables);
		json_decref(o);
		return rc;
	}
	return reply_json(r, 200, o);
}
