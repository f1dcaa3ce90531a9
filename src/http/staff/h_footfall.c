/* h_footfall.c: footfall over HTTP: the days of a store, a day's hours by
 * hand, a counter's CSV import (footfall.c). */
#include <string.h>

#include "base/jx.h"
#include "base/table.h"
#include "base/timeutil.h"
#include "domain/staff/footfall.h"
#include "http/handlers.h"
#include "http/req.h"
#include "http/staff/staff_req.h"

/* GET /footfall?store_id=&from=&to= */
int h_footfall_list(struct req *r)
{
	int64_t store_id = 0;
	const char *from, *to;
	json_t *items;
	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &store_id, &r->err);
	staff_req_days(r, &from, &to);
	req_export_asked(r);
	if (err_fields_done(&r->err))
		return r->err.code;
	if (store_id && !req_store_visible(r, store_id))
		return r->err.code;
	int rc = footfall_list(r->db, &r->actor, store_id, from, to, &items, &r->err);
	if (rc < 0)
		return rc;
	return reply_list(r, items, 0, 0);
}

/* One {hour, entries} of PUT /footfall. */
struct ff_in {
	int64_t hour, entries;
};

static void read_hour(json_t *item, void *elem, void *ctx, struct err *ie)
{
	static const char *const allowed[] = {"hour", "entries", NULL};
	struct ff_in *h = elem;
	(void)ctx;
	jx_no_unknown(item, allowed, ie);
	h->hour = -1;
	jx_int(item, "hour", JX_REQUIRED, 0, 23, &h->hour, ie);
	jx_int(item, "entries", JX_REQUIRED, 0, 1000000, &h->entries, ie);
}

/* PUT /footfall {store_id, day, hours:[{hour, entries}]} */
int h_footfall_put(struct req *r)
{
	static const char *const allowed[] = {"store_id", "day", "hours", NULL};
	json_t *body;
	int64_t store_id = 0, hours[24];
	const char *day = NULL;
	void *items = NULL;
	if (req_json(r, &body) < 0)
		return r->err.code;
	jx_no_unknown(body, allowed, &r->err);
	jx_int(body, "store_id", JX_REQUIRED, 1, INT64_MAX, &store_id, &r->err);
	jx_day(body, "day", JX_REQUIRED, &day, &r->err);
	int n = jx_objects(body, "hours", JX_REQUIRED, 24, r->a, sizeof(struct ff_in), &items,
			   read_hour, NULL, &r->err);
	if (req_bad_types(r))
		return r->err.code;
	for (int h = 0; h < 24; h++)
		hours[h] = -1;
	for (int i = 0; i < n; i++) {
		const struct ff_in *h = &((const struct ff_in *)items)[i];
		if (h->hour < 0)
			continue;
		if (hours[h->hour] >= 0)
			err_field(&r->err, "hours", "hour %lld is given twice", (long long)h->hour);
		hours[h->hour] = h->entries;
	}
	if (err_fields_done(&r->err))
		return r->err.code;
	int rc = footfall_put(r->db, &r->actor, store_id, day, hours, ts_now_ms(), &r->err);
	if (rc < 0)
		return rc;
	json_t *list;
	if ((rc = footfall_list(r->db, &r->actor, store_id, day, day, &list, &r->err)) < 0)
		return rc;
	json_t *one = json_incref(json_array_get(list, 0));
	json_decref(list);
	return reply_json(r, 200, one ? one : json_null());
}

/* POST /footfall/import?store_id=&dry_run= with the CSV as the body */
int h_footfall_import(struct req *r)
{
	int64_t store_id = 0;
	json_t *o;
	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &store_id, &r->err);
	if (!req_query(r, "store_id"))
		err_field(&r->err, "store_id", "is required");
	int dry = req_query_bool(r, "dry_run");
	if (!r->body || !r->body_len)
		err_field(&r->err, "body", "the counter's CSV is the request body");
	if (err_fields_done(&r->err))
		return r->err.code;
	struct table t;
	char msg[200];
	if (table_read(r->body, r->body_len, &t, msg, sizeof msg) < 0) {
		table_free(&t);
		err_field(&r->err, "body", "%s", msg);
		return err_fields_done(&r->err);
	}
	int rc = footfall_import(r->db, r->a, &r->actor, store_id, &t, dry == 1, ts_now_ms(), &o,
				 &r->err);
	table_free(&t);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, o);
}
