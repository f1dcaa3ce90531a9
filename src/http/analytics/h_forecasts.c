/* h_forecasts.c: GET /forecasts (a series' stored forecast with its
 * history; computed at once when there is none yet) and POST
 * /forecasts/refresh (recomputed now). A store-bound user sees only their
 * stores, never all stores together. */
#include <string.h>

#include "analytics/forecast_data.h"
#include "base/jx.h"
#include "base/timeutil.h"
#include "http/handlers.h"
#include "http/req.h"

static const char *const grains[] = {"day", "week", "month", NULL};

/* The checks both routes share once the fields are read: product and
 * category not together, the grain given, and the store in the user's
 * sight (404 otherwise, also for all stores asked by a store-bound user). */
static int check(struct req *r, struct fcd_key *k, const char *grain)
{
	if (k->product_id && k->category_id) {
		err_field(&r->err, "product_id", "give product_id or category_id, not both");
		err_field(&r->err, "category_id", "give product_id or category_id, not both");
	}
	if (err_fields_done(&r->err))
		return r->err.code;
	k->grain = (enum fcd_grain)fcd_grain_parse(grain);
	if (k->store_id && !req_store_visible(r, k->store_id))
		return r->err.code;
	if (!k->store_id && (r->user->role & ROLE_STORE_BOUND))
		return err_set(&r->err, ERR_NOT_FOUND, "no such forecast");
	return 0;
}

static int answer(struct req *r, const struct fcd_key *k, int refresh)
{
	json_t *o;
	int rc = forecast_get(r->db, k, refresh, ts_now_ms(), &o, &r->err);
	return rc < 0 ? rc : reply_json(r, 200, o);
}

/* GET /forecasts?store_id=&product_id=|category_id=&grain= */
int h_forecasts_get(struct req *r)
{
	struct fcd_key k = {0};
	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &k.store_id, &r->err);
	jx_qint(req_query(r, "product_id"), "product_id", 1, INT64_MAX, &k.product_id, &r->err);
	jx_qint(req_query(r, "category_id"), "category_id", 1, INT64_MAX, &k.category_id,
		&r->err);
	const char *grain = req_query_enum(r, "grain", grains);
	if (!grain && !r->err.nfields)
		err_field(&r->err, "grain", "is required");
	int rc = check(r, &k, grain);
	return rc < 0 ? rc : answer(r, &k, 0);
}

/* POST /forecasts/refresh {store_id?, product_id?, category_id?, grain} */
int h_forecasts_refresh(struct req *r)
{
	static const char *const allowed[] = {"store_id", "product_id", "category_id", "grain",
					      NULL};
	struct fcd_key k = {0};
	json_t *body;
	const char *grain = NULL;
	if (req_json(r, &body) < 0)
		return r->err.code;
	jx_no_unknown(body, allowed, &r->err);
	jx_int(body, "store_id", 0, 1, INT64_MAX, &k.store_id, &r->err);
	jx_int(body, "product_id", 0, 1, INT64_MAX, &k.product_id, &r->err);
	jx_int(body, "category_id", 0, 1, INT64_MAX, &k.category_id, &r->err);
	jx_enum(body, "grain", JX_REQUIRED, grains, &grain, &r->err);
	if (req_bad_types(r))
		return r->err.code;
	int rc = check(r, &k, grain);
	return rc < 0 ? rc : answer(r, &k, 1);
}
