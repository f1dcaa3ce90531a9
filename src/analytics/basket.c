/* basket.c: association rules and "bought together" over the sales: the
 * sales' lines are read as baskets (one per sale), mined with
 * analytics/itemsets and answered with the items' names. */
#include "analytics/basket.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/insight.h"
#include "analytics/itemsets.h"
#include "base/jx.h"

/* Ratios to 4 decimals; never NaN or Inf (callers divide by counts >= 1). */
static json_t *r4(double x)
{
	if (!isfinite(x))
		x = 0;
	return json_real(round(x * 10000.0) / 10000.0);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Index of key in sorted keys[0..n), or -1. */
static int64_t find_i64(const int64_t *keys, int64_t n, int64_t key)
{
	const int64_t *p = n ? bsearch(&key, keys, (size_t)n, sizeof *keys, cmp_i64) : NULL;
	return p ? p - keys : -1;
}

/* ---- category levels ---- */

static const char SQL_CATS[] = "SELECT id, parent_id FROM categories ORDER BY id";

struct cats {
	int64_t n;
	int64_t *id, *parent, *bucket; /* sorted by id; bucket: ancestor at level */
};

/* Loads the tree and each category's ancestor at depth level (top = 1; a
 * category shallower than level is its own bucket). */
static int cats_load(struct db *db, int level, struct cats *c, struct err *e)
{
	memset(c, 0, sizeof *c);
	struct db_stmt *st = db_query(db, e, SQL_CATS, "");
	if (!st)
		return db_fail(e);
	int64_t cap = 0;
	int rc;
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (c->n == cap) {
			cap = cap ? cap * 2 : 64;
			c->id = xrealloc(c->id, (size_t)cap * sizeof *c->id);
			c->parent = xrealloc(c->parent, (size_t)cap * sizeof *c->parent);
		}
		c->id[c->n] = db_col_int64(st, 0);
		c->parent[c->n] = db_col_null(st, 1) ? 0 : db_col_int64(st, 1);
		c->n++;
	}
	db_reset(st);
	if (rc < 0)
		return db_fail(e);
	c->bucket = xmalloc((size_t)(c->n ? c->n : 1) * sizeof *c->bucket);
	int64_t path[64];
	for (int64_t i = 0; i < c->n; i++) {
		int depth = 0;
		int64_t at = i;
		/* the path from i up to the root (a cycle stops at 64) */
		while (at >= 0 && depth < 64) {
			path[depth++] = c->id[at];
			at = c->parent[at] ? find_i64(c->id, c->n, c->parent[at]) : -1;
		}
		/* path[depth - 1] is at level 1, path[depth - level] at level */
		c->bucket[i] = depth >= level ? path[depth - level] : c->id[i];
	}
	return 0;
}

static void cats_free(struct cats *c)
{
	free(c->id);
	free(c->parent);
	free(c->bucket);
}

/* ---- rules ---- */

#define SALES_IN_SCOPE "s.day >= ? AND s.day <= ? AND s.status <> 'voided' AND" INSIGHT_SCOPE("s")

static const char SQL_BASKET_LINES[] =
    "SELECT s.id, l.product_id, p.category_id FROM sales s "
    "JOIN sale_lines l ON l.sale_id = s.id JOIN products p ON p.id = l.product_id "
    "WHERE " SALES_IN_SCOPE "ORDER BY s.id";
static const char SQL_BASKET_SALES[] = "SELECT COUNT(*) FROM sales s WHERE " SALES_IN_SCOPE;
static const char SQL_PRODUCT_NAME[] = "SELECT sku, name FROM products WHERE id = ?";
static const char SQL_CATEGORY_NAME[] = "SELECT NULL, name FROM categories WHERE id = ?";

struct names {
	struct db *db;
	struct arena *a;
	const char *sql;
	const int64_t *keys;
	const char **sku, **name; /* by dense index, fetched on first use */
};

static int name_of(struct names *nm, int32_t k, struct err *e)
{
	if (nm->name[k])
		return 0;
	struct db_stmt *st = db_query(nm->db, e, nm->sql, "i", nm->keys[k]);
	if (!st)
		return db_fail(e);
	int rc = db_step(st, e);
	if (rc == DB_ROW) {
		nm->sku[k] = arena_strdup(nm->a, db_col_text(st, 0));
		nm->name[k] = arena_strdup(nm->a, db_col_text(st, 1));
		if (!nm->name[k])
			nm->name[k] = "";
	}
	db_reset(st);
	if (rc < 0)
		return db_fail(e);
	if (!nm->name[k])
		nm->name[k] = ""; /* removed meanwhile */
	return 0;
}

