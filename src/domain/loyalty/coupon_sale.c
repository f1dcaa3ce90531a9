/* coupon_sale.c: coupons in a sale (see coupon_sale.h). */
#include "domain/loyalty/coupon_sale.h"

#include <stdio.h>
#include <string.h>

#include "base/money.h"
#include "base/timeutil.h"
#include "domain/loyalty/coupon.h"
#include "domain/promo/promotion.h"

/* 1 if the line's category or one of its ancestors is in t's list. */
static int in_categories(const struct coupon_template *t, const int64_t *chain, int nchain)
{
	if (t->ncategory_ids == 0)
		return 1;
	for (int i = 0; i < nchain; i++)
		for (int k = 0; k < t->ncategory_ids; k++)
			if (chain[i] == t->category_ids[k])
				return 1;
	return 0;
}

/* Why coupon c of template t cannot be used in this sale, or NULL. */
static const char *refusal(struct arena *a, const struct coupon *c,
			   const struct coupon_template *t, int64_t store_id, int64_t customer_id,
			   int64_t at)
{
	int64_t from;
	if (strcmp(c->status, "redeemed") == 0)
		return arena_printf(a, "coupon %s was already used", c->code);
	if (strcmp(c->status, "cancelled") == 0)
		return arena_printf(a, "coupon %s was cancelled", c->code);
	if (strcmp(c->status, "issued") != 0 || c->expires_at <= at)
		return arena_printf(a, "coupon %s has expired", c->code);
	if (t->valid_from && ts_day_start(t->valid_from, &from) == 0 && at < from)
		return arena_printf(a, "coupon %s is valid from %s", c->code, t->valid_from);
	if (!coupon_template_in_store(t, store_id))
		return arena_printf(a, "coupon %s is not valid in this store", c->code);
	if (c->customer_id && !customer_id)
		return arena_printf(a, "coupon %s belongs to a customer: add the customer to the sale",
				    c->code);
	if (c->customer_id && c->customer_id != customer_id)
		return arena_printf(a, "coupon %s belongs to another customer", c->code);
	return NULL;
}

/* The lines t applies to (eligible[i] 1 or 0) and their value. */
static int eligible_lines(struct db *db, struct arena *a, const struct coupon_template *t,
			  const struct coupon_sale_line *lines, int n, int *eligible, int64_t *sum,
			  struct err *e)
{
	*sum = 0;
	for (int i = 0; i < n; i++) {
		const struct coupon_sale_line *l = &lines[i];
		eligible[i] = 0;
		if (l->is_gift || l->value <= 0 || (!t->stackable && l->promoted))
			continue;
		if (t->ncategory_ids) {
			int64_t *chain;
			int nchain, rc;
			if ((rc = promotion_category_chain(db, a, l->category_id, &chain, &nchain, e)) < 0)
				return rc;
			if (!in_categories(t, chain, nchain))
				continue;
		}
		eligible[i] = 1;
		if (money_sum(sum, l->value) < 0)
			return err_set(e, ERR_INVALID, "the sale's total is too large");
	}
	return 0;
}

/* Works out coupon c's share on the eligible lines; a refusal is noted on
 * field f. */
static int give(struct db *db, struct arena *a, const struct coupon_template *t,
		struct coupon_use *u, struct coupon_sale_line *lines, int n, const char *f,
		struct err *e)
{
	int *eligible = arena_calloc(a, (size_t)n, sizeof *eligible);
	int64_t base, d = 0;
	int rc = eligible_lines(db, a, t, lines, n, eligible, &base, e);
	if (rc < 0)
		return rc;
	int is_gift = strcmp(t->kind, "gift") == 0;
	if (base == 0 && (!is_gift || t->ncategory_ids)) {
		err_field(e, f, "coupon %s applies to no line of this sale%s", u->code,
			  t->stackable ? "" : " (it does not combine with promotions)");
		return 0;
	}
	if (base < t->min_spend) {
		err_field(e, f, "coupon %s needs a spend of %lld on the lines it applies to "
				"(%lld so far)", u->code, (long long)t->min_spend, (long long)base);
		return 0;
	}
	if (is_gift) {
		static const char sql[] = "SELECT 1 FROM products WHERE id = ? AND active = 1";
		if ((rc = db_exists(db_query(db, e, sql, "i", t->value), e)) < 0)
			return rc;
		if (!rc)
			err_field(e, f, "coupon %s: its gift is no longer sold", u->code);
		else
			u->gift_product_id = t->value;
		return 0;
	}
	if (strcmp(t->kind, "amount_off") == 0) {
		d = t->value < base ? t->value : base;
	} else {
		if (money_mul_bp(base, t->value, &d) < 0)
			return err_set(e, ERR_INVALID, "the discount overflows");
		if (t->max_discount > 0 && d > t->max_discount)
			d = t->max_discount;
		if (d > base)
			d = base;
	}
	int64_t *w = arena_calloc(a, (size_t)n, sizeof *w);
	u->parts = arena_calloc(a, (size_t)n, sizeof *u->parts);
	for (int i = 0; i < n; i++)
		w[i] = eligible[i] ? lines[i].value : 0;
	if (money_prorate(d, w, n, u->parts) < 0)
		return err_set(e, ERR_INVALID, "the coupon's discount cannot be spread");
	for (int i = 0; i < n; i++)
		lines[i].value -= u->parts[i];
	u->discount = d;
	return 0;
}

