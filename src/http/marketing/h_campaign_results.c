/* h_campaign_results.c: GET /campaigns/{id}/results — a campaign's groups,
 * uplift with its intervals, ROI, verdict and daily curve; also as CSV or
 * XLSX (a summary, the groups, the daily table and the variants). */
#include "analytics/campaign_results.h"
#include "base/timeutil.h"
#include "http/handlers.h"
#include "http/req.h"

/* A copy of o's key under name in row: JSON null when o is absent or not
 * an object, or has no such key. */
static void put(json_t *row, const char *name, json_t *o, const char *key)
{
	json_t *v = o ? json_object_get(o, key) : NULL;
	json_object_set(row, name, v ? v : json_null());
}

/* The results as the export's tables. */
static int export_results(struct req *r, json_t *res)
{
	json_t *summary = json_array(), *groups = json_array(), *s = json_object();
	json_t *window = json_object_get(res, "window"), *up = json_object_get(res, "uplift");
	json_t *conv = json_object_get(up, "conversion"),
	       *rpm = json_object_get(up, "revenue_per_member");
	json_t *incr = json_object_get(res, "incremental");
	static const char *const gnames[] = {"target", "control"};

	put(s, "campaign_id", res, "campaign_id");
	put(s, "status", res, "status");
	put(s, "window_start_at", window, "from");
	put(s, "window_end_at", window, "to");
	put(s, "attribution_days", window, "days");
	put(s, "verdict", res, "verdict");
	put(s, "conversion_uplift", conv, "diff");
	put(s, "conversion_lo", conv, "lo");
	put(s, "conversion_hi", conv, "hi");
	put(s, "revenue_per_member_uplift", rpm, "diff");
	put(s, "revenue_per_member_lo", rpm, "lo");
	put(s, "revenue_per_member_hi", rpm, "hi");
	put(s, "welch_df", rpm, "df");
	put(s, "incremental_revenue", incr, "revenue");
	put(s, "incremental_margin", incr, "margin");
	put(s, "cost", res, "cost");
	put(s, "roi", res, "roi");
	put(s, "computed_at", res, "computed_at");
	json_array_append_new(summary, s);
	for (int i = 0; i < 2; i++) {
		json_t *g = json_object_get(json_object_get(res, "groups"), gnames[i]), *row;

		row = json_pack("{s:s}", "group", gnames[i]);
		json_object_update(row, g);
		json_array_append_new(groups, row);
	}
	static const char *const names[] = {"summary", "groups", "daily", "variants"};
	json_t *tables[] = {summary, groups, json_object_get(res, "daily"),
	                    json_object_get(res, "variants")};
	int n = json_array_size(tables[3]) ? 4 : 3;
	int rc = reply_tables(r, n, names, tables);
	json_decref(summary);
	json_decref(groups);
	json_decref(res);
	return rc;
}

int h_campaign_results(struct req *r)
{
	int export = req_export_asked(r);
	json_t *res;
	int rc;

	if (err_fields_done(&r->err))
		return r->err.code;
	if ((rc = campaign_results_get(r->db, r->a, &r->actor, r->ids[0], ts_now_ms(), &res,
	                               &r->err)) < 0)
		return rc;
	return export ? export_results(r, res) : reply_json(r, 200, res);
}
