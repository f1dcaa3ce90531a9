/* commission_calc.c: the pure commission arithmetic of commission_calc.h:
 * rules read and written, line rates, splits and tier bonuses, all in
 * checked integer arithmetic (128-bit intermediates, results bounded by
 * MONEY_MAX). */
#include "domain/staff/commission_calc.h"

#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/jx.h"
#include "base/money.h"

const char *const cc_reason_names[] = {"band", "default", "discount", "margin", "training",
				       NULL};

static const char *const tier_modes[] = {"brackets", "linear", NULL};
static const char *const tier_metrics[] = {"revenue", NULL};
static const char *const bases[] = {"revenue", NULL};

/* a × b ÷ d rounded half away from zero, in 128 bits; -1 when the result
 * leaves ±MONEY_MAX. d > 0. */
static int muldiv_round(int64_t a, int64_t b, int64_t d, int64_t *out)
{
	__int128 n = (__int128)a * b, m = n < 0 ? -n : n;
	__int128 q = (m + d / 2) / d;
	if (q > MONEY_MAX)
		return -1;
	*out = (int64_t)(n < 0 ? -q : q);
	return 0;
}

/* ⌊a × b ÷ d⌋ (toward minus infinity), clamped to int64; d > 0. */
static int64_t muldiv_floor(int64_t a, int64_t b, int64_t d)
{
	__int128 n = (__int128)a * b, q = n / d;
	if (n % d != 0 && n < 0)
		q--;
	if (q > INT64_MAX)
		return INT64_MAX;
	if (q < INT64_MIN)
		return INT64_MIN;
	return (int64_t)q;
}

static void read_band(json_t *o, void *elem, void *ctx, struct err *le)
{
	static const char *const fields[] = {"min_price_bp", "rate_bp", NULL};
	struct cc_band *b = elem;
	jx_no_unknown(o, fields, le);
	jx_int(o, "min_price_bp", JX_REQUIRED, 0, 10000, &b->min_price_bp, le);
	jx_int(o, "rate_bp", JX_REQUIRED, 0, 10000, &b->rate_bp, le);
}

static void read_level(json_t *o, void *elem, void *ctx, struct err *le)
{
	static const char *const fields[] = {"attainment_bp", "amount", "rate_bp", NULL};
	struct cc_level *l = elem;
	const int *by_rate = ctx;
	jx_no_unknown(o, fields, le);
	jx_int(o, "attainment_bp", JX_REQUIRED, 0, 1000000, &l->attainment_bp, le);
	if (*by_rate) {
		jx_int(o, "rate_bp", JX_REQUIRED, 0, 10000, &l->rate_bp, le);
		if (jx_present(o, "amount"))
			err_field(le, "amount", "give every level an amount or every level a rate_bp");
	} else {
		jx_money(o, "amount", JX_REQUIRED, 0, &l->amount, le);
	}
}

static void read_tiers(json_t *t, struct arena *a, struct cc_rules *r, struct err *e)
{
	static const char *const fields[] = {"mode", "metric", "levels", NULL};
	const char *mode = NULL, *metric = NULL;
	void *items;
	jx_no_unknown(t, fields, e);
	jx_enum(t, "mode", JX_REQUIRED, tier_modes, &mode, e);
	jx_enum(t, "metric", 0, tier_metrics, &metric, e);
	json_t *levels = json_object_get(t, "levels"), *first;
	/* The first level decides: amounts or rates. */
	r->tier_by_rate = json_is_array(levels) && (first = json_array_get(levels, 0)) &&
			  json_is_object(first) && json_object_get(first, "rate_bp") &&
			  !json_object_get(first, "amount");
	int n = jx_objects(t, "levels", JX_REQUIRED, CC_MAX_LEVELS, a, sizeof(struct cc_level),
			   &items, read_level, &r->tier_by_rate, e);
	if (n < 0)
		return;
	if (n == 0)
		err_field(e, "levels", "must hold at least one level");
	memcpy(r->levels, items, (size_t)n * sizeof *r->levels);
	r->nlevels = n;
	for (int i = 1; i < n; i++)
		if (r->levels[i].attainment_bp <= r->levels[i - 1].attainment_bp) {
			char f[48];
			snprintf(f, sizeof f, "levels[%d].attainment_bp", i);
			err_field(e, f, "levels must rise: above the level before");
		}
	r->tier_mode = mode && strcmp(mode, "linear") == 0 ? CC_TIERS_LINEAR : CC_TIERS_BRACKETS;
}

