/* promotion.c: promotions stored with their parameters as JSON: checked
 * per kind on every write, audited, listed with store scoping, loaded as
 * engine rules for a sale, and previewed against catalog prices. */
#include "domain/promo/promotion.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/jx.h"
#include "base/money.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "db/page.h"
#include "domain/org/audit.h"
#include "domain/catalog/product.h"

#define PROMO_COLS                                                                                 \
	"id, name, kind, params, store_ids, product_ids, category_ids, tiers, "                    \
	"starts_on, ends_on, weekdays, hour_from, hour_to, priority, "                             \
	"exclusive, active, created_at, updated_at"

/* Bounds the ancestor walk, so that a damaged tree cannot loop forever. */
#define CAT_DEPTH_GUARD 1000

/* ---- params: JSON <-> rule -------------------------------------------- */

static const char *const per_names[] = {"unit", "line", NULL};

static const char *const *params_allowed(enum promo_kind k)
{
	static const char *const percent[] = {"percent", NULL};
	static const char *const amount[] = {"amount", "per", NULL};
	static const char *const bxgy[] = {"buy", "get", "percent", NULL};
	static const char *const spend[] = {"every", "off", "max_off", "tiers", NULL};
	static const char *const bundle[] = {"size", "price", NULL};
	static const char *const gift[] = {"product_id", "quantity", "min_spend", "min_quantity",
	                                   NULL};
	switch (k) {
	case PROMO_PERCENT_OFF:
		return percent;
	case PROMO_AMOUNT_OFF:
		return amount;
	case PROMO_BUY_X_GET_Y:
		return bxgy;
	case PROMO_SPEND_THRESHOLD:
		return spend;
	case PROMO_BUNDLE_PRICE:
		return bundle;
	case PROMO_GIFT:
		return gift;
	}
	return NULL;
}

/* Notes each key of obj not in allowed as "<prefix><key>" is not allowed. */
static void no_unknown(json_t *obj, const char *const *allowed, const char *prefix, struct err *e)
{
	const char *key;
	json_t *v;
	char f[64];

	json_object_foreach(obj, key, v)
	{
		const char *const *p = allowed;

		while (p && *p && strcmp(*p, key) != 0)
			p++;
		if (!p || !*p) {
			snprintf(f, sizeof f, "%s%s", prefix, key);
			err_field(e, f, "is not allowed");
		}
	}
}

/* The value under key, or NULL when absent or null ("is required" noted
 * when required). f gets the field name prefix+key. */
static json_t *p_get(json_t *obj, const char *prefix, const char *key, int required, char *f,
                     size_t fn, struct err *e)
{
	json_t *v = json_object_get(obj, key);

	snprintf(f, fn, "%s%s", prefix, key);
	if (!v || json_is_null(v)) {
		if (required)
			err_field(e, f, "is required");
		return NULL;
	}
	return v;
}

/* An integer; absent: dflt. Ranges are promo_rule_check's. */
static void p_int(json_t *obj, const char *prefix, const char *key, int required, int64_t dflt,
                  int64_t *out, struct err *e)
{
	char f[64];
	json_t *v = p_get(obj, prefix, key, required, f, sizeof f, e);

	*out = dflt;
	if (!v)
		return;
	if (json_is_real(v))
		err_field(e, f, "must be an integer");
	else if (!json_is_integer(v))
		err_type(e, f, "an integer");
	else
		*out = (int64_t)json_integer_value(v);
}

/* A quantity (number with at most 3 decimals) in thousandths. */
static void p_qty(json_t *obj, const char *prefix, const char *key, int64_t dflt, int64_t *out,
                  struct err *e)
{
	char f[64];
	json_t *v = p_get(obj, prefix, key, 0, f, sizeof f, e);
	const int64_t lim = QTY_MAX / QTY_SCALE;

	*out = dflt;
	if (!v)
		return;
	if (json_is_integer(v)) {
		int64_t i = (int64_t)json_integer_value(v);

		if (i < -lim || i > lim)
			err_field(e, f, "must be between %lld and %lld", (long long)-lim,
			          (long long)lim);
		else
			*out = i * QTY_SCALE;
	} else if (json_is_real(v)) {
		if (qty_from_double(json_real_value(v), out) != 0) {
			err_field(e, f, "must be a number with at most 3 decimals, at most %lld",
			          (long long)lim);
			*out = dflt;
		}
	} else {
		err_type(e, f, "a number");
	}
}

static void read_tiers(json_t *arr, struct promo_rule *r, struct arena *a, struct err *e)
{
	static const char *const tier_keys[] = {"threshold", "off", NULL};
	size_t n = json_array_size(arr), i;
	char prefix[48];

	if (n == 0) {
		err_field(e, "params.tiers", "must have at least one tier");
		return;
	}
	if (n > PROMO_MAX_TIERS) {
		err_field(e, "params.tiers", "must have at most %d tiers", PROMO_MAX_TIERS);
		return;
	}
	struct promo_tier *t = arena_calloc(a, n, sizeof *t);
	for (i = 0; i < n; i++) {
		json_t *o = json_array_get(arr, i);

		snprintf(prefix, sizeof prefix, "params.tiers[%zu].", i);
		if (!json_is_object(o)) {
			char f[64];

			snprintf(f, sizeof f, "params.tiers[%zu]", i);
			err_type(e, f, "an object {threshold, off}");
			continue;
		}
		no_unknown(o, tier_keys, prefix, e);
		p_int(o, prefix, "threshold", 1, 0, &t[i].threshold, e);
		p_int(o, prefix, "off", 1, 0, &t[i].off, e);
	}
	r->spend.tiers = t;
	r->spend.ntiers = (int)n;
}

