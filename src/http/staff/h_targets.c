/* h_targets.c: targets over HTTP: the seasonal split (with its dry run for
 * the chart), the months with actuals, the hand edit, the entries and the
 * month's attainment: parse, call target.c, render. */
#include <string.h>

#include "base/jx.h"
#include "base/money.h"
#include "base/timeutil.h"
#include "domain/staff/staff_scope.h"
#include "domain/staff/target.h"
#include "http/handlers.h"
#include "http/req.h"

/* POST /targets/split */
int h_targets_split(struct req *r)
{
	static const char *const allowed[] = {"store_id", "user_id", "metric", "category_id",
					      "period", "total", "dry_run", NULL};
	struct target_split_input in = {0};
	json_t *body, *o;
	if (req_json(r, &body) < 0)
		return r->err.code;
	jx_no_unknown(body, allowed, &r->err);
	jx_int(body, "store_id", JX_REQUIRED, 1, INT64_MAX, &in.store_id, &r->err);
	jx_int(body, "user_id", 0, 1, INT64_MAX, &in.user_id, &r->err);
	jx_enum(body, "metric", JX_REQUIRED, target_metrics, &in.metric, &r->err);
	jx_int(body, "category_id", 0, 1, INT64_MAX, &in.category_id, &r->err);
	jx_str(body, "period", JX_REQUIRED, 7, &in.period, &r->err);
	jx_int(body, "total", JX_REQUIRED, 0, MONEY_MAX, &in.total, &r->err);
	jx_bool(body, "dry_run", 0, &in.dry_run, &r->err);
	if (req_bad_types(r))
		return r->err.code;
	if (err_fields_done(&r->err))
		return r->err.code;
	int rc = target_split_entry(r->db, r->a, &r->actor, &in, ts_now_ms(), &o, &r->err);
	if (rc < 0)
		return rc;
	if (in.dry_run)
		return reply_json(r, 200, o);
	return reply_json(r, 201, o);
}

/* GET /targets?store_id=&user_id=&month=|year=&metric= */
int h_targets_list(struct req *r)
{
	struct target_filter f = {0};
	json_t *items;
	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &f.store_id, &r->err);
	jx_qint(req_query(r, "user_id"), "user_id", 0, INT64_MAX, &f.user_id, &r->err);
	if (req_query(r, "user_id") && f.user_id == 0)
		f.user_id = -1; /* user_id=0: the stores' own targets */
	f.month = req_query(r, "month");
	f.year = req_query(r, "year");
	if (f.month && target_month_days(f.month, NULL, NULL) == 0)
		err_field(&r->err, "month", "must be YYYY-MM");
	if (f.year && (strlen(f.year) != 4 || target_month_days(
						      arena_printf(r->a, "%s-01", f.year), NULL, NULL) == 0))
		err_field(&r->err, "year", "must be YYYY");
	f.metric = req_query_enum(r, "metric", target_metrics);
	req_export_asked(r);
	if (err_fields_done(&r->err))
		return r->err.code;
	if (f.store_id && !req_store_visible(r, f.store_id))
		return r->err.code;
	int rc = target_list(r->db, r->a, &r->actor, &f, &items, &r->err);
	if (rc < 0)
		return rc;
	return reply_list(r, items, 0, 0);
}

/* PATCH /targets/{id} {amount, rebalance} */
int h_targets_patch(struct req *r)
{
	static const char *const allowed[] = {"amount", "rebalance", NULL};
	json_t *body, *items;
	int64_t amount = 0;
	int rebalance = 1;
	if (req_json(r, &body) < 0)
		return r->err.code;
	jx_no_unknown(body, allowed, &r->err);
	jx_int(body, "amount", JX_REQUIRED, 0, MONEY_MAX, &amount, &r->err);
	jx_bool(body, "rebalance", 0, &rebalance, &r->err);
	if (req_bad_types(r))
		return r->err.code;
	if (err_fields_done(&r->err))
		return r->err.code;
	int rc = target_set_month(r->db, r->a, &r->actor, r->ids[0], amount, rebalance,
				  ts_now_ms(), &items, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, json_pack("{s:o}", "months", items));
}

/* GET /targets/entries?store_id=&period= */
int h_target_entries_list(struct req *r)
{
	int64_t store_id = 0;
	json_t *items;
	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &store_id, &r->err);
	req_export_asked(r);
	if (err_fields_done(&r->err))
		return r->err.code;
	if (store_id && !req_store_visible(r, store_id))
		return r->err.code;
	int rc = target_entries_list(r->db, r->a, &r->actor, store_id, req_query(r, "period"),
				     &items, &r->err);
	if (rc < 0)
		return rc;
	return reply_list(r, items, 0, 0);
}

/* DELETE /targets/entries/{id} */
int h_target_entries_delete(struct req *r)
{
	int rc = target_entry_delete(r->db, &r->actor, r->ids[0], &r->err);
	if (rc < 0)
		return rc;
	return reply_no_content(r);
}

/* GET /targets/attainment?store_id=&user_id=&month= : a person's (default:
 * one's own) or, with store_id alone, the store's. */
int h_targets_attainment(struct req *r)
{
	int64_t store_id = 0, user_id = 0;
	char today[11], month[8];
	json_t *o;
	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &store_id, &r->err);
	jx_qint(req_query(r, "user_id"), "user_id", 1, INT64_MAX, &user_id, &r->err);
	ts_day(ts_now_ms(), today, sizeof today);
	const char *m = req_query(r, "month");
	if (m && target_month_days(m, NULL, NULL) == 0)
		err_field(&r->err, "month", "must be YYYY-MM");
	if (err_fields_done(&r->err))
		return r->err.code;
	snprintf(month, sizeof month, "%.7s", m ? m : today);
	if (!store_id && !user_id)
		user_id = r->user->id;
	int rc;
	if (user_id && (rc = staff_person_check(r->db, &r->actor, user_id, &r->err)) < 0)
		return rc;
	if (store_id && !req_store_visible(r, store_id))
		return r->err.code;
	if (!user_id && !staff_is_manager(&r->actor))
		return err_set(&r->err, ERR_FORBIDDEN, "a store's targets are for its managers");
	rc = target_attainment(r->db, r->a, store_id, user_id, month, today, &o, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, o);
}