void cc_rules_read(json_t *o, const char *prefix, struct cc_rules *r, struct err *e)
{
	static const char *const fields[] = {"base", "discount_bands", "default_rate_bp",
					     "margin_floor_bp", "tiers", "pool_bp",
					     "clawback_days", "require_training", NULL};
	struct err le;
	err_init(&le);
	memset(r, 0, sizeof *r);
	r->clawback_days = 30;
	if (!json_is_object(o)) {
		err_type(e, prefix, "an object");
		return;
	}
	const char *base = NULL;
	void *items;
	struct arena *a = arena_new(); /* the items read, copied into r */
	jx_no_unknown(o, fields, &le);
	jx_enum(o, "base", 0, bases, &base, &le);
	int n = jx_objects(o, "discount_bands", 0, CC_MAX_BANDS, a, sizeof(struct cc_band),
			   &items, read_band, NULL, &le);
	if (n > 0) {
		memcpy(r->bands, items, (size_t)n * sizeof *r->bands);
		r->nbands = n;
		for (int i = 1; i < n; i++)
			if (r->bands[i].min_price_bp >= r->bands[i - 1].min_price_bp) {
				char f[48];
				snprintf(f, sizeof f, "discount_bands[%d].min_price_bp", i);
				err_field(&le, f, "bands are sorted from the highest price down");
			}
	}
	jx_int(o, "default_rate_bp", 0, 0, 10000, &r->default_rate_bp, &le);
	r->has_margin_floor =
		jx_int(o, "margin_floor_bp", 0, -10000, 10000, &r->margin_floor_bp, &le);
	json_t *t = json_object_get(o, "tiers");
	if (t && !json_is_null(t)) {
		if (!json_is_object(t)) {
			err_type(&le, "tiers", "an object {mode, metric, levels}");
		} else {
			struct err te;
			err_init(&te);
			read_tiers(t, a, r, &te);
			err_merge(&le, &te, "tiers.");
		}
	}
	jx_int(o, "pool_bp", 0, 0, 10000, &r->pool_bp, &le);
	jx_int(o, "clawback_days", 0, 0, 3660, &r->clawback_days, &le);
	jx_bool(o, "require_training", 0, &r->require_training, &le);
	char p[64];
	snprintf(p, sizeof p, "%s.", prefix);
	err_merge(e, &le, p);
	arena_free(a);
}

json_t *cc_rules_to_json(const struct cc_rules *r)
{
	json_t *bands = json_array();
	for (int i = 0; i < r->nbands; i++)
		json_array_append_new(bands, json_pack("{s:I,s:I}", "min_price_bp",
						       (json_int_t)r->bands[i].min_price_bp,
						       "rate_bp", (json_int_t)r->bands[i].rate_bp));
	json_t *tiers = json_null();
	if (r->tier_mode != CC_TIERS_NONE) {
		json_t *levels = json_array();
		for (int i = 0; i < r->nlevels; i++) {
			const struct cc_level *l = &r->levels[i];
			json_array_append_new(levels, json_pack("{s:I,s:I}", "attainment_bp",
				(json_int_t)l->attainment_bp, r->tier_by_rate ? "rate_bp" : "amount",
				(json_int_t)(r->tier_by_rate ? l->rate_bp : l->amount)));
		}
		tiers = json_pack("{s:s,s:s,s:o}", "mode",
				  r->tier_mode == CC_TIERS_LINEAR ? "linear" : "brackets", "metric",
				  "revenue", "levels", levels);
	}
	return json_pack("{s:s,s:o,s:I,s:o,s:o,s:I,s:I,s:b}", "base", "revenue",
			 "discount_bands", bands, "default_rate_bp",
			 (json_int_t)r->default_rate_bp, "margin_floor_bp",
			 r->has_margin_floor ? json_integer(r->margin_floor_bp) : json_null(),
			 "tiers", tiers, "pool_bp", (json_int_t)r->pool_bp, "clawback_days",
			 (json_int_t)r->clawback_days, "require_training", r->require_training);
}

static int in_range(int64_t v)
{
	return v >= -MONEY_MAX && v <= MONEY_MAX;
}

static int overflow(struct err *e)
{
	return err_set(e, ERR_INVALID, "the commission overflows");
}

/* amount = base × rate; pool = amount × pool_bp; own = the rest. */
static int apply_rate(const struct cc_rules *r, int64_t base, int64_t rate_bp,
		      struct cc_line_result *out, struct err *e)
{
	out->rate_bp = rate_bp;
	if (muldiv_round(base, rate_bp, 10000, &out->amount) < 0 ||
	    muldiv_round(out->amount, r->pool_bp, 10000, &out->pool) < 0 ||
	    money_sub(out->amount, out->pool, &out->own) < 0)
		return overflow(e);
	return 0;
}