/* Reads the parameters of kind k from params into r (kind-specific members
 * only). Notes every problem under "params.<key>". */
static void params_read(json_t *params, enum promo_kind k, struct promo_rule *r, struct arena *a,
                        struct err *e)
{
	const char *P = "params.";
	char f[64];
	json_t *v;

	memset(&r->percent, 0, sizeof r->percent);
	memset(&r->amount, 0, sizeof r->amount);
	memset(&r->bxgy, 0, sizeof r->bxgy);
	memset(&r->spend, 0, sizeof r->spend);
	memset(&r->bundle, 0, sizeof r->bundle);
	memset(&r->gift, 0, sizeof r->gift);
	if (!json_is_object(params)) {
		err_type(e, "params", "an object");
		return;
	}
	no_unknown(params, params_allowed(k), P, e);
	switch (k) {
	case PROMO_PERCENT_OFF:
		p_int(params, P, "percent", 1, 0, &r->percent.bp, e);
		break;
	case PROMO_AMOUNT_OFF:
		p_int(params, P, "amount", 1, 0, &r->amount.value, e);
		r->amount.per = PROMO_PER_UNIT;
		if ((v = p_get(params, P, "per", 0, f, sizeof f, e))) {
			if (!json_is_string(v))
				err_type(e, f, "a string");
			else if (strcmp(json_string_value(v), "line") == 0)
				r->amount.per = PROMO_PER_LINE;
			else if (strcmp(json_string_value(v), "unit") != 0)
				err_field(e, f, "must be one of: unit, line");
		}
		break;
	case PROMO_BUY_X_GET_Y:
		p_int(params, P, "buy", 1, 0, &r->bxgy.buy, e);
		p_int(params, P, "get", 1, 0, &r->bxgy.get, e);
		p_int(params, P, "percent", 0, 10000, &r->bxgy.bp, e);
		break;
	case PROMO_SPEND_THRESHOLD: {
		json_t *tiers = json_object_get(params, "tiers");
		int has_every = json_object_get(params, "every") || json_object_get(params, "off");

		if (tiers && !json_is_null(tiers) && has_every) {
			err_field(e, "params.tiers", "give either every and off, or tiers");
			break;
		}
		if (tiers && !json_is_null(tiers)) {
			if (!json_is_array(tiers))
				err_type(e, "params.tiers", "an array");
			else
				read_tiers(tiers, r, a, e);
			if (json_object_get(params, "max_off"))
				err_field(e, "params.max_off", "goes with every and off");
			break;
		}
		if (!has_every) {
			err_field(e, "params.every", "is required (or tiers)");
			break;
		}
		p_int(params, P, "every", 1, 0, &r->spend.every, e);
		p_int(params, P, "off", 1, 0, &r->spend.off, e);
		p_int(params, P, "max_off", 0, 0, &r->spend.max_off, e);
		/* 0 would read as "tiers" to the engine: name the field here. */
		if (r->spend.every <= 0)
			err_field(e, "params.every", "must be at least 1");
		if (r->spend.off <= 0)
			err_field(e, "params.off", "must be at least 1");
		break;
	}
	case PROMO_BUNDLE_PRICE:
		p_int(params, P, "size", 1, 0, &r->bundle.size, e);
		p_int(params, P, "price", 1, 0, &r->bundle.price, e);
		break;
	case PROMO_GIFT:
		p_int(params, P, "product_id", 1, 0, &r->gift.product_id, e);
		p_qty(params, P, "quantity", QTY_SCALE, &r->gift.quantity, e);
		p_int(params, P, "min_spend", 0, 0, &r->gift.min_spend, e);
		p_qty(params, P, "min_quantity", 0, &r->gift.min_quantity, e);
		break;
	}
}

