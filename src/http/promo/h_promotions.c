/* h_promotions.c: promotions (hq and admin write, everyone reads; a
 * store-bound user sees those for every store or one of theirs) and the
 * preview that runs the engine over catalog prices. */
#include <string.h>

#include "base/jx.h"
#include "base/timeutil.h"
#include "domain/promo/promotion.h"
#include "http/handlers.h"
#include "http/req.h"

#define PREVIEW_MAX_LINES 500

static const char *const promo_fields[] = {"name",        "kind",         "params",    "store_ids",
                                           "product_ids", "category_ids", "tiers",     "starts_on",
                                           "ends_on",     "weekdays",     "hour_from", "hour_to",
                                           "priority",    "exclusive",    "active",    NULL};

/* An array of positive ids under key (null: empty). 1 when the key is
 * present and usable. */
static int read_ids(struct req *r, json_t *in, const char *key, const int64_t **out, int *n)
{
	int64_t *ids;
	int ok = jx_ids(in, key, 0, PROMOTION_MAX_IDS, r->a, &ids, n, &r->err);

	*out = ids;
	return ok || jx_null(in, key);
}

static int read_tiers(struct req *r, json_t *in, struct promotion_input *pi)
{
	json_t *arr = json_object_get(in, "tiers");
	size_t cnt, i;
	const char **t;

	pi->tiers = NULL;
	pi->ntiers = 0;
	if (!arr)
		return 0;
	if (json_is_null(arr))
		return 1;
	if (!json_is_array(arr)) {
		err_type(&r->err, "tiers", "an array of tier names");
		return 0;
	}
	cnt = json_array_size(arr);
	if (cnt > PROMOTION_MAX_TIERS) {
		err_field(&r->err, "tiers", "must have at most %d names", PROMOTION_MAX_TIERS);
		return 0;
	}
	t = arena_calloc(r->a, cnt ? cnt : 1, sizeof *t);
	for (i = 0; i < cnt; i++) {
		json_t *v = json_array_get(arr, i);
		const char *s;

		if (!json_is_string(v)) {
			err_type(&r->err, "tiers", "an array of tier names");
			return 0;
		}
		s = json_string_value(v);
		if (strlen(s) != json_string_length(v)) {
			err_field(&r->err, "tiers", "must not contain control characters");
			return 0;
		}
		for (const char *p = s; *p; p++)
			if ((unsigned char)*p < 0x20) {
				err_field(&r->err, "tiers", "must not contain control characters");
				return 0;
			}
		t[i] = s;
	}
	pi->tiers = t;
	pi->ntiers = (int)cnt;
	return 1;
}

static int read_weekdays(struct req *r, json_t *in, unsigned *mask)
{
	json_t *arr = json_object_get(in, "weekdays");
	size_t i;

	*mask = 0;
	if (!arr)
		return 0;
	if (json_is_null(arr))
		return 1;
	if (!json_is_array(arr)) {
		err_type(&r->err, "weekdays", "an array of days 1..7");
		return 0;
	}
	for (i = 0; i < json_array_size(arr); i++) {
		json_t *v = json_array_get(arr, i);
		json_int_t d;

		if (!json_is_integer(v)) {
			err_type(&r->err, "weekdays", "an array of days 1..7");
			return 0;
		}
		d = json_integer_value(v);
		if (d < 1 || d > 7 || (*mask & (1u << d))) {
			err_field(&r->err, "weekdays",
			          "must hold days 1 (Monday) to 7 (Sunday), each once");
			return 0;
		}
		*mask |= 1u << d;
	}
	return 1;
}

/* "HH:MM" (00:00..24:00) as minutes of the day; null clears (-1). */
static int read_hour(struct req *r, json_t *in, const char *key, int *out)
{
	json_t *v = json_object_get(in, key);
	const char *s;

	*out = -1;
	if (!v)
		return 0;
	if (json_is_null(v))
		return 1;
	if (!json_is_string(v)) {
		err_type(&r->err, key, "a time \"HH:MM\"");
		return 0;
	}
	s = json_string_value(v);
	if (json_string_length(v) != 5 || s[2] != ':' || s[0] < '0' || s[0] > '2' || s[1] < '0' ||
	    s[1] > '9' || s[3] < '0' || s[3] > '5' || s[4] < '0' || s[4] > '9') {
		err_field(&r->err, key, "must be a time \"HH:MM\"");
		return 0;
	}
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 24 || (h == 24 && m != 0)) {
		err_field(&r->err, key, "must be a time between 00:00 and 24:00");
		return 0;
	}
	*out = h * 60 + m;
	return 1;
}

