/* rollup_report.c: the report rollups written beside the day rollups for
 * every sale, return and void, and the SELECTs that recompute them. */
#include "domain/pos/rollup_report.h"

#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/timeutil.h"

#define ADD(t, c) c " = " t "." c " + excluded." c
#define AMOUNTS(t)                                                             \
	ADD(t, "revenue") ", " ADD(t, "vat") ", " ADD(t, "cost") ", "          \
	ADD(t, "discount") ", " ADD(t, "orders") ", " ADD(t, "units") ", "     \
	ADD(t, "returns") ", " ADD(t, "refunded")
#define COLS "revenue, vat, cost, discount, orders, units, returns, refunded) " \
	"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "

static const char SQL_MONTH_PRODUCT[] =
	"INSERT INTO rollup_month_store_product (month, store_id, product_id, " COLS
	"ON CONFLICT (month, store_id, product_id) DO UPDATE SET "
	AMOUNTS("rollup_month_store_product");
static const char SQL_TREE[] =
	"INSERT INTO rollup_day_store_category_tree (day, store_id, category_id, " COLS
	"ON CONFLICT (day, store_id, category_id) DO UPDATE SET "
	AMOUNTS("rollup_day_store_category_tree");
static const char SQL_MONTH_TREE[] =
	"INSERT INTO rollup_month_store_category_tree (month, store_id, category_id, " COLS
	"ON CONFLICT (month, store_id, category_id) DO UPDATE SET "
	AMOUNTS("rollup_month_store_category_tree");
static const char SQL_HOUR[] =
	"INSERT INTO rollup_day_store_hour (day, store_id, hour, " COLS
	"ON CONFLICT (day, store_id, hour) DO UPDATE SET " AMOUNTS("rollup_day_store_hour");
static const char SQL_BRAND[] =
	"INSERT INTO rollup_day_store_brand (day, store_id, brand, " COLS
	"ON CONFLICT (day, store_id, brand) DO UPDATE SET " AMOUNTS("rollup_day_store_brand");
static const char SQL_PAYMENT[] =
	"INSERT INTO rollup_day_store_payment (day, store_id, method, revenue, orders, returns, "
	"refunded) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (day, store_id, method) DO UPDATE SET "
	ADD("rollup_day_store_payment", "revenue") ", " ADD("rollup_day_store_payment", "orders")
	", " ADD("rollup_day_store_payment", "returns") ", "
	ADD("rollup_day_store_payment", "refunded");

/* One row being summed: keyed by id or by text. */
struct row {
	int64_t id;
	char *text;
	struct rollup_delta d;
};

struct rows {
	struct row *v;
	int n, cap;
};

/* Adds d (amounts; orders, returns only when the row is new: once per key)
 * to the row of (id, text) in g. */
static void rows_add(struct rows *g, int64_t id, const char *text, const struct rollup_delta *d)
{
	for (int i = 0; i < g->n; i++) {
		struct row *x = &g->v[i];
		if (x->id != id || (text && strcmp(x->text, text) != 0))
			continue;
		x->d.revenue += d->revenue;
		x->d.vat += d->vat;
		x->d.cost += d->cost;
		x->d.discount += d->discount;
		x->d.units += d->units;
		x->d.refunded += d->refunded;
		return;
	}
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 16;
		g->v = xrealloc(g->v, (size_t)g->cap * sizeof *g->v);
	}
	g->v[g->n++] = (struct row){.id = id, .text = text ? xstrdup(text) : NULL, .d = *d};
}

static void rows_free(struct rows *g)
{
	for (int i = 0; i < g->n; i++)
		free(g->v[i].text);
	free(g->v);
}