/* The parameters of r's kind as JSON (stored and replied); caller owns. */
static json_t *params_to_json(const struct promo_rule *r)
{
	switch (r->kind) {
	case PROMO_PERCENT_OFF:
		return json_pack("{s:I}", "percent", (json_int_t)r->percent.bp);
	case PROMO_AMOUNT_OFF:
		return json_pack("{s:I,s:s}", "amount", (json_int_t)r->amount.value, "per",
		                 per_names[r->amount.per == PROMO_PER_LINE]);
	case PROMO_BUY_X_GET_Y:
		return json_pack("{s:I,s:I,s:I}", "buy", (json_int_t)r->bxgy.buy, "get",
		                 (json_int_t)r->bxgy.get, "percent", (json_int_t)r->bxgy.bp);
	case PROMO_SPEND_THRESHOLD: {
		if (r->spend.every)
			return json_pack("{s:I,s:I,s:o}", "every", (json_int_t)r->spend.every,
			                 "off", (json_int_t)r->spend.off, "max_off",
			                 r->spend.max_off ? json_integer(r->spend.max_off)
			                                  : json_null());
		json_t *t = json_array();
		for (int i = 0; i < r->spend.ntiers; i++)
			json_array_append_new(t,
			                      json_pack("{s:I,s:I}", "threshold",
			                                (json_int_t)r->spend.tiers[i].threshold,
			                                "off", (json_int_t)r->spend.tiers[i].off));
		return json_pack("{s:o}", "tiers", t);
	}
	case PROMO_BUNDLE_PRICE:
		return json_pack("{s:I,s:I}", "size", (json_int_t)r->bundle.size, "price",
		                 (json_int_t)r->bundle.price);
	case PROMO_GIFT:
		return json_pack("{s:I,s:o,s:I,s:o}", "product_id", (json_int_t)r->gift.product_id,
		                 "quantity", jx_qty_value(r->gift.quantity), "min_spend",
		                 (json_int_t)r->gift.min_spend, "min_quantity",
		                 jx_qty_value(r->gift.min_quantity));
	}
	return json_object();
}

/* ---- scope columns ----------------------------------------------------- */

static json_t *tiers_json(const char *const *t, int n)
{
	json_t *arr = json_array();

	for (int i = 0; i < n; i++)
		json_array_append_new(arr, jx_strn(t[i]));
	return arr;
}

static json_t *weekdays_json(unsigned mask)
{
	json_t *arr = json_array();

	for (int d = 1; d <= 7; d++)
		if (mask & (1u << d))
			json_array_append_new(arr, json_integer(d));
	return arr;
}

static json_t *hhmm(int minute)
{
	char t[16];

	if (minute < 0 || minute > PROMO_MINUTES_PER_DAY)
		return json_null();
	snprintf(t, sizeof t, "%02d:%02d", minute / 60, minute % 60);
	return json_string(t);
}

static char *json_text(struct arena *a, json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);
	char *r = arena_strdup(a, s ? s : "null");

	free(s);
	json_decref(j);
	return r;
}

json_t *promotion_to_json(const struct promotion *p)
{
	const struct promo_rule *r = &p->rule;
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "name", jx_strn(r->name));
	json_object_set_new(o, "kind", jx_strn(promo_kind_name(r->kind)));
	json_object_set_new(o, "params", params_to_json(r));
	json_object_set_new(o, "store_ids", jx_ids_json(r->store_ids, r->nstore_ids));
	json_object_set_new(o, "product_ids", jx_ids_json(r->product_ids, r->nproduct_ids));
	json_object_set_new(o, "category_ids", jx_ids_json(r->category_ids, r->ncategory_ids));
	json_object_set_new(o, "tiers", tiers_json(r->customer_tiers, r->ncustomer_tiers));
	json_object_set_new(o, "starts_on", jx_strn(r->starts_on));
	json_object_set_new(o, "ends_on", jx_strn(r->ends_on));
	json_object_set_new(o, "weekdays", weekdays_json(r->weekdays));
	json_object_set_new(o, "hour_from", hhmm(r->minute_from));
	json_object_set_new(o, "hour_to", hhmm(r->minute_to));
	json_object_set_new(o, "priority", json_integer(r->priority));
	json_object_set_new(o, "exclusive", json_boolean(r->exclusive));
	json_object_set_new(o, "active", json_boolean(p->active));
	json_object_set_new(o, "created_at", jx_time(p->created_at));
	json_object_set_new(o, "updated_at", jx_time(p->updated_at));
	return o;
}

int promotion_visible(const struct promotion *p, const struct user *u)
{
	if (!u || !(u->role & ROLE_STORE_BOUND) || p->rule.nstore_ids == 0)
		return 1;
	for (int i = 0; i < p->rule.nstore_ids; i++)
		if (user_sees_store(u, p->rule.store_ids[i]))
			return 1;
	return 0;
}

/* ---- rows -------------------------------------------------------------- */

static int parse_tiers(struct arena *a, const char *text, const char *const **out, int *n)
{
	json_t *j = json_loads(text ? text : "[]", 0, NULL);
	size_t cnt = json_array_size(j), i;
	int ok = json_is_array(j);
	const char **t = arena_calloc(a, cnt ? cnt : 1, sizeof *t);

	*n = 0;
	for (i = 0; ok && i < cnt; i++) {
		json_t *v = json_array_get(j, i);

		if (!json_is_string(v))
			ok = 0;
		else
			t[(*n)++] = arena_strdup(a, json_string_value(v));
	}
	json_decref(j);
	*out = t;
	return ok ? 0 : -1;
}

static int promotion_from_row(struct db_stmt *st, struct arena *a, struct promotion **out,
                              struct err *e)
{
	struct promotion *p = arena_alloc(a, sizeof *p);
	struct promo_rule *r = &p->rule;
	struct err pe;
	int64_t *days, *stores, *products, *categories;
	int ndays, bad = 0;