int coupon_sale_plan(struct db *db, struct arena *a, const char *const *codes, int ncodes,
		     int64_t store_id, int64_t customer_id, int64_t at,
		     struct coupon_sale_line *lines, int nlines, struct coupon_sale **out,
		     struct err *e)
{
	struct coupon_sale *cs = arena_calloc(a, 1, sizeof *cs);
	cs->at = at;
	*out = cs;
	if (ncodes == 0)
		return 0;
	if (ncodes > COUPON_MAX_PER_SALE) {
		err_field(e, "coupon_codes", "at most %d coupons per sale", COUPON_MAX_PER_SALE);
		return err_fields_done(e);
	}
	cs->uses = arena_calloc(a, (size_t)ncodes, sizeof *cs->uses);
	for (int i = 0; i < ncodes; i++) {
		char f[32];
		struct coupon *c;
		struct coupon_template *t;
		snprintf(f, sizeof f, "coupon_codes[%d]", i);
		int rc = coupon_get_by_code(db, a, codes[i], &c, e);
		if (rc == ERR_NOT_FOUND) {
			e->code = 0;
			e->msg[0] = 0;
			err_field(e, f, "no coupon has the code %.40s", codes[i] ? codes[i] : "");
			continue;
		}
		if (rc < 0 || (rc = coupon_template_get(db, a, c->template_id, &t, e)) < 0)
			return rc;
		int dup = 0;
		for (int k = 0; k < cs->n; k++) {
			if (cs->uses[k].coupon_id == c->id)
				dup = 1;
			else if (cs->uses[k].template_id == t->id)
				dup = 2;
		}
		const char *why = dup == 1 ? arena_printf(a, "coupon %s is given twice", c->code)
				  : dup == 2 ? arena_printf(a, "only one coupon of \"%s\" per sale",
							    t->name)
					     : refusal(a, c, t, store_id, customer_id, at);
		if (why) {
			err_field(e, f, "%s", why);
			continue;
		}
		struct coupon_use *u = &cs->uses[cs->n];
		*u = (struct coupon_use){.coupon_id = c->id, .template_id = t->id, .code = c->code};
		int before = e->nfields;
		if ((rc = give(db, a, t, u, lines, nlines, f, e)) < 0)
			return rc;
		if (e->nfields == before)
			cs->n++;
	}
	return err_fields_done(e);
}

int coupon_sale_redeem(struct db *db, const struct coupon_sale *cs, int64_t sale_id,
		       int64_t store_id, int64_t now, struct err *e)
{
	static const char sql[] =
		"UPDATE coupons SET status = 'redeemed', sale_id = ?, redeemed_at = ?, store_id = ?, "
		"discount = ? WHERE id = ? AND status = 'issued' AND expires_at > ?";
	for (int i = 0; cs && i < cs->n; i++) {
		const struct coupon_use *u = &cs->uses[i];
		struct db_stmt *st = db_query(db, e, sql, "iiiiii", sale_id, now, store_id,
					      u->discount, u->coupon_id, cs->at);
		if (!st || db_run(st, e) < 0)
			return db_fail(e);
		if (db_changes(st) != 1)
			return err_set(e, ERR_CONFLICT, "coupon %s was used meanwhile", u->code);
	}
	return 0;
}

int coupon_sale_give_back(struct db *db, int64_t sale_id, struct err *e)
{
	static const char sql[] =
		"UPDATE coupons SET status = 'issued', sale_id = NULL, redeemed_at = NULL, "
		"store_id = NULL, discount = 0 WHERE sale_id = ? AND status = 'redeemed'";
	struct db_stmt *st = db_query(db, e, sql, "i", sale_id);
	if (!st || db_run(st, e) < 0)
		return db_fail(e);
	return 0;
}
