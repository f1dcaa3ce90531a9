/* price_history.c: the price and cost history of a product, built from the
 * audit log, which records every change of a product with its values before
 * and after (edits, imports, and the moving-average cost of receipts). */
#include "domain/catalog/price_history.h"

#include <jansson.h>
#include <string.h>

#include "domain/catalog/product.h"
#include "domain/org/audit.h"

#define SCAN_BATCH 200

/* Reads key from a stored summary: 1 and *v (-1 for null) when the key is
 * there, 0 when the summary lacks it. */
static int summary_money(json_t *o, const char *key, int64_t *v)
{
	json_t *x = o ? json_object_get(o, key) : NULL;

	if (!x)
		return 0;
	*v = json_is_integer(x) ? (int64_t)json_integer_value(x) : -1;
	return 1;
}

/* Fills c from one audit row; 1 when price or cost changed in it. */
static int change_from_row(const struct audit_row *r, struct price_change *c)
{
	json_t *b = r->before ? json_loads(r->before, 0, NULL) : NULL;
	json_t *f = r->after ? json_loads(r->after, 0, NULL) : NULL;
	int64_t pb = -1, pa = -1, cb = -1, ca = -1;
	int hb, ha;

	memset(c, 0, sizeof(*c));
	if (f) { /* a delete has no after: nothing changed in price */
		ha = summary_money(f, "price", &pa);
		hb = summary_money(b, "price", &pb);
		c->price_changed = ha && (!hb || pa != pb);
		ha = summary_money(f, "cost", &ca);
		hb = summary_money(b, "cost", &cb);
		/* A new product without a cost is no change of cost. */
		c->cost_changed = ha && (hb ? ca != cb : ca >= 0);
	}
	json_decref(b);
	json_decref(f);
	c->id = r->id;
	c->at = r->at;
	c->username = r->username;
	c->action = r->action;
	c->price_before = c->price_changed ? pb : -1;
	c->price_after = c->price_changed ? pa : -1;
	c->cost_before = c->cost_changed ? cb : -1;
	c->cost_after = c->cost_changed ? ca : -1;
	return c->price_changed || c->cost_changed;
}

int product_price_history(struct db *db, struct arena *a, int64_t id, int64_t before_id,
			  int limit, struct price_change **out, int *n, int *more,
			  struct err *e)
{
	struct audit_filter f = {.entity = "product", .entity_id = id,
				 .before_id = before_id, .limit = SCAN_BATCH};
	struct price_change *res = arena_alloc(a, sizeof(*res) * (size_t)(limit + 1));
	struct product *p;
	int got = 0, rc;

	*out = res;
	*n = 0;
	*more = 0;
	if ((rc = product_get(db, a, id, &p, e)) < 0)
		return rc;
	/* Audit rows of the product, newest first, a batch at a time, until one
	 * change past the page is found (that is *more) or the log ends. */
	for (;;) {
		struct audit_row *rows;
		int nr, rmore;

		if ((rc = audit_list(db, a, &f, &rows, &nr, &rmore, e)) < 0)
			return rc;
		for (int i = 0; i < nr && got <= limit; i++)
			if (change_from_row(&rows[i], &res[got]))
				got++;
		if (got > limit || !rmore || !nr)
			break;
		f.before_id = rows[nr - 1].id;
	}
	*more = got > limit;
	*n = got > limit ? limit : got;
	return 0;
}