	r->id = db_col_int64(st, 0);
	r->name = arena_strdup(a, db_col_text(st, 1));
	r->kind = promo_kind_parse(db_col_text(st, 2));
	err_init(&pe);
	json_t *params = json_loads(db_col_text(st, 3) ? db_col_text(st, 3) : "", 0, NULL);
	if (r->kind)
		params_read(params, r->kind, r, a, &pe);
	json_decref(params);
	bad |= !r->kind || pe.nfields;
	bad |= jx_ids_parse(a, db_col_text(st, 4), &stores, &r->nstore_ids);
	bad |= jx_ids_parse(a, db_col_text(st, 5), &products, &r->nproduct_ids);
	bad |= jx_ids_parse(a, db_col_text(st, 6), &categories, &r->ncategory_ids);
	r->store_ids = stores;
	r->product_ids = products;
	r->category_ids = categories;
	bad |= parse_tiers(a, db_col_text(st, 7), &r->customer_tiers, &r->ncustomer_tiers);
	r->starts_on = arena_strdup(a, db_col_text(st, 8));
	r->ends_on = arena_strdup(a, db_col_text(st, 9));
	bad |= jx_ids_parse(a, db_col_text(st, 10), &days, &ndays);
	for (int i = 0; i < ndays; i++)
		if (days[i] >= 1 && days[i] <= 7)
			r->weekdays |= 1u << days[i];
	r->minute_from = db_col_null(st, 11) ? -1 : (int)db_col_int64(st, 11);
	r->minute_to = db_col_null(st, 12) ? -1 : (int)db_col_int64(st, 12);
	r->priority = (int)db_col_int64(st, 13);
	r->exclusive = (int)db_col_int64(st, 14);
	p->active = (int)db_col_int64(st, 15);
	p->created_at = db_col_int64(st, 16);
	p->updated_at = db_col_int64(st, 17);
	if (bad)
		return err_set(e, ERR_DB, "promotion %lld is damaged", (long long)r->id);
	*out = p;
	return 0;
}

int promotion_get(struct db *db, struct arena *a, int64_t id, struct promotion **out, struct err *e)
{
	static const char sql[] = "SELECT " PROMO_COLS " FROM promotions WHERE id = ?";
	struct db_stmt *st = db_query(db, e, sql, "i", id);
	int rc = db_get_row(st, "promotion", id, e);

	if (rc < 0)
		return rc;
	rc = promotion_from_row(st, a, out, e);
	db_reset(st);
	return rc;
}

/* Store-bound users: promotions for every store, or naming one of theirs
 * (",<id>," inside the stored "[1,2,3]"). */
#define PROMO_SCOPED                                                                               \
	"(? = 0 OR store_ids = '[]' OR EXISTS (SELECT 1 FROM user_stores us "                      \
	"WHERE us.user_id = ? AND (',' || substr(store_ids, 2, length(store_ids) - 2) || ',') "    \
	"LIKE ('%,' || CAST(us.store_id AS TEXT) || ',%')))"

int promotion_list(struct db *db, struct arena *a, const struct user *u,
                   const struct promotion_filter *f, struct promotion ***out, int *n, int *more,
                   struct err *e)
{
	static const char sql[] = "SELECT " PROMO_COLS " FROM promotions WHERE id > ? "
	                          "AND (? = -1 OR active = ?) "
	                          "AND (CAST(? AS TEXT) IS NULL OR lower(name) LIKE ? ESCAPE '\\') "
	                          "AND " PROMO_SCOPED " ORDER BY id LIMIT ?";
	const char *pat = db_like_pattern(a, f->q);
	int64_t scoped = u && (u->role & ROLE_STORE_BOUND) ? 1 : 0;
	struct page pg;
	int rc;

	page_init(&pg, a, f->limit, sizeof(struct promotion *));
	struct db_stmt *st =
	    db_query(db, e, sql, "iiittiii", f->after_id, (int64_t)f->active, (int64_t)f->active,
	             pat, pat, scoped, u ? u->id : 0, page_fetch(&pg));
	if (!st)
		return db_fail(e);
	while ((rc = page_step(&pg, st, e)) == DB_ROW)
		if ((rc = promotion_from_row(st, a, page_add(&pg), e)) < 0)
			break;
	rc = page_end(&pg, st, rc);
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	return rc;
}

/* ---- checks and writes ------------------------------------------------- */

static const char SQL_STORE_EXISTS[] = "SELECT 1 FROM stores WHERE id = ?";
static const char SQL_PRODUCT_EXISTS[] = "SELECT 1 FROM products WHERE id = ?";
static const char SQL_CATEGORY_EXISTS[] = "SELECT 1 FROM categories WHERE id = ?";

/* Builds the rule a write would store: old (NULL when creating) with in's
 * changes; notes every bad field (params per kind, ranges, dates, hours,
 * and what promo_rule_check finds). *params_new says whether params were
 * read anew (so the gift product needs checking). */
static void build_rule(const struct promotion *old, const struct promotion_input *in,
                       struct promo_rule *r, int *active, int *params_new, struct arena *a,
                       struct err *e)
{
	int creating = old == NULL;
	enum promo_kind kind = 0;

	if (old)
		*r = old->rule;
	else {
		memset(r, 0, sizeof *r);
		r->minute_from = r->minute_to = -1;
	}
	*active = old ? old->active : 1;
	*params_new = 0;

