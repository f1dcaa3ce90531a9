/* promo.c: the promotion engine (see promo.h for the rules it follows):
 * rules in priority order over the basket's current net values, with
 * exact, checked money arithmetic and prorating that loses no fen. */
#include "domain/promo/promo_engine.h"

#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/money.h"
#include "base/timeutil.h"

const char *const promo_kinds[] = {"percent_off",  "amount_off", "buy_x_get_y", "spend_threshold",
                                   "bundle_price", "gift",       NULL};

const char *promo_kind_name(enum promo_kind k)
{
	if ((int)k < PROMO_PERCENT_OFF || (int)k > PROMO_GIFT)
		return NULL;
	return promo_kinds[k - 1];
}

enum promo_kind promo_kind_parse(const char *s)
{
	for (int i = 0; s && promo_kinds[i]; i++)
		if (strcmp(s, promo_kinds[i]) == 0)
			return (enum promo_kind)(i + 1);
	return 0;
}

/* ---- checking a rule --------------------------------------------------- */

static void check_range(struct err *e, const char *field, int64_t v, int64_t min, int64_t max)
{
	if (v < min)
		err_field(e, field, "must be at least %lld", (long long)min);
	else if (v > max)
		err_field(e, field, "must be at most %lld", (long long)max);
}

static void check_ids(struct err *e, const char *field, const int64_t *ids, int n)
{
	for (int i = 0; i < n; i++) {
		if (ids[i] <= 0) {
			err_field(e, field, "must hold positive ids");
			return;
		}
		for (int j = 0; j < i; j++)
			if (ids[j] == ids[i]) {
				err_field(e, field, "lists %lld twice", (long long)ids[i]);
				return;
			}
	}
}

static void check_spend(const struct promo_rule *r, struct err *e)
{
	char f[64];

	if (r->spend.every || r->spend.off) {
		check_range(e, "params.every", r->spend.every, 1, MONEY_MAX);
		check_range(e, "params.off", r->spend.off, 1, MONEY_MAX);
		if (r->spend.off > 0 && r->spend.every > 0 && r->spend.off >= r->spend.every)
			err_field(e, "params.off", "must be less than every");
		if (r->spend.max_off && r->spend.max_off < r->spend.off)
			err_field(e, "params.max_off", "must be at least off");
		if (r->spend.max_off > MONEY_MAX)
			err_field(e, "params.max_off", "must be at most %lld",
			          (long long)MONEY_MAX);
		if (r->spend.ntiers)
			err_field(e, "params.tiers", "give either every and off, or tiers");
		return;
	}
	if (r->spend.max_off)
		err_field(e, "params.max_off", "goes with every and off");
	if (r->spend.ntiers < 1 || !r->spend.tiers) {
		err_field(e, "params.tiers", "is required (or every and off)");
		return;
	}
	if (r->spend.ntiers > PROMO_MAX_TIERS) {
		err_field(e, "params.tiers", "must have at most %d tiers", PROMO_MAX_TIERS);
		return;
	}
	for (int i = 0; i < r->spend.ntiers; i++) {
		const struct promo_tier *t = &r->spend.tiers[i];

		snprintf(f, sizeof f, "params.tiers[%d].threshold", i);
		check_range(e, f, t->threshold, 1, MONEY_MAX);
		if (i && t->threshold <= r->spend.tiers[i - 1].threshold)
			err_field(e, f, "must be greater than the previous tier's");
		snprintf(f, sizeof f, "params.tiers[%d].off", i);
		check_range(e, f, t->off, 1, MONEY_MAX);
		if (t->off > 0 && t->threshold > 0 && t->off >= t->threshold)
			err_field(e, f, "must be less than the threshold");
	}
}

