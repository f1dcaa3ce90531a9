/* rollup_report.c: the report rollups written beside the day rollups for
 * every sale, return and void, and the SELECTs that recompute them. */
#include "domain/pos/rollup_report.h"

#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/timeutil.h"
#include "domain/pos/rollup_sql.h"

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
static const char SQL_MONTH_ALL_PRODUCT[] =
	"INSERT INTO rollup_month_product (month, product_id, revenue, vat, cost, discount, orders, "
	"units, returns, refunded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
	"ON CONFLICT (month, product_id) DO UPDATE SET " AMOUNTS("rollup_month_product");
static const char SQL_DAY_ALL_PRODUCT[] =
	"INSERT INTO rollup_day_product (day, product_id, revenue, vat, cost, discount, orders, "
	"units, returns, refunded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
	"ON CONFLICT (day, product_id) DO UPDATE SET " AMOUNTS("rollup_day_product");
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
	/* Every store's day and month rows (prod is sorted by rows_write). */
	for (int i = 0; i < prod.n * 2 && rc == 0; i++) {
		const struct rollup_delta *d = &prod.v[i / 2].d;
		struct db_stmt *st = db_query(db, e, i % 2 ? SQL_MONTH_ALL_PRODUCT : SQL_DAY_ALL_PRODUCT,
					      "tiiiiiiiii", i % 2 ? month : fx->day,
					      prod.v[i / 2].id, d->revenue, d->vat, d->cost,
					      d->discount, d->orders, d->units, d->returns,
					      d->refunded);
		if (!st || db_run(st, e) < 0)
			rc = db_fail(e);
	}
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
static const char SQL_SALE_AT[] = "SELECT at, change_due, utc_offset FROM sales WHERE id = ?";
static const char SQL_RETURN_AT[] = "SELECT at, 0, utc_offset FROM sale_returns WHERE id = ?";
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
	int64_t at = rc == DB_ROW ? db_col_int64(st, 0) : 0, change = 0, off = 0;
	if (rc == DB_ROW) {
		change = db_col_int64(st, 1);
		off = db_col_null(st, 2) ? ts_utc_offset(at) : db_col_int64(st, 2);
	}
	db_reset(st);
	if (rc < 0)
		return db_fail(e);
	/* The hour the till's clock showed, in the zone the document was made in. */
	int64_t hour = ((at / 1000 + off) % 86400 + 86400) % 86400 / 3600;
	const struct rollup_delta *d = store_row;
	if (!(st = db_query(db, e, SQL_HOUR, "tiiiiiiiiii", fx->day, fx->store_id,
			    hour, d->revenue, d->vat, d->cost, d->discount,
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

/* ---- recomputation from the stored sales ---- */

/* A line's cost as the sale booked it: unit cost x quantity (thousandths),
 * half up, 0 when the unit cost is unknown. */
#define LINE_COST "CASE WHEN l.unit_cost > 0 THEN (l.unit_cost * l.quantity + 500) / 1000 ELSE 0 END"
/* Every document's line contributions: doc 3 x sale id (the sale), 3 x sale
 * id + 1 (its void), 3 x return id + 2 (a return: its lines' parts with
 * their cash-rounding shares, rx of rollup_sql.h, as the return books
 * them); ord and ret count the document once per key. */
#define LINE_EVENTS                                                            \
	ROLLUP_RETURN_PARTS ", ev AS ("                                        \
	"SELECT 3 * s.id AS doc, s.day, s.store_id, l.product_id, l.category_id, l.total AS revenue, " \
	"l.vat, " LINE_COST " AS cost, l.discount, l.quantity AS units, 0 AS refunded, 1 AS ord, " \
	"0 AS ret FROM sales s JOIN sale_lines l ON l.sale_id = s.id "         \
	"UNION ALL SELECT 3 * s.id + 1, s.day, s.store_id, l.product_id, l.category_id, -l.total, " \
	"-l.vat, -(" LINE_COST "), -l.discount, -l.quantity, 0, -1, 0 FROM sales s "        \
	"JOIN sale_lines l ON l.sale_id = s.id WHERE s.status = 'voided' "     \
	"UNION ALL SELECT 3 * rx.return_id + 2, rx.day, rx.store_id, rx.product_id, "      \
	"rx.category_id, -rx.t, -rx.vat, -rx.cost, -rx.disc, -rx.q, rx.t, 0, 1 FROM rx)"

/* Sums per document and key first (orders once), then per row. */
#define PER_KEY(period, key, from)                                             \
	"SELECT p, store_id, k, SUM(revenue), SUM(vat), SUM(cost), SUM(discount), SUM(ord), " \
	"SUM(units), SUM(ret), SUM(refunded) FROM (SELECT " period " AS p, ev.store_id, " key \
	" AS k, ev.doc, SUM(ev.revenue) AS revenue, SUM(ev.vat) AS vat, SUM(ev.cost) AS cost, " \
	"SUM(ev.discount) AS discount, SUM(ev.units) AS units, SUM(ev.refunded) AS refunded, " \
	"MAX(ev.ord) AS ord, MAX(ev.ret) AS ret FROM " from " GROUP BY " period ", ev.store_id, " \
	key ", ev.doc) d GROUP BY p, store_id, k"

/* Per document and product first (orders once), then per period. */
#define ALL_STORES(period)                                                     \
	"WITH " LINE_EVENTS " SELECT p, k, SUM(revenue), SUM(vat), SUM(cost), SUM(discount), " \
	"SUM(ord), SUM(units), SUM(ret), SUM(refunded) FROM (SELECT " period " AS p, "          \
	"ev.product_id AS k, ev.doc, SUM(ev.revenue) AS revenue, SUM(ev.vat) AS vat, "        \
	"SUM(ev.cost) AS cost, SUM(ev.discount) AS discount, SUM(ev.units) AS units, "        \
	"SUM(ev.refunded) AS refunded, MAX(ev.ord) AS ord, MAX(ev.ret) AS ret FROM ev "       \
	"GROUP BY " period ", ev.product_id, ev.doc) d GROUP BY p, k"
const char rollup_recompute_month_product[] = ALL_STORES("SUBSTR(ev.day, 1, 7)");
const char rollup_recompute_day_product[] = ALL_STORES("ev.day");
const char rollup_recompute_month_store_product[] =
	"WITH " LINE_EVENTS " " PER_KEY("SUBSTR(ev.day, 1, 7)", "ev.product_id", "ev");
const char rollup_recompute_brand[] =
	"WITH " LINE_EVENTS " " PER_KEY("ev.day", "COALESCE(pr.brand, '')",
					"ev JOIN products pr ON pr.id = ev.product_id");
#define ANCESTORS                                                              \
	"anc(cat, up) AS (SELECT id, id FROM categories UNION ALL SELECT a.cat, c.parent_id " \
	"FROM anc a JOIN categories c ON c.id = a.up WHERE c.parent_id IS NOT NULL)"
const char rollup_recompute_category_tree[] =
	"WITH RECURSIVE " ANCESTORS ", " LINE_EVENTS " "
	PER_KEY("ev.day", "anc.up", "ev JOIN anc ON anc.cat = ev.category_id");
const char rollup_recompute_month_category_tree[] =
	"WITH RECURSIVE " ANCESTORS ", " LINE_EVENTS " "
	PER_KEY("SUBSTR(ev.day, 1, 7)", "anc.up", "ev JOIN anc ON anc.cat = ev.category_id");

/* The hour rollup: each document's store row at the hour of its time in the
 * zone it was made in (the current zone, bound as ?, for documents older than
 * the utc_offset column). */
#define HOUR_OF(t) "(((" t ".at / 1000 + COALESCE(" t ".utc_offset, ?)) % 86400 + 86400) % 86400) / 3600"
#define SALE_SUMS                                                              \
	"(SELECT l.sale_id, SUM(l.vat) AS vat, SUM(" LINE_COST ") AS cost, SUM(l.discount) AS discount, " \
	"SUM(l.quantity) AS units FROM sale_lines l GROUP BY l.sale_id) t"
const char rollup_recompute_hour[] =
	"WITH " ROLLUP_RETURN_PARTS " SELECT day, store_id, hour, SUM(revenue), SUM(vat), "
	"SUM(cost), SUM(discount), SUM(orders), SUM(units), SUM(returns), SUM(refunded) FROM ("
	"SELECT s.day, s.store_id, " HOUR_OF("s") " AS hour, s.paid AS revenue, t.vat, t.cost, "
	"t.discount + s.rounding AS discount, 1 AS orders, t.units, 0 AS returns, 0 AS refunded "
	"FROM sales s JOIN " SALE_SUMS " ON t.sale_id = s.id "
	"UNION ALL SELECT s.day, s.store_id, " HOUR_OF("s") ", -s.paid, -t.vat, -t.cost, "
	"-(t.discount + s.rounding), -1, -t.units, 0, 0 FROM sales s JOIN " SALE_SUMS
	" ON t.sale_id = s.id WHERE s.status = 'voided' "
	"UNION ALL SELECT r.day, r.store_id, " HOUR_OF("r") ", -SUM(rx.t - rx.rnd), "
	"-SUM(rx.vat), -SUM(rx.cost), -SUM(rx.disc + rx.rnd), 0, -SUM(rx.q), 1, SUM(rx.t - rx.rnd) "
	"FROM rx JOIN sale_returns r ON r.id = rx.return_id GROUP BY r.id, r.day, r.store_id, r.at, r.utc_offset"
	") h GROUP BY day, store_id, hour";

/* The payment rollup: each sale's tenders (cash less the change), taken
 * back by its void, and each return's refund tenders. */
#define SALE_TENDERS                                                           \
	"(SELECT s.id, s.day, s.store_id, s.status, p.method, SUM(p.amount) - CASE WHEN " \
	"p.method = 'cash' THEN s.change_due ELSE 0 END AS amount FROM sales s "  \
	"JOIN sale_payments p ON p.sale_id = s.id GROUP BY s.id, s.day, s.store_id, s.status, " \
	"p.method, s.change_due) t"
const char rollup_recompute_payment[] =
	"SELECT day, store_id, method, SUM(revenue), SUM(orders), SUM(returns), SUM(refunded) FROM ("
	"SELECT t.day, t.store_id, t.method, t.amount AS revenue, 1 AS orders, 0 AS returns, "
	"0 AS refunded FROM " SALE_TENDERS " "
	"UNION ALL SELECT t.day, t.store_id, t.method, -t.amount, -1, 0, 0 FROM " SALE_TENDERS
	" WHERE t.status = 'voided' "
	"UNION ALL SELECT r.day, r.store_id, x.method, -SUM(x.amount), 0, 1, SUM(x.amount) "
	"FROM sale_returns r JOIN sale_return_tenders x ON x.return_id = r.id "
	"GROUP BY r.id, r.day, r.store_id, x.method) pm GROUP BY day, store_id, method";
