/* recommend_data.c: reads the purchases behind a customer's
 * recommendations and names the products found (see recommend_data.h). */
#include "analytics/recommend_data.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/recommend.h"
#include "domain/crm/customer_scope.h"

#define DAY_MS 86400000LL

/* A growing int64 array. */
struct ivec {
	int64_t *v;
	int n, cap;
};

static void ivec_push(struct ivec *x, int64_t v)
{
	if (x->n == x->cap) {
		x->cap = x->cap ? x->cap * 2 : 256;
		int64_t *nv = xmalloc((size_t)x->cap * sizeof *nv);
		if (x->n)
			memcpy(nv, x->v, (size_t)x->n * sizeof *nv);
		free(x->v);
		x->v = nv;
	}
	x->v[x->n++] = v;
}

/* The index of id in the sorted ids, or -1. */
static int find(const int64_t *ids, int n, int64_t id)
{
	int lo = 0, hi = n - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		if (ids[mid] == id)
			return mid;
		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

static const char SQL_BUYERS[] =
	"SELECT l.product_id, COUNT(DISTINCT s.customer_id) FROM sales s"
	" JOIN sale_lines l ON l.sale_id = s.id"
	" WHERE s.status <> 'voided' AND s.customer_id IS NOT NULL AND s.at > ?"
	" GROUP BY l.product_id ORDER BY l.product_id";
static const char SQL_BASKET[] =
	"SELECT l.product_id, MAX(s.at) FROM sales s JOIN sale_lines l ON l.sale_id = s.id"
	" WHERE s.customer_id = ? AND s.status <> 'voided' AND s.at > ?"
	" GROUP BY l.product_id ORDER BY l.product_id";
/* Every purchase of the customers who share a product with the basket. */
static const char SQL_NEIGHBOURS[] =
	"SELECT DISTINCT s.customer_id, l.product_id FROM sales s"
	" JOIN sale_lines l ON l.sale_id = s.id"
	" WHERE s.status <> 'voided' AND s.at > ? AND s.customer_id IN ("
	"SELECT s2.customer_id FROM sales s2 JOIN sale_lines l2 ON l2.sale_id = s2.id"
	" WHERE s2.status <> 'voided' AND s2.at > ? AND s2.customer_id IS NOT NULL"
	" AND l2.product_id IN (SELECT l3.product_id FROM sales s3"
	" JOIN sale_lines l3 ON l3.sale_id = s3.id WHERE s3.customer_id = ?"
	" AND s3.status <> 'voided' AND s3.at > ?))"
	" ORDER BY s.customer_id, l.product_id";
static const char SQL_INACTIVE[] = "SELECT id FROM products WHERE active = 0";
static const char SQL_PRODUCT[] = "SELECT sku, name, price FROM products WHERE id = ?";

static double round4(double x)
{
	return round(x * 10000.0) / 10000.0;
}

/* The product's name (in a), or "". */
static const char *product_name(struct db *db, struct arena *a, int64_t id, const char **sku,
				int64_t *price, struct err *e)
{
	struct db_stmt *st = db_query(db, e, SQL_PRODUCT, "i", id);
	const char *name = "";
	if (st && db_step(st, e) == DB_ROW) {
		if (sku)
			*sku = arena_strdup(a, db_col_text(st, 0));
		name = arena_strdup(a, db_col_text(st, 1));
		if (price)
			*price = db_col_int64(st, 2);
	}
	if (st)
		db_reset(st);
	return name ? name : "";
}

int customer_recommendations(struct db *db, struct arena *a, const struct actor *who,
			     int64_t customer_id, int limit, int64_t now, json_t **out,
			     struct err *e)
{
	struct ivec pids = {0}, buyers = {0}, basket = {0}, pairs = {0};
	struct db_stmt *st;
	int rc;
	int64_t since = now - RECO_WINDOW_DAYS * DAY_MS, recent = now - RECO_RECENT_DAYS * DAY_MS;
	int *start = NULL, *items = NULL, *nbuy = NULL, *bk = NULL;
	unsigned char *exclude = NULL;
	struct reco_item *found = NULL;
	int nfound = 0;

	if ((rc = customer_visible(db, who, customer_id, e)) < 0)
		return rc;
	if (!(st = db_query(db, e, SQL_BUYERS, "i", since)))
		goto fail;
	while ((rc = db_step(st, e)) == DB_ROW) {
		ivec_push(&pids, db_col_int64(st, 0));
		ivec_push(&buyers, db_col_int64(st, 1));
	}
	db_reset(st);
	if (rc < 0)
		goto fail;
	int np = pids.n;
	exclude = xcalloc((size_t)np + 1, 1);
	if (!(st = db_query(db, e, SQL_BASKET, "ii", customer_id, since)))
		goto fail;
	while ((rc = db_step(st, e)) == DB_ROW) {
		int k = find(pids.v, np, db_col_int64(st, 0));
		if (k < 0)
			continue;
		ivec_push(&basket, k);
		if (db_col_int64(st, 1) > recent)
			exclude[k] = 1;
	}
	db_reset(st);
	if (rc < 0)
		goto fail;
	if (!(st = db_query(db, e, SQL_INACTIVE, "")))
		goto fail;
	while ((rc = db_step(st, e)) == DB_ROW) {
		int k = find(pids.v, np, db_col_int64(st, 0));
		if (k >= 0)
			exclude[k] = 1;
	}
	db_reset(st);
	if (rc < 0)
		goto fail;
	if (basket.n) {
		if (!(st = db_query(db, e, SQL_NEIGHBOURS, "iiii", since, since, customer_id, since)))
			goto fail;
		while ((rc = db_step(st, e)) == DB_ROW) {
			ivec_push(&pairs, db_col_int64(st, 0));
			ivec_push(&pairs, db_col_int64(st, 1));
		}
		db_reset(st);
		if (rc < 0)
			goto fail;
		/* customers in a row, as the query orders them */
		int npairs = pairs.n / 2, ncust = 0;
		start = xmalloc(((size_t)npairs + 1) * sizeof *start);
		items = xmalloc(((size_t)npairs + 1) * sizeof *items);
		int nitems = 0;
		for (int i = 0; i < npairs; i++) {
			int k = find(pids.v, np, pairs.v[2 * i + 1]);
			if (i == 0 || pairs.v[2 * i] != pairs.v[2 * i - 2])
				start[ncust++] = nitems;
			if (k >= 0)
				items[nitems++] = k;
		}
		start[ncust] = nitems;
		nbuy = xmalloc(((size_t)np + 1) * sizeof *nbuy);
		for (int i = 0; i < np; i++)
			nbuy[i] = (int)buyers.v[i];
		bk = xmalloc((size_t)basket.n * sizeof *bk);
		for (int i = 0; i < basket.n; i++)
			bk[i] = (int)basket.v[i];
		struct reco_data d = {.ncust = ncust, .nproducts = np, .start = start,
				      .items = items, .buyers = nbuy};
		found = xcalloc((size_t)limit + 1, sizeof *found);
		nfound = reco_item_to_item(&d, bk, basket.n, exclude, limit, found);
		if (nfound < 0)
			nfound = 0;
	}
	json_t *list = json_array();
	for (int i = 0; i < nfound; i++) {
		const char *sku = NULL;
		int64_t price = 0, pid = pids.v[found[i].product];
		const char *name = product_name(db, a, pid, &sku, &price, e);
		json_t *from = json_array();
		for (int k = 0; k < found[i].nfrom; k++) {
			int64_t fid = pids.v[found[i].from[k]];
			json_array_append_new(
				from, json_pack("{s:I,s:s,s:f}", "product_id", (json_int_t)fid, "name",
						product_name(db, a, fid, NULL, NULL, e), "similarity",
						round4(found[i].from_sim[k])));
		}
		json_array_append_new(list, json_pack("{s:I,s:s,s:s,s:I,s:f,s:o}", "product_id",
						      (json_int_t)pid, "sku", sku ? sku : "",
						      "name", name, "price", (json_int_t)price,
						      "score", round4(found[i].score), "from", from));
	}
	*out = json_pack("{s:I,s:i,s:i,s:i,s:o}", "customer_id", (json_int_t)customer_id,
			 "window_days", RECO_WINDOW_DAYS, "recent_days", RECO_RECENT_DAYS,
			 "basket_products", basket.n, "items", list);
	rc = 0;
	goto out;
fail:
	rc = db_fail(e);
out:
	free(pids.v);
	free(buyers.v);
	free(basket.v);
	free(pairs.v);
	free(start);
	free(items);
	free(nbuy);
	free(bk);
	free(exclude);
	free(found);
	return rc;
}