int promo_rule_check(const struct promo_rule *r, struct err *e)
{
	switch (r->kind) {
	case PROMO_PERCENT_OFF:
		check_range(e, "params.percent", r->percent.bp, 1, 10000);
		break;
	case PROMO_AMOUNT_OFF:
		check_range(e, "params.amount", r->amount.value, 1, MONEY_MAX);
		if (r->amount.per != PROMO_PER_UNIT && r->amount.per != PROMO_PER_LINE)
			err_field(e, "params.per", "must be one of: unit, line");
		break;
	case PROMO_BUY_X_GET_Y:
		check_range(e, "params.buy", r->bxgy.buy, 1, PROMO_MAX_GROUP);
		check_range(e, "params.get", r->bxgy.get, 1, PROMO_MAX_GROUP);
		check_range(e, "params.percent", r->bxgy.bp, 1, 10000);
		break;
	case PROMO_SPEND_THRESHOLD:
		check_spend(r, e);
		break;
	case PROMO_BUNDLE_PRICE:
		check_range(e, "params.size", r->bundle.size, 2, PROMO_MAX_GROUP);
		check_range(e, "params.price", r->bundle.price, 1, MONEY_MAX);
		break;
	case PROMO_GIFT:
		if (r->gift.product_id <= 0)
			err_field(e, "params.product_id", "is required");
		check_range(e, "params.quantity", r->gift.quantity, 1, QTY_MAX);
		check_range(e, "params.min_spend", r->gift.min_spend, 0, MONEY_MAX);
		check_range(e, "params.min_quantity", r->gift.min_quantity, 0, QTY_MAX);
		break;
	default:
		err_field(e, "kind",
		          "must be one of: percent_off, amount_off, "
		          "buy_x_get_y, spend_threshold, bundle_price, gift");
	}
	check_ids(e, "store_ids", r->store_ids, r->nstore_ids);
	check_ids(e, "product_ids", r->product_ids, r->nproduct_ids);
	check_ids(e, "category_ids", r->category_ids, r->ncategory_ids);
	for (int i = 0; i < r->ncustomer_tiers; i++) {
		if (!r->customer_tiers[i] || !r->customer_tiers[i][0]) {
			err_field(e, "tiers", "must not hold empty names");
			break;
		}
		for (int j = 0; j < i; j++)
			if (r->customer_tiers[j] &&
			    strcmp(r->customer_tiers[j], r->customer_tiers[i]) == 0)
				err_field(e, "tiers", "lists \"%s\" twice", r->customer_tiers[i]);
	}
	if (r->starts_on && !ts_day_valid(r->starts_on))
		err_field(e, "starts_on", "is not a valid date (YYYY-MM-DD)");
	if (r->ends_on && !ts_day_valid(r->ends_on))
		err_field(e, "ends_on", "is not a valid date (YYYY-MM-DD)");
	else if (r->starts_on && r->ends_on && ts_day_valid(r->starts_on) &&
	         strcmp(r->ends_on, r->starts_on) < 0)
		err_field(e, "ends_on", "must not be before starts_on");
	if (r->weekdays & ~0xFEu)
		err_field(e, "weekdays", "must hold days 1 (Monday) to 7 (Sunday)");
	if (r->minute_from != -1 || r->minute_to != -1) {
		if (r->minute_from == -1)
			err_field(e, "hour_from", "is required with hour_to");
		else if (r->minute_from < 0 || r->minute_from >= PROMO_MINUTES_PER_DAY)
			err_field(e, "hour_from", "must be between 00:00 and 23:59");
		if (r->minute_to == -1)
			err_field(e, "hour_to", "is required with hour_from");
		else if (r->minute_to <= 0 || r->minute_to > PROMO_MINUTES_PER_DAY)
			err_field(e, "hour_to", "must be between 00:01 and 24:00");
		else if (r->minute_from >= 0 && r->minute_to <= r->minute_from)
			err_field(e, "hour_to", "must be later than hour_from");
	}
	check_range(e, "priority", r->priority, -PROMO_MAX_PRIORITY, PROMO_MAX_PRIORITY);
	return err_fields_done(e);
}

/* ---- scope ------------------------------------------------------------- */