static int by_key(const void *pa, const void *pb)
{
	const struct row *x = pa, *y = pb;
	if (x->text && y->text)
		return strcmp(x->text, y->text);
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Upserts every row of g (in key order) with sql keyed by (period, store,
 * key). */
static int rows_write(struct db *db, const char *sql, const char *period, int64_t store_id,
		      struct rows *g, struct err *e)
{
	if (g->n > 1)
		qsort(g->v, (size_t)g->n, sizeof *g->v, by_key);
	for (int i = 0; i < g->n; i++) {
		const struct row *x = &g->v[i];
		const struct rollup_delta *d = &x->d;
		struct db_stmt *st =
			x->text ? db_query(db, e, sql, "titiiiiiiii", period, store_id, x->text,
					   d->revenue, d->vat, d->cost, d->discount, d->orders,
					   d->units, d->returns, d->refunded)
				: db_query(db, e, sql, "tiiiiiiiiii", period, store_id, x->id,
					   d->revenue, d->vat, d->cost, d->discount, d->orders,
					   d->units, d->returns, d->refunded);
		if (!st || db_run(st, e) < 0)
			return db_fail(e);
	}
	return 0;
}

static int brand_of(struct db *db, int64_t product_id, char *out, size_t n, struct err *e)
{
	static const char sql[] = "SELECT COALESCE(brand, '') FROM products WHERE id = ?";
	struct db_stmt *st = db_query(db, e, sql, "i", product_id);
	if (!st)
		return db_fail(e);
	int rc = db_step(st, e);
	out[0] = 0;
	if (rc == DB_ROW) {
		const char *b = db_col_text(st, 0);
		size_t l = b ? strlen(b) : 0;
		if (l >= n)
			l = n - 1;
		if (l)
			memcpy(out, b, l);
		out[l] = 0;
	}
	db_reset(st);
	return rc < 0 ? db_fail(e) : 0;
}

static int parent_of(struct db *db, int64_t id, int64_t *parent, struct err *e)
{
	static const char sql[] = "SELECT parent_id FROM categories WHERE id = ?";
	struct db_stmt *st = db_query(db, e, sql, "i", id);
	if (!st)
		return db_fail(e);
	int rc = db_step(st, e);
	*parent = rc == DB_ROW ? db_col_int64(st, 0) : 0;
	db_reset(st);
	return rc < 0 ? db_fail(e) : 0;
}

#define MAX_DEPTH 64

/* The lines' rows: month × product, day × brand, day and month × category
 * node. */
static int write_lines(struct db *db, const struct sale_effects *fx, struct err *e)
{
	int64_t sign = fx->kind == SALE_FX_SALE ? 1 : -1;
	int64_t order_sign = fx->kind == SALE_FX_RETURN ? 0 : sign;
	int ret = fx->kind == SALE_FX_RETURN;
	struct rows prod = {0}, brand = {0}, tree = {0};
	char month[8];
	memcpy(month, fx->day, 7);
	month[7] = 0;
	int rc = 0;
	for (int i = 0; i < fx->n && rc == 0; i++) {
		const struct sale_effect_line *l = &fx->lines[i];
		struct rollup_delta d = {.revenue = sign * l->total, .vat = sign * l->vat,
					 .cost = sign * l->cost, .discount = sign * l->discount,
					 .units = sign * l->quantity, .orders = order_sign,
					 .returns = ret, .refunded = ret ? l->total : 0};
		rows_add(&prod, l->product_id, NULL, &d);
		char b[256];
		if ((rc = brand_of(db, l->product_id, b, sizeof b, e)) < 0)
			break;
		rows_add(&brand, 0, b, &d);
		int64_t c = l->category_id;
		for (int depth = 0; c > 0 && depth < MAX_DEPTH && rc == 0; depth++) {
			rows_add(&tree, c, NULL, &d);
			rc = parent_of(db, c, &c, e);
		}
	}
	if (rc == 0)
		rc = rows_write(db, SQL_MONTH_PRODUCT, month, fx->store_id, &prod, e);
	if (rc == 0)
		rc = rows_write(db, SQL_BRAND, fx->day, fx->store_id, &brand, e);
	if (rc == 0)
		rc = rows_write(db, SQL_TREE, fx->day, fx->store_id, &tree, e);
	if (rc == 0)
		rc = rows_write(db, SQL_MONTH_TREE, month, fx->store_id, &tree, e);
	rows_free(&prod);
	rows_free(&brand);
	rows_free(&tree);
	return rc;
}

/* The document's time and its tenders by method: a sale's (and a void's)
 * payments with the cash change taken off, a return's refund tenders. */
static const char SQL_SALE_AT[] = "SELECT at, change_due FROM sales WHERE id = ?";
static const char SQL_RETURN_AT[] = "SELECT at, 0 FROM sale_returns WHERE id = ?";
static const char SQL_SALE_PAYS[] =
	"SELECT method, SUM(amount) FROM sale_payments WHERE sale_id = ? GROUP BY method "
	"ORDER BY method";
static const char SQL_RETURN_PAYS[] =
	"SELECT method, SUM(amount) FROM sale_return_tenders WHERE return_id = ? GROUP BY method "
	"ORDER BY method";

static int write_time_and_pays(struct db *db, const struct sale_effects *fx,
			       const struct rollup_delta *store_row, struct err *e)
{
	int ret = fx->kind == SALE_FX_RETURN;
	int64_t sign = fx->kind == SALE_FX_SALE ? 1 : -1;
	struct db_stmt *st = db_query(db, e, ret ? SQL_RETURN_AT : SQL_SALE_AT, "i", fx->doc_id);
	if (!st)
		return db_fail(e);
	int rc = db_step(st, e);
	int64_t at = rc == DB_ROW ? db_col_int64(st, 0) : 0, change = 0;
	if (rc == DB_ROW)
		change = db_col_int64(st, 1);
	db_reset(st);
	if (rc < 0)
		return db_fail(e);
	char day[11];
	int wd = 0, minute = 0;
	if (ts_local(at, day, sizeof day, &wd, &minute) < 0)
		minute = 0;
	const struct rollup_delta *d = store_row;
	if (!(st = db_query(db, e, SQL_HOUR, "tiiiiiiiiii", fx->day, fx->store_id,
			    (int64_t)(minute / 60), d->revenue, d->vat, d->cost, d->discount,
			    d->orders, d->units, d->returns, d->refunded)) ||
	    db_run(st, e) < 0)
		return db_fail(e);

	struct rows pays = {0};
	if (!(st = db_query(db, e, ret ? SQL_RETURN_PAYS : SQL_SALE_PAYS, "i", fx->doc_id)))
		return db_fail(e);
	while ((rc = db_step(st, e)) == DB_ROW) {
		const char *m = db_col_text(st, 0);
		int64_t amount = db_col_int64(st, 1);
		if (!ret && strcmp(m, "cash") == 0)
			amount -= change;
		struct rollup_delta pd = {.revenue = sign * amount,
					  .orders = ret ? 0 : sign, .returns = ret,
					  .refunded = ret ? amount : 0};
		rows_add(&pays, 0, m, &pd);
	}
	db_reset(st);
	if (rc < 0) {
		rows_free(&pays);
		return db_fail(e);
	}
	rc = 0;
	for (int i = 0; i < pays.n && rc == 0; i++) {
		const struct rollup_delta *p = &pays.v[i].d;
		if (!(st = db_query(db, e, SQL_PAYMENT, "titiiii", fx->day, fx->store_id,
				    pays.v[i].text, p->revenue, p->orders, p->returns,
				    p->refunded)))
			rc = db_fail(e);
		else if (db_run(st, e) < 0)
			rc = db_fail(e);
	}
	rows_free(&pays);
	return rc;
}

int rollup_report_apply(struct db *db, const struct sale_effects *fx,
			const struct rollup_delta *store_row, struct err *e)
{
	int rc = write_lines(db, fx, e);
	return rc < 0 ? rc : write_time_and_pays(db, fx, store_row, e);
}
