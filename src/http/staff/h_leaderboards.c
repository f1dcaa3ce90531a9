/* h_leaderboards.c: GET /leaderboards: people or stores ranked on a KPI by
 * store, region or company, for a day or a month (staff_kpi.c). */
#include <string.h>

#include "analytics/staff_kpi.h"
#include "base/jx.h"
#include "base/timeutil.h"
#include "http/handlers.h"
#include "http/req.h"

/* GET /leaderboards?subject=&scope=&store_id=&region=&kpi=&period=&day= */
int h_leaderboards(struct req *r)
{
	static const char *const subjects[] = {"people", "stores", NULL};
	static const char *const periods[] = {"day", "month", NULL};
	struct staff_board_query q = {0};
	char today[11];
	json_t *o;
	q.subject = req_query_enum(r, "subject", subjects);
	q.scope = req_query_enum(r, "scope", staff_board_scopes);
	q.kpi = req_query_enum(r, "kpi", staff_board_kpis);
	q.period = req_query_enum(r, "period", periods);
	q.region = req_query(r, "region");
	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &q.store_id, &r->err);
	q.day = req_query(r, "day");
	if (q.day && !ts_day_valid(q.day))
		err_field(&r->err, "day", "must be a day YYYY-MM-DD");
	int exp = req_export_asked(r);
	if (err_fields_done(&r->err))
		return r->err.code;
	ts_day(ts_now_ms(), today, sizeof today);
	if (!q.day)
		q.day = today;
	if (!q.subject)
		q.subject = "people";
	if (!q.scope)
		q.scope = "store";
	if (!q.kpi)
		q.kpi = "revenue";
	if (!q.period)
		q.period = "month";
	int rc = staff_leaderboard(r->db, r->a, &r->actor, &q, &o, &r->err);
	if (rc < 0)
		return rc;
	if (exp) {
		static const char *const names[] = {"leaderboard"};
		json_t *tables[] = {json_object_get(o, "items")};
		rc = reply_tables(r, 1, names, tables);
		json_decref(o);
		return rc;
	}
	return reply_json(r, 200, o);
}