static int id_in(int64_t id, const int64_t *ids, int n)
{
	for (int i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

int promo_rule_in_scope(const struct promo_rule *r, const struct promo_context *ctx)
{
	if (r->nstore_ids && !id_in(ctx->store_id, r->store_ids, r->nstore_ids))
		return 0;
	if (r->ncustomer_tiers) {
		int ok = 0;

		for (int i = 0; ctx->customer_tier && i < r->ncustomer_tiers; i++)
			ok |= strcmp(ctx->customer_tier, r->customer_tiers[i]) == 0;
		if (!ok)
			return 0;
	}
	if (r->starts_on && strcmp(ctx->day, r->starts_on) < 0)
		return 0;
	if (r->ends_on && strcmp(ctx->day, r->ends_on) > 0)
		return 0;
	if (r->weekdays && !(r->weekdays & (1u << ctx->weekday)))
		return 0;
	if (r->minute_from >= 0 && (ctx->minute < r->minute_from || ctx->minute >= r->minute_to))
		return 0;
	return 1;
}

/* 1 if the line is in the rule's product/category scope. */
static int line_in_scope(const struct promo_rule *r, const struct promo_line *l)
{
	if (!r->nproduct_ids && !r->ncategory_ids)
		return 1;
	if (id_in(l->product_id, r->product_ids, r->nproduct_ids))
		return 1;
	if (l->category_id && id_in(l->category_id, r->category_ids, r->ncategory_ids))
		return 1;
	for (int i = 0; i < l->ncategory_ids; i++)
		if (id_in(l->category_ids[i], r->category_ids, r->ncategory_ids))
			return 1;
	return 0;
}

/* ---- arithmetic -------------------------------------------------------- */

/* num / den rounded half up (num >= 0, den > 0); -1 past int64. */
static int div_round(__int128 num, __int128 den, int64_t *out)
{
	__int128 q = num / den, r = num % den;

	if (r * 2 >= den)
		q++;
	if (q > INT64_MAX)
		return -1;
	*out = (int64_t)q;
	return 0;
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* Splits amount over the lines in proportion to w (>= 0): each share
 * rounded down, the remainder to the largest weight (first of equals), and
 * past that line's cap to the next largest. amount <= sum of caps and each
 * share's proportional part <= its cap (w <= cap, amount <= sum of w). */
static void spread(int64_t amount, const int64_t *w, const int64_t *cap, int n, int64_t *out)
{
	__int128 sum = 0;
	int64_t given = 0;

	for (int i = 0; i < n; i++)
		sum += w[i];
	for (int i = 0; i < n; i++) {
		out[i] = sum ? (int64_t)((__int128)amount * w[i] / sum) : 0;
		given += out[i];
	}
	for (int64_t rem = amount - given; rem > 0;) {
		int best = -1;

		for (int i = 0; i < n; i++)
			if (w[i] > 0 && out[i] < cap[i] && (best < 0 || w[i] > w[best]))
				best = i;
		if (best < 0)
			break; /* cannot happen: amount <= sum of caps */
		int64_t add = min64(rem, cap[best] - out[best]);
		out[best] += add;
		rem -= add;
	}
}

/* A line in unit-price order: net / quantity, compared exactly. */
struct unit_key {
	int line;
	int64_t net, qty;
};

/* ---- the run ----------------------------------------------------------- */

struct run {
	const struct promo_basket *b;
	struct promo_result *res;
	int64_t *net; /* current net per line */
	unsigned char *locked;
	unsigned char *touch;  /* lines the current rule touched */
	int64_t *disc;         /* the current rule's discount per line */
	int64_t *w, *cap;      /* scratch for spread */
	struct unit_key *keys; /* scratch for unit ordering */
	struct err *e;
};

static int overflow(struct run *x, const struct promo_rule *r, const char *what)
{
	return err_set(x->e, ERR_INVALID, "promotion %lld (%s): %s overflows", (long long)r->id,
	               r->name ? r->name : "", what);
}

static int eligible(struct run *x, const struct promo_rule *r, int i)
{
	return !x->locked[i] && line_in_scope(r, &x->b->lines[i]);
}

static int rule_percent(struct run *x, const struct promo_rule *r)
{
	for (int i = 0; i < x->b->nlines; i++) {
		if (!eligible(x, r, i))
			continue;
		if (div_round((__int128)x->net[i] * r->percent.bp, 10000, &x->disc[i]) < 0)
			return overflow(x, r, "the discount");
		x->disc[i] = min64(x->disc[i], x->net[i]);
		x->touch[i] = x->disc[i] > 0;
	}
	return 0;
}

static int rule_amount(struct run *x, const struct promo_rule *r)
{
	for (int i = 0; i < x->b->nlines; i++) {
		__int128 d = r->amount.value;

		if (!eligible(x, r, i))
			continue;
		if (r->amount.per == PROMO_PER_UNIT) {
			/* amount × quantity / 1000 rounded half up, in 128 bits:
			 * capped by the net below, so it never overflows. */
			d = (__int128)r->amount.value * x->b->lines[i].quantity;
			d = d / QTY_SCALE + (d % QTY_SCALE * 2 >= QTY_SCALE);
		}
		x->disc[i] = d < x->net[i] ? (int64_t)d : x->net[i];
		x->touch[i] = x->disc[i] > 0;
	}
	return 0;
}

static int unit_cmp_asc(const void *pa, const void *pb)
{
	const struct unit_key *a = pa, *b = pb;
	__int128 va = (__int128)a->net * b->qty, vb = (__int128)b->net * a->qty;

	if (va != vb)
		return va < vb ? -1 : 1;
	return a->line < b->line ? -1 : 1;
}

static int unit_cmp_desc(const void *pa, const void *pb)
{
	const struct unit_key *a = pa, *b = pb;
	__int128 va = (__int128)a->net * b->qty, vb = (__int128)b->net * a->qty;

	if (va != vb)
		return va > vb ? -1 : 1;
	return a->line < b->line ? -1 : 1;
}

/* Fills x->keys with the eligible lines holding whole units and a positive
 * net, by unit net (ascending, or descending with desc; ties in line
 * order); returns their count and *units their whole units. */
static int unit_lines(struct run *x, const struct promo_rule *r, int desc, int64_t *units)
{
	int n = 0;

	*units = 0;
	for (int i = 0; i < x->b->nlines; i++) {
		int64_t u = x->b->lines[i].quantity / QTY_SCALE;

		if (!eligible(x, r, i) || u < 1 || x->net[i] <= 0)
			continue;
		x->keys[n].line = i;
		x->keys[n].net = x->net[i];
		x->keys[n].qty = x->b->lines[i].quantity;
		n++;
		*units += u; /* at most nlines × 10^9: cannot overflow */
	}
	qsort(x->keys, (size_t)n, sizeof *x->keys, desc ? unit_cmp_desc : unit_cmp_asc);
	return n;
}

static int rule_bxgy(struct run *x, const struct promo_rule *r)
{
	int64_t units, group = r->bxgy.buy + r->bxgy.get;
	int n = unit_lines(x, r, 0, &units);
	int64_t groups = units / group;
	int64_t free_left = groups * r->bxgy.get, used_left = groups * group;

	for (int k = 0; k < n && used_left > 0; k++) {
		int i = x->keys[k].line;
		int64_t u = x->b->lines[i].quantity / QTY_SCALE;
		int64_t f = min64(u, free_left);

		if (f > 0) {
			__int128 num = (__int128)x->net[i] * f * QTY_SCALE * r->bxgy.bp;
			__int128 den = (__int128)x->b->lines[i].quantity * 10000;

			if (div_round(num, den, &x->disc[i]) < 0)
				return overflow(x, r, "the discount");
			x->disc[i] = min64(x->disc[i], x->net[i]);
			free_left -= f;
		}
		x->touch[i] = 1;
		used_left -= min64(u, used_left);
	}
	return 0;
}

/* The eligible subtotal and quantity; -1 on overflow. */
static int eligible_sums(struct run *x, const struct promo_rule *r, int64_t *subtotal, int64_t *qty,
                         int *count)
{
	*subtotal = *qty = 0;
	*count = 0;
	for (int i = 0; i < x->b->nlines; i++) {
		if (!eligible(x, r, i))
			continue;
		if (money_add(*subtotal, x->net[i], subtotal) < 0 ||
		    money_add(*qty, x->b->lines[i].quantity, qty) < 0)
			return -1;
		(*count)++;
	}
	return 0;
}

static int rule_spend(struct run *x, const struct promo_rule *r)
{
	int64_t s, q, d = 0;
	int cnt;

	if (eligible_sums(x, r, &s, &q, &cnt) < 0)
		return overflow(x, r, "the eligible subtotal");
	if (r->spend.every > 0) {
		if (money_mul(s / r->spend.every, r->spend.off, &d) < 0)
			return overflow(x, r, "the discount");
		if (r->spend.max_off && d > r->spend.max_off)
			d = r->spend.max_off;
	} else {
		for (int t = 0; t < r->spend.ntiers; t++)
			if (s >= r->spend.tiers[t].threshold && r->spend.tiers[t].off > d)
				d = r->spend.tiers[t].off;
	}
	d = min64(d, s);
	if (d <= 0)
		return 0;
	for (int i = 0; i < x->b->nlines; i++) {
		int el = eligible(x, r, i);

		x->w[i] = el ? x->net[i] : 0;
		x->cap[i] = x->w[i];
		x->touch[i] = (unsigned char)el;
	}
	spread(d, x->w, x->cap, x->b->nlines, x->disc);
	return 0;
}

/* Fixed-point unit value (millionths of a minor unit) of line i. */
static __int128 unit_value(struct run *x, int i)
{
	return (__int128)x->net[i] * QTY_SCALE * 1000000 / x->b->lines[i].quantity;
}

static int rule_bundle(struct run *x, const struct promo_rule *r)
{
	int64_t units, size = r->bundle.size, groups = 0, value = 0, d, cost;
	int n = unit_lines(x, r, 1, &units);
	__int128 price = (__int128)r->bundle.price * 1000000;
	int p = 0;
	int64_t left = n ? x->b->lines[x->keys[0].line].quantity / QTY_SCALE : 0;

	/* x->w[i] counts line i's bundled units. */
	for (int i = 0; i < x->b->nlines; i++)
		x->w[i] = 0;
	while (units >= size) {
		int line = x->keys[p].line;

		if (left >= size) {
			/* Groups wholly inside this line: all alike. */
			if (unit_value(x, line) * size <= price)
				break;
			int64_t m = left / size;

			x->w[line] += m * size;
			left -= m * size;
			units -= m * size;
			groups += m;
		} else {
			/* A group across lines: price it before taking it. */
			__int128 sum = 0;
			int64_t need = size, l = left;
			int q = p;

			while (need > 0) {
				int64_t c = min64(l, need);

				sum += unit_value(x, x->keys[q].line) * c;
				need -= c;
				l -= c;
				if (l == 0 && need > 0)
					l = x->b->lines[x->keys[++q].line].quantity / QTY_SCALE;
			}
			if (sum <= price)
				break;
			for (need = size; need > 0;) {
				int64_t c = min64(left, need);

				x->w[x->keys[p].line] += c;
				need -= c;
				left -= c;
				if (left == 0 && need > 0)
					left = x->b->lines[x->keys[++p].line].quantity / QTY_SCALE;
			}
			units -= size;
			groups++;
		}
		if (left == 0 && p + 1 < n)
			left = x->b->lines[x->keys[++p].line].quantity / QTY_SCALE;
	}
	if (!groups)
		return 0;
	/* The value of the bundled units per line, rounded half up. */
	for (int i = 0; i < x->b->nlines; i++) {
		int64_t v = 0;

		if (x->w[i] && div_round((__int128)x->net[i] * x->w[i] * QTY_SCALE,
		                         x->b->lines[i].quantity, &v) < 0)
			return overflow(x, r, "the bundled value");
		x->touch[i] = x->w[i] > 0;
		x->w[i] = x->cap[i] = min64(v, x->net[i]);
		if (money_add(value, x->w[i], &value) < 0)
			return overflow(x, r, "the bundled value");
	}
	if (money_mul(groups, r->bundle.price, &cost) < 0)
		return overflow(x, r, "groups × price");
	d = value - cost;
	if (d <= 0) {
		memset(x->touch, 0, (size_t)x->b->nlines);
		return 0;
	}
	spread(d, x->w, x->cap, x->b->nlines, x->disc);
	return 0;
}

static int rule_gift(struct run *x, const struct promo_rule *r, int *gave)
{
	int64_t s, q;
	int cnt;

	*gave = 0;
	if (eligible_sums(x, r, &s, &q, &cnt) < 0)
		return overflow(x, r, "the eligible subtotal");
	if (!cnt || s < r->gift.min_spend || q < r->gift.min_quantity)
		return 0;
	for (int i = 0; i < x->b->nlines; i++)
		x->touch[i] = (unsigned char)eligible(x, r, i);
	struct promo_gift *g = &x->res->gifts[x->res->ngifts++];
	g->rule_id = r->id;
	g->product_id = r->gift.product_id;
	g->quantity = r->gift.quantity;
	*gave = 1;
	return 0;
}

static void add_part(struct promo_line_result *l, int64_t rule_id, int64_t amount)
{
	for (int i = 0; i < l->nparts; i++)
		if (l->parts[i].rule_id == rule_id) {
			l->parts[i].amount += amount;
			return;
		}
	l->parts = xrealloc(l->parts, (size_t)(l->nparts + 1) * sizeof *l->parts);
	l->parts[l->nparts].rule_id = rule_id;
	l->parts[l->nparts].amount = amount;
	l->nparts++;
}

/* Runs one rule and books what it gave. */
static int run_rule(struct run *x, const struct promo_rule *r)
{
	int nl = x->b->nlines, gave = 0, rc = 0;
	int64_t total = 0;

	memset(x->touch, 0, (size_t)nl);
	for (int i = 0; i < nl; i++)
		x->disc[i] = 0;
	switch (r->kind) {
	case PROMO_PERCENT_OFF:
		rc = rule_percent(x, r);
		break;
	case PROMO_AMOUNT_OFF:
		rc = rule_amount(x, r);
		break;
	case PROMO_BUY_X_GET_Y:
		rc = rule_bxgy(x, r);
		break;
	case PROMO_SPEND_THRESHOLD:
		rc = rule_spend(x, r);
		break;
	case PROMO_BUNDLE_PRICE:
		rc = rule_bundle(x, r);
		break;
	case PROMO_GIFT:
		rc = rule_gift(x, r, &gave);
		break;
	}
	if (rc < 0)
		return rc;
	for (int i = 0; i < nl; i++) {
		int64_t d = min64(x->disc[i], x->net[i]);

		if (d <= 0)
			continue;
		add_part(&x->res->lines[i], r->id, d);
		x->net[i] -= d;
		total += d; /* sum of nets: cannot overflow */
	}
	if (!total && !gave)
		return 0;
	struct promo_applied *ap = &x->res->applied[x->res->napplied++];
	ap->rule_id = r->id;
	ap->amount = total;
	ap->gift = gave;
	if (r->exclusive)
		for (int i = 0; i < nl; i++)
			if (x->touch[i])
				x->locked[i] = 1;
	return 0;
}

static int rule_order(const void *pa, const void *pb)
{
	const struct promo_rule *a = *(const struct promo_rule *const *)pa;
	const struct promo_rule *b = *(const struct promo_rule *const *)pb;

	if (a->priority != b->priority)
		return a->priority > b->priority ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return 0;
}

void promo_result_release(struct promo_result *r)
{
	if (!r)
		return;
	for (int i = 0; r->lines && i < r->nlines; i++)
		free(r->lines[i].parts);
	free(r->lines);
	free(r->gifts);
	free(r->applied);
	memset(r, 0, sizeof *r);
}

/* Checks the basket and computes each line's gross. */
static int basket_check(const struct promo_basket *b, struct promo_result *res, struct err *e)
{
	char f[64];

	if (b->nlines < 0 || (b->nlines && !b->lines))
		return err_set(e, ERR_INVALID, "the basket is malformed");
	for (int i = 0; i < b->nlines; i++) {
		const struct promo_line *l = &b->lines[i];

		if (l->quantity < 1 || l->quantity > QTY_MAX) {
			snprintf(f, sizeof f, "lines[%d].quantity", i);
			err_field(e, f, "must be more than 0 and at most %lld",
			          (long long)(QTY_MAX / QTY_SCALE));
		}
		if (l->unit_price < 0 || l->unit_price > MONEY_MAX) {
			snprintf(f, sizeof f, "lines[%d].unit_price", i);
			err_field(e, f, "must be between 0 and %lld", (long long)MONEY_MAX);
		}
	}
	if (err_fields_done(e))
		return e->code;
	for (int i = 0; i < b->nlines; i++) {
		const struct promo_line *l = &b->lines[i];

		if (money_mul_qty(l->unit_price, l->quantity, &res->lines[i].gross) < 0)
			return err_set(e, ERR_INVALID, "line %d: price × quantity overflows",
			               i + 1);
		if (money_add(res->subtotal, res->lines[i].gross, &res->subtotal) < 0)
			return err_set(e, ERR_INVALID, "the basket's subtotal overflows");
	}
	return 0;
}

static int check_rules(const struct promo_rule *rules, int nrules, struct err *e)
{
	if (nrules < 0 || (nrules && !rules))
		return err_set(e, ERR_INVALID, "the rules are malformed");
	for (int i = 0; i < nrules; i++) {
		struct err re;

		err_init(&re);
		if (promo_rule_check(&rules[i], &re) < 0)
			return err_set(e, ERR_INVALID, "promotion %lld: %s %s",
			               (long long)rules[i].id, re.nfields ? re.fields[0].field : "",
			               re.nfields ? re.fields[0].message : re.msg);
	}
	return 0;
}

int promo_apply(const struct promo_basket *b, const struct promo_rule *rules, int nrules,
                const struct promo_context *ctx, struct promo_result *out, struct err *e)
{
	struct promo_result res = {0};
	struct run x = {0};
	const struct promo_rule **order = NULL;
	int nl = b ? b->nlines : 0, rc;

	memset(out, 0, sizeof *out);
	if (!b || !ctx)
		return err_set(e, ERR_INVALID, "no basket or context");
	if ((rc = check_rules(rules, nrules, e)) < 0)
		return rc;
	res.nlines = nl;
	res.lines = xcalloc((size_t)(nl ? nl : 1), sizeof *res.lines);
	res.gifts = xcalloc((size_t)(nrules ? nrules : 1), sizeof *res.gifts);
	res.applied = xcalloc((size_t)(nrules ? nrules : 1), sizeof *res.applied);
	if ((rc = basket_check(b, &res, e)) < 0)
		goto done;

	size_t n1 = (size_t)(nl ? nl : 1);
	x.b = b;
	x.res = &res;
	x.e = e;
	x.net = xcalloc(n1, sizeof *x.net);
	x.disc = xcalloc(n1, sizeof *x.disc);
	x.w = xcalloc(n1, sizeof *x.w);
	x.cap = xcalloc(n1, sizeof *x.cap);
	x.keys = xcalloc(n1, sizeof *x.keys);
	x.locked = xcalloc(n1, 1);
	x.touch = xcalloc(n1, 1);
	for (int i = 0; i < nl; i++)
		x.net[i] = res.lines[i].gross;

	order = xcalloc((size_t)(nrules ? nrules : 1), sizeof *order);
	for (int i = 0; i < nrules; i++)
		order[i] = &rules[i];
	qsort(order, (size_t)nrules, sizeof *order, rule_order);
	for (int k = 0; k < nrules && nl > 0; k++) {
		if (!promo_rule_in_scope(order[k], ctx))
			continue;
		if ((rc = run_rule(&x, order[k])) < 0)
			goto done;
	}

	for (int i = 0; i < nl; i++) {
		struct promo_line_result *l = &res.lines[i];
		int64_t best = 0;

		l->discount = l->gross - x.net[i];
		l->total = x.net[i];
		for (int p = 0; p < l->nparts; p++)
			if (l->parts[p].amount > best) {
				best = l->parts[p].amount;
				l->rule_id = l->parts[p].rule_id;
			}
		res.discount_total += l->discount; /* <= subtotal */
	}
	res.total = res.subtotal - res.discount_total;
	rc = 0;
done:
	free(order);
	free(x.net);
	free(x.disc);
	free(x.w);
	free(x.cap);
	free(x.keys);
	free(x.locked);
	free(x.touch);
	if (rc < 0)
		promo_result_release(&res);
	else
		*out = res;
	return rc;
}