static int side_json(struct names *nm, const int32_t *items, int n, json_t **out, struct err *e)
{
	*out = json_array();
	for (int i = 0; i < n; i++) {
		int rc = name_of(nm, items[i], e);
		if (rc < 0)
			return rc;
		json_t *o = json_object();
		json_object_set_new(o, "id", json_integer(nm->keys[items[i]]));
		json_object_set_new(o, "name", json_string(nm->name[items[i]]));
		json_array_append_new(*out, o);
	}
	return 0;
}

int basket_rules(struct db *db, struct arena *a, const struct basket_rules_query *q, json_t **out,
                 struct err *e)
{
	char from[11], to[11];
	int days = 0;
	*out = NULL;
	insight_period(q->from, q->to, 30, from, to, &days, e);
	if (err_fields_done(e))
		return e->code;

	struct cats cats = {0};
	int64_t *sale = NULL, *key = NULL, nlines = 0, cap = 0, ntx = 0;
	int64_t *keys = NULL, nkeys = 0;
	int32_t *items = NULL;
	size_t *off = NULL;
	struct itemset_list sets = {0};
	struct rule_list rules = {0};
	json_t *list = NULL;
	int rc = insight_snapshot(db, e);
	if (rc < 0)
		return rc;
	if (q->category_level > 0 && (rc = cats_load(db, q->category_level, &cats, e)) < 0)
		goto done;

	struct db_stmt *st = db_query(db, e, SQL_BASKET_SALES, "ttiiii", from, to, q->store_id,
	                              q->store_id, q->scope_user_id, q->scope_user_id);
	if ((rc = db_int(st, &ntx, e)) < 0)
		goto done;
	st = db_query(db, e, SQL_BASKET_LINES, "ttiiii", from, to, q->store_id, q->store_id,
	              q->scope_user_id, q->scope_user_id);
	if (!st) {
		rc = db_fail(e);
		goto done;
	}
	while ((rc = db_step(st, e)) == DB_ROW) {
		int64_t k = db_col_int64(st, 1);
		if (q->category_level > 0) {
			int64_t ci = db_col_null(st, 2)
			                 ? -1
			                 : find_i64(cats.id, cats.n, db_col_int64(st, 2));
			if (ci < 0)
				continue; /* no category: left out at a category level */
			k = cats.bucket[ci];
		}
		if (nlines == cap) {
			cap = cap ? cap * 2 : 1024;
			sale = xrealloc(sale, (size_t)cap * sizeof *sale);
			key = xrealloc(key, (size_t)cap * sizeof *key);
		}
		sale[nlines] = db_col_int64(st, 0);
		key[nlines++] = k;
	}
	db_reset(st);
	if (rc < 0) {
		rc = db_fail(e);
		goto done;
	}

	/* dense item ids; baskets in sale order, then the sales without a line
	 * counted (empty baskets still count in N) */
	keys = xmalloc((size_t)(nlines ? nlines : 1) * sizeof *keys);
	if (nlines > 0) { /* key is NULL when the period sold nothing */
		memcpy(keys, key, (size_t)nlines * sizeof *keys);
		qsort(keys, (size_t)nlines, sizeof *keys, cmp_i64);
	}
	for (int64_t i = 0; i < nlines; i++)
		if (nkeys == 0 || keys[nkeys - 1] != keys[i])
			keys[nkeys++] = keys[i];
	items = xmalloc((size_t)(nlines ? nlines : 1) * sizeof *items);
	int64_t nbask = 0;
	for (int64_t i = 0; i < nlines; i++)
		nbask += i == 0 || sale[i] != sale[i - 1];
	if (nbask > ntx)
		ntx = nbask; /* a sale written between the two reads (SQLite) */
	off = xmalloc((size_t)(ntx + 1) * sizeof *off);
	int64_t t = 0;
	for (int64_t i = 0; i < nlines; i++) {
		if (i == 0 || sale[i] != sale[i - 1])
			off[t++] = (size_t)i;
		items[i] = (int32_t)find_i64(keys, nkeys, key[i]);
	}
	for (; t <= ntx; t++)
		off[t] = (size_t)nlines;

	struct itemset_input in = {items, off, (size_t)ntx};
	struct itemset_opts io = {itemsets_min_count(q->min_support, ntx), BASKET_MAX_SIZE};
	if ((rc = itemsets_mine(&in, &io, &sets, e)) < 0)
		goto done;
	struct rule_opts ro = {q->min_confidence, 0, 0};
	if ((rc = itemsets_rules(&sets, &ro, &rules, e)) < 0)
		goto done;

