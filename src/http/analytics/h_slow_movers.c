/* h_reports.c: inventory reports over HTTP (slow movers and cover);
 * store-bound roles see only their stores. */
#include "analytics/slow_movers.h"
#include "base/jx.h"
#include "base/timeutil.h"
#include "http/handlers.h"
#include "http/req.h"

/* GET /reports/slow-movers?store_id=&days=90&limit=&cursor=&format= */
static json_t *slow_item_row(const void *rows, int i)
{
	return slow_item_to_json(&((const struct slow_item *)rows)[i]);
}

int h_reports_slow_movers(struct req *r)
{
	struct slow_filter f = {0};
	struct slow_item *items;
	int64_t days = 90, cursor;
	int n, more, rc;

	req_page(r, &f.limit, &cursor);
	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &f.store_id, &r->err);
	jx_qint(req_query(r, "days"), "days", 1, SLOW_DAYS_MAX, &days, &r->err);
	if (err_fields_done(&r->err))
		return r->err.code;
	if (f.store_id && !req_store_visible(r, f.store_id))
		return r->err.code;
	f.user = r->user;
	f.days = (int)days;
	f.now_ms = ts_now_ms();
	f.offset = cursor;
	rc = slow_movers(r->db, r->a, &f, &items, &n, &more, &r->err);
	if (rc < 0)
		return rc;
	/* The cursor is the number of rows already given. */
	return reply_page(r, items, n, more, cursor + n, slow_item_row);
}