	if (creating || in->set_name) {
		if (!in->name)
			err_field(e, "name", "is required");
		else if (text_blank(in->name, strlen(in->name)))
			err_field(e, "name", "must not be empty");
		else if (utf8_chars(in->name) > PROMOTION_NAME_MAX)
			err_field(e, "name", "must be at most %d characters", PROMOTION_NAME_MAX);
		r->name = arena_strdup(a, in->name);
	}
	if (creating || in->set_kind) {
		kind = promo_kind_parse(in->kind);
		if (!in->kind)
			err_field(e, "kind", "is required");
		else if (!kind)
			err_field(e, "kind",
			          "must be one of: percent_off, amount_off, "
			          "buy_x_get_y, spend_threshold, bundle_price, gift");
	} else {
		kind = old->rule.kind;
	}
	if (creating || in->set_params || (in->set_kind && kind && kind != old->rule.kind)) {
		if (!in->set_params || !in->params)
			err_field(e, "params",
			          creating || in->set_params ? "is required"
			                                     : "is required when kind changes");
		else if (kind)
			params_read(in->params, kind, r, a, e);
		*params_new = 1;
	}
	if (kind)
		r->kind = kind;

	if (creating || in->set_store_ids) {
		r->store_ids = jx_ids_sorted(a, in->store_ids, in->nstore_ids);
		r->nstore_ids = in->nstore_ids;
	}
	if (creating || in->set_product_ids) {
		r->product_ids = jx_ids_sorted(a, in->product_ids, in->nproduct_ids);
		r->nproduct_ids = in->nproduct_ids;
	}
	if (creating || in->set_category_ids) {
		r->category_ids = jx_ids_sorted(a, in->category_ids, in->ncategory_ids);
		r->ncategory_ids = in->ncategory_ids;
	}
	if (creating || in->set_tiers) {
		for (int i = 0; i < in->ntiers; i++)
			if (in->tiers[i] && utf8_chars(in->tiers[i]) > PROMOTION_TIER_MAX)
				err_field(e, "tiers", "names must be at most %d characters",
				          PROMOTION_TIER_MAX);
		if (in->ntiers > PROMOTION_MAX_TIERS)
			err_field(e, "tiers", "must have at most %d names", PROMOTION_MAX_TIERS);
		r->customer_tiers = in->tiers;
		r->ncustomer_tiers = in->ntiers;
	}
	if (in->nstore_ids > PROMOTION_MAX_IDS)
		err_field(e, "store_ids", "must have at most %d ids", PROMOTION_MAX_IDS);
	if (in->nproduct_ids > PROMOTION_MAX_IDS)
		err_field(e, "product_ids", "must have at most %d ids", PROMOTION_MAX_IDS);
	if (in->ncategory_ids > PROMOTION_MAX_IDS)
		err_field(e, "category_ids", "must have at most %d ids", PROMOTION_MAX_IDS);
	if (creating || in->set_starts_on)
		r->starts_on = in->starts_on;
	if (creating || in->set_ends_on)
		r->ends_on = in->ends_on;
	if (creating || in->set_weekdays)
		r->weekdays = in->weekdays;
	if (creating || in->set_hour_from)
		r->minute_from = in->hour_from;
	if (creating || in->set_hour_to)
		r->minute_to = in->hour_to;
	if (creating || in->set_priority) {
		if (in->priority < -PROMO_MAX_PRIORITY || in->priority > PROMO_MAX_PRIORITY)
			err_field(e, "priority", "must be between %d and %d", -PROMO_MAX_PRIORITY,
			          PROMO_MAX_PRIORITY);
		else
			r->priority = (int)in->priority;
	}
	if (in->exclusive >= 0)
		r->exclusive = in->exclusive;
	else if (creating)
		r->exclusive = 0;
	if (in->active >= 0)
		*active = in->active;
	/* Ranges of everything, once the rule is whole (a field already noted
	 * keeps its first message). */
	struct err ce;
	err_init(&ce);
	promo_rule_check(r, &ce);
	for (int i = 0; i < ce.nfields; i++)
		err_field(e, ce.fields[i].field, "%s", ce.fields[i].message);
}

/* The reference checks a write needs (only the lists it sets). */
static int check_refs(struct db *db, const struct promotion_input *in, const struct promo_rule *r,
                      int creating, int params_new, struct err *e)
{
	int rc = 0;

	if ((creating || in->set_store_ids) &&
	    (rc = db_ids_exist(db, SQL_STORE_EXISTS, "store", "store_ids", r->store_ids, r->nstore_ids,
	                    e)) < 0)
		return rc;
	if ((creating || in->set_product_ids) &&
	    (rc = db_ids_exist(db, SQL_PRODUCT_EXISTS, "product", "product_ids", r->product_ids,
	                    r->nproduct_ids, e)) < 0)
		return rc;
	if ((creating || in->set_category_ids) &&
	    (rc = db_ids_exist(db, SQL_CATEGORY_EXISTS, "category", "category_ids", r->category_ids,
	                    r->ncategory_ids, e)) < 0)
		return rc;
	if (params_new && r->kind == PROMO_GIFT && r->gift.product_id > 0 &&
	    (rc = db_ids_exist(db, SQL_PRODUCT_EXISTS, "product", "params.product_id",
	                    &r->gift.product_id, 1, e)) < 0)
		return rc;
	return 0;
}