	struct names nm = {db,
	                   a,
	                   q->category_level > 0 ? SQL_CATEGORY_NAME : SQL_PRODUCT_NAME,
	                   keys,
	                   arena_calloc(a, (size_t)(nkeys ? nkeys : 1), sizeof(char *)),
	                   arena_calloc(a, (size_t)(nkeys ? nkeys : 1), sizeof(char *))};
	list = json_array();
	for (size_t i = 0; i < rules.n && i < (size_t)q->limit; i++) {
		const struct assoc_rule *ru = &rules.rules[i];
		json_t *o = json_object(), *lhs, *rhs;
		json_array_append_new(list, o);
		rc = side_json(&nm, ru->lhs, ru->nlhs, &lhs, e);
		json_object_set_new(o, "antecedent", lhs);
		if (rc < 0)
			goto done;
		rc = side_json(&nm, ru->rhs, ru->nrhs, &rhs, e);
		json_object_set_new(o, "consequent", rhs);
		if (rc < 0)
			goto done;
		json_object_set_new(o, "count", json_integer(ru->count));
		json_object_set_new(o, "support", r4(ru->support));
		json_object_set_new(o, "confidence", r4(ru->confidence));
		json_object_set_new(o, "lift", r4(ru->lift));
	}
	*out = json_object();
	json_object_set_new(*out, "from", json_string(from));
	json_object_set_new(*out, "to", json_string(to));
	json_object_set_new(*out, "store_id",
	                    q->store_id ? json_integer(q->store_id) : json_null());
	json_object_set_new(*out, "category_level", json_integer(q->category_level));
	json_object_set_new(*out, "transactions", json_integer(ntx));
	json_object_set_new(*out, "min_support", json_real(q->min_support));
	json_object_set_new(*out, "min_count", json_integer(io.min_count));
	json_object_set_new(*out, "min_confidence", json_real(q->min_confidence));
	json_object_set_new(*out, "items", list);
	json_object_set_new(*out, "next_cursor", json_null());
	list = NULL;
	rc = 0;
done:
	json_decref(list);
	db_rollback(db);
	rule_list_free(&rules);
	itemset_list_free(&sets);
	cats_free(&cats);
	free(sale);
	free(key);
	free(keys);
	free(items);
	free(off);
	return rc;
}

/* ---- bought together ---- */

static const char SQL_PRODUCT_EXISTS[] = "SELECT 1 FROM products WHERE id = ?";
static const char SQL_WITH_COUNT[] =
    "SELECT COUNT(DISTINCT s.id) FROM sales s JOIN sale_lines l ON l.sale_id = s.id "
    "WHERE l.product_id = ? AND " SALES_IN_SCOPE;
/* each other product of the sales with the product: in how many of them */
static const char SQL_TOGETHER[] =
    "SELECT l2.product_id, COUNT(DISTINCT s.id) FROM sales s "
    "JOIN sale_lines l1 ON l1.sale_id = s.id "
    "JOIN sale_lines l2 ON l2.sale_id = s.id AND l2.product_id <> l1.product_id "
    "WHERE l1.product_id = ? AND " SALES_IN_SCOPE "GROUP BY l2.product_id ORDER BY l2.product_id";
/* in how many sales in scope each of those other products is (one query for
 * all; the inner list, unscoped, is a superset the outer filter trims) */
static const char SQL_TOGETHER_TOTALS[] =
    "SELECT l.product_id, COUNT(DISTINCT s.id) FROM sales s "
    "JOIN sale_lines l ON l.sale_id = s.id WHERE l.product_id IN (SELECT l2.product_id "
    "FROM sale_lines l1 JOIN sale_lines l2 ON l2.sale_id = l1.sale_id "
    "JOIN sales s2 ON s2.id = l1.sale_id WHERE l1.product_id = ? AND s2.day >= ? "
    "AND s2.day <= ?) AND " SALES_IN_SCOPE "GROUP BY l.product_id ORDER BY l.product_id";

struct together {
	int64_t product_id, count, total;
	double confidence, lift;
};

static int by_together(const void *pa, const void *pb)
{
	const struct together *x = pa, *y = pb;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (x->lift != y->lift)
		return x->lift > y->lift ? -1 : 1;
	return (x->product_id > y->product_id) - (x->product_id < y->product_id);
}