int cc_line(const struct cc_rules *r, const struct cc_line *l, struct cc_line_result *out,
	    struct err *e)
{
	memset(out, 0, sizeof *out);
	int64_t net, margin;
	if (!in_range(l->total) || !in_range(l->vat) || !in_range(l->cost) ||
	    l->list_amount < 0 || l->list_amount > MONEY_MAX ||
	    money_sub(l->total, l->vat, &net) < 0 ||
	    money_sub(net, l->cost, &margin) < 0)
		return overflow(e);
	out->price_bp = l->list_amount > 0 ? muldiv_floor(l->total, 10000, l->list_amount) : 10000;
	out->margin_bp = net > 0 ? muldiv_floor(margin, 10000, net) : 0;
	int64_t rate = 0;
	if (l->untrained) {
		out->reason = CC_TRAINING;
	} else if (r->has_margin_floor && net > 0 &&
		   (__int128)margin * 10000 < (__int128)r->margin_floor_bp * net) {
		out->reason = CC_MARGIN;
	} else if (r->nbands == 0) {
		out->reason = CC_DEFAULT;
		rate = r->default_rate_bp;
	} else {
		out->reason = CC_DISCOUNT;
		for (int i = 0; i < r->nbands; i++)
			/* paid ÷ list ≥ min, compared exactly (no list price: full price) */
			if (l->list_amount == 0 ||
			    (__int128)l->total * 10000 >=
				    (__int128)r->bands[i].min_price_bp * l->list_amount) {
				out->reason = CC_BAND;
				rate = r->bands[i].rate_bp;
				break;
			}
	}
	return apply_rate(r, l->total, rate, out, e);
}

int cc_line_return(const struct cc_rules *r, int64_t refund, int64_t rate_bp,
		   struct cc_line_result *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (refund < 0 || refund > MONEY_MAX)
		return overflow(e);
	out->reason = CC_BAND;
	return apply_rate(r, -refund, rate_bp, out, e);
}

int cc_split(int64_t amount, const int64_t *weights, int n, int64_t *parts, struct err *e)
{
	__int128 sum = 0;
	if (n < 1 || n > CC_MAX_PEOPLE || amount < -MONEY_MAX || amount > MONEY_MAX)
		return err_set(e, ERR_INVALID, "cannot split %d ways", n);
	for (int i = 0; i < n; i++) {
		if (weights[i] < 0)
			return err_set(e, ERR_INVALID, "a negative share");
		sum += weights[i];
	}
	if (sum == 0)
		return err_set(e, ERR_INVALID, "no shares to split by");
	int64_t m = amount < 0 ? -amount : amount, left = m;
	__int128 rem[CC_MAX_PEOPLE];
	for (int i = 0; i < n; i++) {
		__int128 x = (__int128)m * weights[i];
		parts[i] = (int64_t)(x / sum);
		rem[i] = x % sum;
		left -= parts[i];
	}
	/* The units left over (fewer than n) to the largest remainders. */
	while (left > 0) {
		int best = 0;
		for (int i = 1; i < n; i++)
			if (rem[i] > rem[best])
				best = i;
		parts[best]++;
		rem[best] = -1;
		left--;
	}
	if (amount < 0)
		for (int i = 0; i < n; i++)
			parts[i] = -parts[i];
	return 0;
}

/* A level's figure for sales: its amount, or its rate of sales. */
static int level_value(const struct cc_rules *r, const struct cc_level *l, int64_t sales,
		       int64_t *out)
{
	if (!r->tier_by_rate) {
		*out = l->amount;
		return 0;
	}
	return muldiv_round(sales, l->rate_bp, 10000, out);
}

int cc_tier(const struct cc_rules *r, int64_t sales, int64_t target, int64_t *attainment_bp,
	    int64_t *bonus, struct err *e)
{
	*bonus = 0;
	*attainment_bp = 0;
	if (sales < -MONEY_MAX || sales > MONEY_MAX || target < 0 || target > MONEY_MAX)
		return overflow(e);
	if (target > 0 && sales > 0)
		*attainment_bp = muldiv_floor(sales, 10000, target);
	int64_t att = *attainment_bp;
	if (r->tier_mode == CC_TIERS_NONE || r->nlevels == 0 || att < r->levels[0].attainment_bp)
		return 0;
	int k = 0; /* the highest level reached */
	while (k + 1 < r->nlevels && att >= r->levels[k + 1].attainment_bp)
		k++;
	if (r->tier_mode == CC_TIERS_BRACKETS || k + 1 == r->nlevels)
		return level_value(r, &r->levels[k], sales, bonus) < 0 ? overflow(e) : 0;
	/* Linear: lo + (hi − lo) × (att − a_lo) ÷ (a_hi − a_lo), one rounding. */
	const struct cc_level *lo = &r->levels[k], *hi = &r->levels[k + 1];
	int64_t span = hi->attainment_bp - lo->attainment_bp, into = att - lo->attainment_bp;
	if (!r->tier_by_rate) {
		int64_t step;
		if (muldiv_round(hi->amount - lo->amount, into, span, &step) < 0 ||
		    money_add(lo->amount, step, bonus) < 0)
			return overflow(e);
		return 0;
	}
	/* rate = r_lo + (r_hi − r_lo) × into ÷ span, applied to sales at once */
	__int128 rate_num = (__int128)lo->rate_bp * span + (__int128)(hi->rate_bp - lo->rate_bp) * into;
	__int128 n = (__int128)sales * rate_num, d = (__int128)10000 * span;
	__int128 m = n < 0 ? -n : n, q = (m + d / 2) / d;
	if (q > MONEY_MAX)
		return overflow(e);
	*bonus = (int64_t)(n < 0 ? -q : q);
	return 0;
}