/* The JSON text columns of a rule as stored. */
struct promo_row {
	const char *params, *stores, *products, *categories, *tiers, *weekdays;
};

static void row_texts(struct arena *a, const struct promo_rule *r, struct promo_row *w)
{
	json_t *t = tiers_json(r->customer_tiers, r->ncustomer_tiers);

	w->params = json_text(a, params_to_json(r));
	w->stores = jx_ids_text(a, r->store_ids, r->nstore_ids);
	w->products = jx_ids_text(a, r->product_ids, r->nproduct_ids);
	w->categories = jx_ids_text(a, r->category_ids, r->ncategory_ids);
	w->tiers = json_text(a, t);
	w->weekdays = json_text(a, weekdays_json(r->weekdays));
}

/* Binds a minute of the day, NULL when -1. */
static void bind_minute(struct db_stmt *st, int idx, int m)
{
	if (m < 0)
		db_bind_null(st, idx);
	else
		db_bind_int64(st, idx, m);
}

/* Prepares sql, an INSERT or UPDATE whose parameters 1-15 are the rule's
 * columns name, kind, params, store_ids, product_ids, category_ids, tiers,
 * starts_on, ends_on, weekdays, hour_from, hour_to, priority, exclusive,
 * active, and binds those; the caller binds the rest. NULL on error (e
 * filled). */
static struct db_stmt *rule_query(struct db *db, struct arena *a, const char *sql,
                                  const struct promo_rule *r, int active, struct err *e)
{
	struct promo_row w;

	row_texts(a, r, &w);
	struct db_stmt *st =
	    db_query(db, e, sql, "tttttttttt", r->name, promo_kind_name(r->kind), w.params, w.stores,
	             w.products, w.categories, w.tiers, r->starts_on, r->ends_on, w.weekdays);
	if (!st)
		return NULL;
	bind_minute(st, 11, r->minute_from);
	bind_minute(st, 12, r->minute_to);
	db_bind_int64(st, 13, r->priority);
	db_bind_int64(st, 14, r->exclusive);
	db_bind_int64(st, 15, active);
	return st;
}

/* After a create (old NULL) or update of promotion id inside the write
 * transaction: reads it back, writes the audit row (old -> new) and commits;
 * *out = the promotion as stored. 0 or negative (the caller rolls back). */
static int saved(struct db *db, struct arena *a, const struct actor *who, const char *action,
                 int64_t id, const struct promotion *old, struct promotion **out, struct err *e)
{
	struct promotion *p;
	int rc = promotion_get(db, a, id, &p, e);

	if (rc < 0)
		return rc;
	json_t *before = old ? promotion_to_json(old) : NULL, *after = promotion_to_json(p);
	rc = audit_commit(db, who, action, "promotion", id, 0, before, after, e);
	if (rc < 0)
		return rc;
	*out = p;
	return 0;
}