/* Reads a promotion body (create: every field; patch: those present). */
static void read_promotion(struct req *r, json_t *in, struct promotion_input *pi)
{
	json_t *v;
	int64_t i64;
	int b;

	jx_no_unknown(in, promo_fields, &r->err);
	pi->set_name = jx_str(in, "name", JX_NONEMPTY, PROMOTION_NAME_MAX, &pi->name, &r->err) ||
	               jx_null(in, "name");
	pi->set_kind = jx_enum(in, "kind", 0, promo_kinds, &pi->kind, &r->err) ||
	               jx_null(in, "kind");
	v = json_object_get(in, "params");
	if (v && !json_is_null(v) && !json_is_object(v)) {
		err_type(&r->err, "params", "an object");
	} else if (v) {
		pi->params = json_is_null(v) ? NULL : v;
		pi->set_params = 1;
	}
	pi->set_store_ids = read_ids(r, in, "store_ids", &pi->store_ids, &pi->nstore_ids);
	pi->set_product_ids = read_ids(r, in, "product_ids", &pi->product_ids, &pi->nproduct_ids);
	pi->set_category_ids =
	    read_ids(r, in, "category_ids", &pi->category_ids, &pi->ncategory_ids);
	pi->set_tiers = read_tiers(r, in, pi);
	pi->set_starts_on =
	    jx_day(in, "starts_on", 0, &pi->starts_on, &r->err) ||
	    jx_null(in, "starts_on");
	pi->set_ends_on =
	    jx_day(in, "ends_on", 0, &pi->ends_on, &r->err) ||
	    jx_null(in, "ends_on");
	pi->set_weekdays = read_weekdays(r, in, &pi->weekdays);
	pi->set_hour_from = read_hour(r, in, "hour_from", &pi->hour_from);
	pi->set_hour_to = read_hour(r, in, "hour_to", &pi->hour_to);
	pi->set_priority =
	    jx_int(in, "priority", 0, -PROMO_MAX_PRIORITY, PROMO_MAX_PRIORITY, &i64, &r->err);
	pi->priority = pi->set_priority ? i64 : 0;
	pi->exclusive = -1;
	if (jx_bool(in, "exclusive", 0, &b, &r->err))
		pi->exclusive = b;
	pi->active = -1;
	if (jx_bool(in, "active", 0, &b, &r->err))
		pi->active = b;
}

int h_promotions_create(struct req *r)
{
	json_t *in;
	struct promotion_input pi = {0};
	struct promotion *p;
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	read_promotion(r, in, &pi);
	if (req_bad_types(r))
		return r->err.code;
	rc = promotion_create(r->db, r->a, &r->actor, &pi, &p, &r->err);
	if (rc < 0)
		return rc;
	return reply_created(r, promotion_to_json(p), p->rule.id);
}

int h_promotions_patch(struct req *r)
{
	json_t *in;
	struct promotion_input pi = {0};
	struct promotion *p;
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	read_promotion(r, in, &pi);
	if (req_bad_types(r))
		return r->err.code;
	rc = promotion_update(r->db, r->a, &r->actor, r->ids[0], &pi, &p, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, promotion_to_json(p));
}

int h_promotions_get(struct req *r)
{
	struct promotion *p;
	int rc = promotion_get(r->db, r->a, r->ids[0], &p, &r->err);

	if (rc < 0)
		return rc;
	if (!promotion_visible(p, r->user))
		return err_set(&r->err, ERR_NOT_FOUND, "no promotion %lld", (long long)r->ids[0]);
	return reply_json(r, 200, promotion_to_json(p));
}

int h_promotions_delete(struct req *r)
{
	int rc = promotion_deactivate(r->db, r->a, &r->actor, r->ids[0], &r->err);

	if (rc < 0)
		return rc;
	return reply_no_content(r);
}

static json_t *promotion_row(const void *rows, int i)
{
	return promotion_to_json(((struct promotion *const *)rows)[i]);
}

int h_promotions_list(struct req *r)
{
	struct promotion_filter f = {.active = -1};
	const char *active = req_query(r, "active");
	struct promotion **list;
	int n, more, rc;

	req_page(r, &f.limit, &f.after_id);
	if (active && *active) {
		if (strcmp(active, "true") == 0 || strcmp(active, "1") == 0)
			f.active = 1;
		else if (strcmp(active, "false") == 0 || strcmp(active, "0") == 0)
			f.active = 0;
		else
			err_field(&r->err, "active", "must be true or false");
	}
	f.q = req_query(r, "q");
	if (err_fields_done(&r->err))
		return r->err.code;
	rc = promotion_list(r->db, r->a, r->user, &f, &list, &n, &more, &r->err);
	if (rc < 0)
		return rc;
	return reply_page(r, list, n, more, n ? list[n - 1]->rule.id : 0, promotion_row);
}

static void read_preview_line(json_t *o, void *elem, void *ctx, struct err *le)
{
	static const char *const line_fields[] = {"product_id", "quantity", NULL};
	struct promotion_preview_line *l = elem;

	jx_no_unknown(o, line_fields, le);
	jx_int(o, "product_id", JX_REQUIRED, 1, INT64_MAX, &l->product_id, le);
	jx_qty(o, "quantity", JX_REQUIRED, &l->quantity, le);
}

int h_promotions_preview(struct req *r)
{
	static const char *const fields[] = {"store_id", "customer_tier", "at", "lines", NULL};
	struct promotion_preview_input pi = {0};
	struct promotion_preview_line *lines = NULL;
	void *got;
	const char *at = NULL;
	json_t *in, *out;
	int rc;

	if (req_json(r, &in) < 0)
		return r->err.code;
	jx_no_unknown(in, fields, &r->err);
	jx_int(in, "store_id", JX_REQUIRED, 1, INT64_MAX, &pi.store_id, &r->err);
	jx_str(in, "customer_tier", JX_NONEMPTY, PROMOTION_TIER_MAX, &pi.customer_tier, &r->err);
	if (jx_str(in, "at", 0, 40, &at, &r->err) && ts_parse(at, &pi.at) < 0)
		err_field(&r->err, "at", "must be an RFC 3339 time");
	int n = jx_objects(in, "lines", JX_REQUIRED, PREVIEW_MAX_LINES, r->a, sizeof *lines,
			   &got, read_preview_line, NULL, &r->err);
	if (n >= 0) {
		pi.lines = got;
		pi.nlines = n;
	}
	if (req_bad_types(r))
		return r->err.code;
	if (pi.store_id && !req_store_writable(r, pi.store_id))
		return r->err.code;
	rc = promotion_preview(r->db, r->a, &pi, &out, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, out);
}