int basket_bought_together(struct db *db, struct arena *a, const struct basket_together_query *q,
                           json_t **out, struct err *e)
{
	char from[11], to[11];
	int days = 0;
	*out = NULL;
	insight_period(NULL, NULL, BASKET_TOGETHER_DAYS, from, to, &days, e);
	if (err_fields_done(e))
		return e->code;
	int rc = db_exists(db_query(db, e, SQL_PRODUCT_EXISTS, "i", q->product_id), e);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "no product %lld", (long long)q->product_id);

	struct together *tg = NULL;
	int n = 0, cap = 0;
	int64_t ntx = 0, with = 0;
	json_t *list = NULL;
	if ((rc = insight_snapshot(db, e)) < 0)
		return rc;
	if ((rc = db_int(db_query(db, e, SQL_BASKET_SALES, "ttiiii", from, to, q->store_id,
	                          q->store_id, q->scope_user_id, q->scope_user_id),
	                 &ntx, e)) < 0 ||
	    (rc = db_int(db_query(db, e, SQL_WITH_COUNT, "ittiiii", q->product_id, from, to,
	                          q->store_id, q->store_id, q->scope_user_id, q->scope_user_id),
	                 &with, e)) < 0)
		goto done;
	struct db_stmt *st = db_query(db, e, SQL_TOGETHER, "ittiiii", q->product_id, from, to,
	                              q->store_id, q->store_id, q->scope_user_id, q->scope_user_id);
	if (!st) {
		rc = db_fail(e);
		goto done;
	}
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			tg = xrealloc(tg, (size_t)cap * sizeof *tg);
		}
		tg[n++] = (struct together){db_col_int64(st, 0), db_col_int64(st, 1), 0, 0, 0};
	}
	db_reset(st);
	if (rc < 0) {
		rc = db_fail(e);
		goto done;
	}
	/* both lists by product id: merged */
	st = db_query(db, e, SQL_TOGETHER_TOTALS, "ittttiiii", q->product_id, from, to, from, to,
	              q->store_id, q->store_id, q->scope_user_id, q->scope_user_id);
	if (!st) {
		rc = db_fail(e);
		goto done;
	}
	int j = 0;
	while (j < n && (rc = db_step(st, e)) == DB_ROW) {
		int64_t id = db_col_int64(st, 0);
		while (j < n && tg[j].product_id < id)
			j++;
		if (j < n && tg[j].product_id == id)
			tg[j].total = db_col_int64(st, 1);
	}
	db_reset(st);
	if (rc < 0) {
		rc = db_fail(e);
		goto done;
	}
	for (int i = 0; i < n; i++) {
		/* with >= count >= 1 and total >= count, ntx >= total */
		tg[i].confidence = with > 0 ? (double)tg[i].count / (double)with : 0;
		tg[i].lift =
		    tg[i].total > 0 ? tg[i].confidence * (double)ntx / (double)tg[i].total : 0;
	}
	if (n > 0) /* tg is NULL when nothing was bought with it */
		qsort(tg, (size_t)n, sizeof *tg, by_together);
	list = json_array();
	for (int i = 0; i < n && i < q->limit; i++) {
		st = db_query(db, e, SQL_PRODUCT_NAME, "i", tg[i].product_id);
		if (!st) {
			rc = db_fail(e);
			goto done;
		}
		json_t *o = json_object();
		json_array_append_new(list, o);
		json_object_set_new(o, "product_id", json_integer(tg[i].product_id));
		if ((rc = db_step(st, e)) == DB_ROW) {
			json_object_set_new(o, "sku", jx_strn(db_col_text(st, 0)));
			json_object_set_new(o, "name", jx_strn(db_col_text(st, 1)));
		}
		db_reset(st);
		if (rc < 0) {
			rc = db_fail(e);
			goto done;
		}
		json_object_set_new(o, "count", json_integer(tg[i].count));
		json_object_set_new(o, "confidence", r4(tg[i].confidence));
		json_object_set_new(o, "lift", r4(tg[i].lift));
	}
	*out = json_object();
	json_object_set_new(*out, "product_id", json_integer(q->product_id));
	json_object_set_new(*out, "from", json_string(from));
	json_object_set_new(*out, "to", json_string(to));
	json_object_set_new(*out, "store_id",
	                    q->store_id ? json_integer(q->store_id) : json_null());
	json_object_set_new(*out, "transactions", json_integer(ntx));
	json_object_set_new(*out, "count", json_integer(with));
	json_object_set_new(*out, "items", list);
	json_object_set_new(*out, "next_cursor", json_null());
	list = NULL;
	rc = 0;
done:
	json_decref(list);
	db_rollback(db);
	free(tg);
	return rc;
}