int promotion_create(struct db *db, struct arena *a, const struct actor *who,
                     const struct promotion_input *in, struct promotion **out, struct err *e)
{
	static const char sql[] =
	    "INSERT INTO promotions (name, kind, params, store_ids, product_ids, "
	    "category_ids, tiers, starts_on, ends_on, weekdays, hour_from, hour_to, "
	    "priority, exclusive, active, created_at, updated_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
	struct promo_rule r;
	int active, params_new, rc;
	int64_t now = ts_now_ms();

	build_rule(NULL, in, &r, &active, &params_new, a, e);
	if (e->nfields && e->type_error)
		return err_fields_done(e);
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if (check_refs(db, in, &r, 1, params_new, e) < 0)
		goto fail;
	if (err_fields_done(e) < 0)
		goto fail;
	struct db_stmt *st = rule_query(db, a, sql, &r, active, e);
	if (!st)
		goto fail;
	db_bind_int64(st, 16, now);
	db_bind_int64(st, 17, now);
	if (db_step(st, e) != DB_ROW)
		goto fail;
	int64_t id = db_col_int64(st, 0);
	db_reset(st);
	if (saved(db, a, who, "create", id, NULL, out, e) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

int promotion_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
                     const struct promotion_input *in, struct promotion **out, struct err *e)
{
	static const char sql[] =
	    "UPDATE promotions SET name = ?, kind = ?, params = ?, store_ids = ?, "
	    "product_ids = ?, category_ids = ?, tiers = ?, starts_on = ?, ends_on = ?, "
	    "weekdays = ?, hour_from = ?, hour_to = ?, priority = ?, exclusive = ?, "
	    "active = ?, updated_at = ? WHERE id = ?";
	struct promotion *old;
	struct promo_rule r;
	int active, params_new, rc;

	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if (promotion_get(db, a, id, &old, e) < 0)
		goto fail;
	build_rule(old, in, &r, &active, &params_new, a, e);
	if (check_refs(db, in, &r, 0, params_new, e) < 0)
		goto fail;
	if (err_fields_done(e) < 0)
		goto fail;
	struct db_stmt *st = rule_query(db, a, sql, &r, active, e);
	if (!st)
		goto fail;
	db_bind_int64(st, 16, ts_now_ms());
	db_bind_int64(st, 17, id);
	if (db_run(st, e) < 0)
		goto fail;
	if (saved(db, a, who, "update", id, old, out, e) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

int promotion_deactivate(struct db *db, struct arena *a, const struct actor *who, int64_t id,
                         struct err *e)
{
	static const char sql[] =
	    "UPDATE promotions SET active = 0, updated_at = ? WHERE id = ? AND active = 1";
	struct promotion *old;
	int rc;

	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = promotion_get(db, a, id, &old, e)) < 0)
		goto fail;
	if (old->active) {
		struct db_stmt *st = db_query(db, e, sql, "ii", ts_now_ms(), id);

		if (!st || db_run(st, e) < 0)
			goto fail;
		json_t *before = promotion_to_json(old);
		old->active = 0;
		json_t *after = promotion_to_json(old);
		rc = audit_add(db, who, "deactivate", "promotion", id, 0, before, after, e);
		json_decref(before);
		json_decref(after);
		if (rc < 0)
			goto fail;
	}
	if (db_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

/* ---- for a sale -------------------------------------------------------- */

int promotion_load_active(struct db *db, struct arena *a, const char *day,
                          struct promo_rule **rules, int *n, struct err *e)
{
	/* Stores are left to the engine's scope check (a LIKE on a bound
	 * pattern costs a sale ~15 µs even on an empty table), and so is the
	 * order: promo_apply sorts the rules. */
	static const char sql[] = "SELECT " PROMO_COLS " FROM promotions WHERE active = 1 "
	                          "AND (starts_on IS NULL OR starts_on <= ?) "
	                          "AND (ends_on IS NULL OR ends_on >= ?)";
	static const char sql_gift[] = "SELECT 1 FROM products WHERE id = ? AND active = 1";
	struct db_stmt *st = db_query(db, e, sql, "tt", day, day);
	struct page pg;
	int cnt, rc;

	if (!st)
		return db_fail(e);
	page_init_all(&pg, a, sizeof(struct promo_rule));
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		struct promotion *p;

		if ((rc = promotion_from_row(st, a, &p, e)) < 0)
			break;
		*(struct promo_rule *)page_add(&pg) = p->rule;
	}
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	struct promo_rule *list = pg.rows;
	cnt = pg.n;
	/* Leave out gifts that could not be handed over. */
	for (int i = 0; i < cnt;) {
		if (list[i].kind == PROMO_GIFT) {
			struct db_stmt *g = db_query(db, e, sql_gift, "i", list[i].gift.product_id);

			if (!g)
				return db_fail(e);
			rc = db_step(g, e);
			db_reset(g);
			if (rc < 0)
				return rc;
			if (rc == DB_DONE) {
				memmove(&list[i], &list[i + 1],
				        (size_t)(cnt - i - 1) * sizeof *list);
				cnt--;
				continue;
			}
		}
		i++;
	}
	*rules = list;
	*n = cnt;
	return 0;
}

int promotion_category_chain(struct db *db, struct arena *a, int64_t category_id, int64_t **ids,
                             int *n, struct err *e)
{
	static const char sql[] = "WITH RECURSIVE anc(id, parent_id, depth) AS ("
	                          " SELECT id, parent_id, 0 FROM categories WHERE id = ?"
	                          " UNION ALL"
	                          " SELECT c.id, c.parent_id, anc.depth + 1 FROM categories c"
	                          " JOIN anc ON c.id = anc.parent_id WHERE anc.depth < ?)"
	                          " SELECT id FROM anc ORDER BY depth";
	int cap = 8, rc;

	*n = 0;
	*ids = arena_calloc(a, (size_t)cap, sizeof **ids);
	if (!category_id)
		return 0;
	struct db_stmt *st = db_query(db, e, sql, "ii", category_id, (int64_t)CAT_DEPTH_GUARD);
	if (!st)
		return db_fail(e);
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (*n == cap) {
			int64_t *grown = arena_calloc(a, (size_t)cap * 2, sizeof *grown);

			memcpy(grown, *ids, (size_t)cap * sizeof *grown);
			*ids = grown;
			cap *= 2;
		}
		(*ids)[(*n)++] = db_col_int64(st, 0);
	}
	db_reset(st);
	return rc < 0 ? rc : 0;
}

/* ---- preview ----------------------------------------------------------- */

static const struct promo_rule *rule_by_id(const struct promo_rule *rules, int n, int64_t id)
{
	for (int i = 0; i < n; i++)
		if (rules[i].id == id)
			return &rules[i];
	return NULL;
}

static json_t *preview_json(const struct promotion_preview_input *in,
                            const struct promo_context *ctx, int64_t at,
                            const struct promo_line *lines, const struct promo_rule *rules,
                            int nrules, const struct promo_result *res)
{
	json_t *jl = json_array(), *jg = json_array(), *ja = json_array();

	for (int i = 0; i < res->nlines; i++) {
		const struct promo_line_result *l = &res->lines[i];
		json_t *parts = json_array();

		for (int p = 0; p < l->nparts; p++) {
			const struct promo_rule *r = rule_by_id(rules, nrules, l->parts[p].rule_id);

			json_array_append_new(parts,
			                      json_pack("{s:I,s:o,s:I}", "promotion_id",
			                                (json_int_t)l->parts[p].rule_id, "name",
			                                jx_strn(r ? r->name : NULL), "amount",
			                                (json_int_t)l->parts[p].amount));
		}
		json_array_append_new(
		    jl,
		    json_pack("{s:I,s:o,s:I,s:I,s:I,s:I,s:o,s:o}", "product_id",
		              (json_int_t)lines[i].product_id, "quantity",
		              jx_qty_value(lines[i].quantity), "unit_price",
		              (json_int_t)lines[i].unit_price, "subtotal", (json_int_t)l->gross,
		              "discount", (json_int_t)l->discount, "total", (json_int_t)l->total,
		              "promotion_id", l->rule_id ? json_integer(l->rule_id) : json_null(),
		              "discounts", parts));
	}
	for (int i = 0; i < res->ngifts; i++)
		json_array_append_new(jg,
		                      json_pack("{s:I,s:I,s:o}", "promotion_id",
		                                (json_int_t)res->gifts[i].rule_id, "product_id",
		                                (json_int_t)res->gifts[i].product_id, "quantity",
		                                jx_qty_value(res->gifts[i].quantity)));
	for (int i = 0; i < res->napplied; i++) {
		const struct promo_rule *r = rule_by_id(rules, nrules, res->applied[i].rule_id);

		json_array_append_new(ja, json_pack("{s:I,s:o,s:o,s:I,s:b}", "id",
		                                    (json_int_t)res->applied[i].rule_id, "name",
		                                    jx_strn(r ? r->name : NULL), "kind",
		                                    jx_strn(r ? promo_kind_name(r->kind) : NULL),
		                                    "amount", (json_int_t)res->applied[i].amount,
		                                    "gift", res->applied[i].gift));
	}
	return json_pack("{s:I,s:o,s:o,s:s,s:i,s:o,s:o,s:o,s:o,s:I,s:I,s:I}", "store_id",
	                 (json_int_t)in->store_id, "customer_tier", jx_strn(in->customer_tier),
	                 "at", jx_time(at), "day", ctx->day, "weekday", ctx->weekday, "time",
	                 hhmm(ctx->minute), "lines", jl, "gifts", jg, "promotions", ja, "subtotal",
	                 (json_int_t)res->subtotal, "discount_total",
	                 (json_int_t)res->discount_total, "total", (json_int_t)res->total);
}

int promotion_preview(struct db *db, struct arena *a, const struct promotion_preview_input *in,
                      json_t **out, struct err *e)
{
	struct promo_context ctx = {0};
	struct promo_line *lines;
	struct promo_rule *rules;
	struct promo_result res;
	int nrules, rc;
	int64_t at = in->at ? in->at : ts_now_ms();
	char f[64];

	if (in->store_id > 0 &&
	    (rc = db_ids_exist(db, SQL_STORE_EXISTS, "store", "store_id", &in->store_id, 1, e)) < 0)
		return rc;
	if (in->customer_tier && utf8_chars(in->customer_tier) > PROMOTION_TIER_MAX)
		err_field(e, "customer_tier", "must be at most %d characters", PROMOTION_TIER_MAX);
	lines = arena_calloc(a, (size_t)(in->nlines ? in->nlines : 1), sizeof *lines);
	for (int i = 0; i < in->nlines; i++) {
		struct product *p;

		lines[i].product_id = in->lines[i].product_id;
		lines[i].quantity = in->lines[i].quantity;
		if (in->lines[i].quantity <= 0) {
			snprintf(f, sizeof f, "lines[%d].quantity", i);
			err_field(e, f, "must be more than 0");
		}
		if (in->lines[i].product_id <= 0)
			continue; /* noted by the caller */
		snprintf(f, sizeof f, "lines[%d].product_id", i);
		rc = product_get(db, a, in->lines[i].product_id, &p, e);
		if (rc == ERR_NOT_FOUND) {
			e->code = 0;
			e->msg[0] = '\0';
			err_field(e, f, "product %lld does not exist",
			          (long long)in->lines[i].product_id);
			continue;
		}
		if (rc < 0)
			return rc;
		if (!p->active)
			err_field(e, f, "product %lld is not active", (long long)p->id);
		lines[i].unit_price = p->price;
		lines[i].category_id = p->category_id;
		int64_t *chain;
		if ((rc = promotion_category_chain(db, a, p->category_id, &chain,
		                                   &lines[i].ncategory_ids, e)) < 0)
			return rc;
		lines[i].category_ids = chain;
	}
	if (err_fields_done(e) < 0)
		return e->code;
	ctx.store_id = in->store_id;
	ctx.customer_tier = in->customer_tier;
	if (ts_local(at, ctx.day, sizeof ctx.day, &ctx.weekday, &ctx.minute) < 0) {
		err_field(e, "at", "is out of range");
		return err_fields_done(e);
	}
	if ((rc = promotion_load_active(db, a, ctx.day, &rules, &nrules, e)) < 0)
		return rc;
	struct promo_basket b = {lines, in->nlines};
	if ((rc = promo_apply(&b, rules, nrules, &ctx, &res, e)) < 0)
		return rc;
	*out = preview_json(in, &ctx, at, lines, rules, nrules, &res);
	promo_result_release(&res);
	return 0;
}
