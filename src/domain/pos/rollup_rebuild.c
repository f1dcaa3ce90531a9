/* rollup_rebuild.c: every rollup recomputed from the stored sales and
 * returns, exactly as sale_effects.c adds them up sale by sale: to fill them
 * after a bulk load and to check them (tersa check-db). */
#include "domain/pos/rollup_rebuild.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "domain/pos/rollup_customer.h"
#include "domain/pos/rollup_report.h"
#include "domain/pos/rollup_sql.h"

/* A line's cost as the sale counted it: a known positive unit cost × units,
 * rounded half up (money_mul_qty). */
#define LINE_COST "CASE WHEN l.unit_cost > 0 THEN (l.unit_cost * l.quantity + 500) / 1000 ELSE 0 END"

/* Integer arithmetic throughout: PostgreSQL's SUM of bigint is numeric, so
 * every sum that is divided later is cast back to BIGINT. */
/* The returned lines' parts (rx: return_id, day, store_id, staff_id,
 * product_id, category_id, q, t, rnd, disc, vat, cost). */
#define RETURNS_CTE "WITH " ROLLUP_RETURN_PARTS " "

#define SUMS(k)                                                                            \
	"SELECT " k ", CAST(SUM(revenue) AS BIGINT) AS revenue, CAST(SUM(vat) AS BIGINT) AS vat, " \
	"CAST(SUM(cost) AS BIGINT) AS cost, CAST(SUM(discount) AS BIGINT) AS discount, "    \
	"CAST(SUM(orders) AS BIGINT) AS orders, CAST(SUM(units) AS BIGINT) AS units"

/* Day × store (and × staff): each sale that was not voided counts once, its
 * revenue what was paid (the rounding is discount); each return takes back
 * what it refunded, on its own day. */
#define SALE_ROWS(k, kexpr, extra, gb)                                                        \
	"SELECT s.day, s.store_id, " kexpr " AS " k ", SUM(l.total) - s.rounding AS revenue, " \
	"SUM(l.vat) AS vat, SUM(" LINE_COST ") AS cost, "                                  \
	"SUM(l.discount) + s.rounding AS discount, 1 AS orders, SUM(l.quantity) AS units"   \
	extra " FROM sales s JOIN sale_lines l ON l.sale_id = s.id WHERE s.status <> 'voided' " \
	"GROUP BY s.id, s.day, s.store_id, s.rounding" gb
#define RETURN_ROWS(k, extra, gb)                                                             \
	"SELECT day, store_id, " k ", -SUM(t - rnd) AS revenue, -SUM(vat) AS vat, "         \
	"-SUM(cost) AS cost, -SUM(disc + rnd) AS discount, 0 AS orders, -SUM(q) AS units"   \
	extra " FROM rx GROUP BY return_id, day, store_id" gb

static const char SEL_STORE[] =
	RETURNS_CTE SUMS("day, store_id") ", CAST(SUM(returns) AS BIGINT) AS returns, "
	"CAST(SUM(refunded) AS BIGINT) AS refunded FROM ("
	SALE_ROWS("one", "0", ", 0 AS returns, 0 AS refunded", "") " UNION ALL "
	RETURN_ROWS("0 AS one", ", 1 AS returns, SUM(t - rnd) AS refunded", "")
	") u GROUP BY day, store_id";

static const char SEL_STAFF[] =
	RETURNS_CTE SUMS("day, store_id, user_id") ", CAST(SUM(returns) AS BIGINT) AS returns, "
	"CAST(SUM(refunded) AS BIGINT) AS refunded FROM ("
	SALE_ROWS("user_id", "COALESCE(s.salesperson_id, s.cashier_id)",
		  ", 0 AS returns, 0 AS refunded", ", COALESCE(s.salesperson_id, s.cashier_id)")
	" UNION ALL "
	RETURN_ROWS("staff_id", ", 1 AS returns, SUM(t - rnd) AS refunded", ", staff_id")
	") u WHERE user_id <> 0 GROUP BY day, store_id, user_id";

/* Day × store × product (and × category): a sale counts once per product
 * (per category), with the amounts of its lines; a return takes back the
 * parts of its lines and counts once per product (category), refunding the
 * lines' parts before the cash rounding. */
#define LINE_ROWS(k, kexpr)                                                               \
	"SELECT s.day, s.store_id, " kexpr " AS " k ", SUM(l.total) AS revenue, "           \
	"SUM(l.vat) AS vat, SUM(" LINE_COST ") AS cost, SUM(l.discount) AS discount, "      \
	"1 AS orders, SUM(l.quantity) AS units, 0 AS returns, 0 AS refunded "              \
	"FROM sales s JOIN sale_lines l ON l.sale_id = s.id WHERE s.status <> 'voided' GROUP BY s.id, s.day, s.store_id, " kexpr
#define RETURN_LINE_ROWS(k, kexpr)                                                        \
	"SELECT day, store_id, " kexpr " AS " k ", -SUM(t) AS revenue, -SUM(vat) AS vat, "  \
	"-SUM(cost) AS cost, -SUM(disc) AS discount, 0 AS orders, -SUM(q) AS units, "       \
	"1 AS returns, SUM(t) AS refunded FROM rx GROUP BY return_id, day, store_id, " kexpr
#define RETURN_SUMS                                                                       \
	", CAST(SUM(returns) AS BIGINT) AS returns, CAST(SUM(refunded) AS BIGINT) AS refunded"

static const char SEL_PRODUCT[] =
	RETURNS_CTE SUMS("day, store_id, product_id") RETURN_SUMS " FROM ("
	LINE_ROWS("product_id", "l.product_id") " UNION ALL "
	RETURN_LINE_ROWS("product_id", "product_id")
	") u GROUP BY day, store_id, product_id";

static const char SEL_CATEGORY[] =
	RETURNS_CTE SUMS("day, store_id, category_id") RETURN_SUMS " FROM ("
	LINE_ROWS("category_id", "COALESCE(l.category_id, 0)") " UNION ALL "
	RETURN_LINE_ROWS("category_id", "category_id")
	") u GROUP BY day, store_id, category_id";

#define AMOUNTS "revenue, vat, cost, discount, orders, units, returns, refunded"

/* Every rollup: the day rollups above, the report rollups (rollup_report.c)
 * and the customer rollup (rollup_customer.c), whose SELECTs live beside
 * the code that writes them. */
const struct rollup_def rollup_defs[] = {
	{"rollup_day_store", "day, store_id, " AMOUNTS, 2, SEL_STORE, 0},
	{"rollup_day_store_product", "day, store_id, product_id, " AMOUNTS, 3, SEL_PRODUCT, 0},
	{"rollup_day_store_category", "day, store_id, category_id, " AMOUNTS, 3, SEL_CATEGORY, 0},
	{"rollup_day_store_staff", "day, store_id, user_id, " AMOUNTS, 3, SEL_STAFF, 0},
	{"rollup_day_store_hour", "day, store_id, hour, " AMOUNTS, 3, rollup_recompute_hour, 3},
	{"rollup_day_store_payment", "day, store_id, method, revenue, orders, returns, refunded", 3,
	 rollup_recompute_payment, 0},
	{"rollup_day_store_brand", "day, store_id, brand, " AMOUNTS, 3, rollup_recompute_brand, 0},
	{"rollup_day_store_category_tree", "day, store_id, category_id, " AMOUNTS, 3,
	 rollup_recompute_category_tree, 0},
	{"rollup_month_store_product", "month, store_id, product_id, " AMOUNTS, 3,
	 rollup_recompute_month_store_product, 0},
	{"rollup_month_store_category_tree", "month, store_id, category_id, " AMOUNTS, 3,
	 rollup_recompute_month_category_tree, 0},
	{"rollup_month_product", "month, product_id, " AMOUNTS, 2, rollup_recompute_month_product, 0},
	{"rollup_day_product", "day, product_id, " AMOUNTS, 2, rollup_recompute_day_product, 0},
	{"rollup_day_store_customer", "day, store_id, customer_id, orders, revenue", 3,
	 rollup_customer_recompute, 0},
};
const int rollup_ndefs = (int)(sizeof rollup_defs / sizeof *rollup_defs);

/* The SQL texts are built once per process and kept (db_prepare caches
 * statements by their text's address). */
static char *sql_rebuild[sizeof rollup_defs / sizeof *rollup_defs];
static char *sql_check[sizeof rollup_defs / sizeof *rollup_defs];

/* "NOT (a = 0 AND b = 0 ...)" over the amount columns of d. */
static void nonzero(struct buf *b, const struct rollup_def *d)
{
	const char *c = d->columns;
	for (int k = 0; k < d->keys; k++)
		c = strchr(c, ',') + 1;
	buf_printf(b, "NOT (");
	int first = 1;
	while (*c) {
		while (*c == ' ')
			c++;
		size_t n = strcspn(c, ",");
		buf_printf(b, "%s%.*s = 0", first ? "" : " AND ", (int)n, c);
		first = 0;
		c += n;
		if (*c == ',')
			c++;
	}
	buf_printf(b, ")");
}

static void build(void)
{
	if (sql_rebuild[0])
		return;
	for (int i = 0; i < rollup_ndefs; i++) {
		const struct rollup_def *d = &rollup_defs[i];
		struct buf b;
		buf_init(&b, 0);
		buf_printf(&b, "INSERT INTO %s (%s) %s", d->table, d->columns, d->select);
		sql_rebuild[i] = buf_detach(&b, NULL);
		/* The rows only one side has, each with its side (0: stored, not
		 * what the sales give; 1: recomputed, not stored so) last, in key
		 * order:
		 * both sides in one GROUP BY, so that the recomputation runs once
		 * (x names the recomputed columns as the table's). */
		buf_init(&b, 0);
		buf_printf(&b, "WITH x (%s) AS (%s) SELECT %s, MIN(side) FROM (SELECT %s, 0 AS side "
			   "FROM %s WHERE ", d->columns, d->select, d->columns, d->columns, d->table);
		nonzero(&b, d);
		buf_printf(&b, " UNION ALL SELECT %s, 1 FROM x WHERE ", d->columns);
		nonzero(&b, d);
		buf_printf(&b, ") u GROUP BY %s HAVING COUNT(*) = 1 ORDER BY ", d->columns);
		for (int k = 1; k <= d->keys; k++)
			buf_printf(&b, "%d, ", k);
		buf_printf(&b, "%d", d->keys + 1);
		sql_check[i] = buf_detach(&b, NULL);
	}
}

/* The company zone's UTC offset in seconds today (the hour rollup's
 * parameter): today's business day as days since 1970 less its midnight. */
static int64_t zone_offset(void)
{
	char day[11];
	int64_t n = 0, start = 0;
	ts_day(ts_now_ms(), day, sizeof day);
	if (ts_day_number(day, &n) < 0 || ts_day_start(day, &start) < 0)
		return 0;
	return n * 86400 - start / 1000;
}

/* Prepares sql with d's parameters (the zone offset each) bound. */
static struct db_stmt *prepare(struct db *db, const struct rollup_def *d, const char *sql,
			       struct err *e)
{
	struct db_stmt *st = db_prepare(db, sql, e);
	if (st && d->nparams) {
		int64_t off = zone_offset();
		for (int k = 1; k <= d->nparams; k++)
			db_bind_int64(st, k, off);
	}
	return st;
}

int rollup_rebuild(struct db *db, struct err *e)
{
	build();
	for (int i = 0; i < rollup_ndefs; i++) {
		char del[96];
		snprintf(del, sizeof del, "DELETE FROM %s", rollup_defs[i].table);
		if (db_exec(db, del, e) < 0)
			return db_fail(e);
		struct db_stmt *st = prepare(db, &rollup_defs[i], sql_rebuild[i], e);
		if (!st || db_run(st, e) < 0)
			return db_fail(e);
	}
	return 0;
}

/* Checks tables from..to-1 (see rollup_check). */
static int check_range(struct db *db, int from, int to, struct buf *report, int64_t *problems,
		       struct err *e)
{
	build();
	*problems = 0;
	int own = !db_in_tx(db), rc = 0;
	if (own && (rc = db_begin(db, 0, e)) < 0)
		return rc;
	for (int i = from; i < to && rc == 0; i++) {
		const struct rollup_def *d = &rollup_defs[i];
		struct db_stmt *st = prepare(db, d, sql_check[i], e);
		if (!st) {
			rc = db_fail(e);
			break;
		}
		int64_t shown = 0;
		while ((rc = db_step(st, e)) == DB_ROW) {
			(*problems)++;
			if (!report || shown++ >= 20)
				continue;
			int nc = db_column_count(st) - 1, stored = db_col_int64(st, nc) == 0;
			buf_printf(report, "%s: %s row", d->table, stored ? "stored" : "recomputed");
			for (int c = 0; c < nc; c++) {
				if (c < d->keys) /* keys as text: days, ids, methods, brands */
					buf_printf(report, " %s", db_col_text(st, c));
				else
					buf_printf(report, "%s%lld", c == d->keys ? " amounts " : " ",
						   (long long)db_col_int64(st, c));
			}
			buf_printf(report, " %s\n", stored ? "is not what the sales give"
							   : "is not stored so");
		}
		db_reset(st);
		if (rc == DB_DONE)
			rc = 0;
	}
	if (own) {
		if (rc < 0)
			db_rollback(db);
		else
			rc = db_commit(db, e);
	}
	return rc < 0 ? db_fail(e) : 0;
}

int rollup_check(struct db *db, struct buf *report, int64_t *problems, struct err *e)
{
	return check_range(db, 0, rollup_ndefs, report, problems, e);
}

int rollup_check_one(struct db *db, int i, struct buf *report, int64_t *problems,
		     struct err *e)
{
	if (i < 0 || i >= rollup_ndefs)
		return err_set(e, ERR_INVALID, "no rollup table %d", i);
	return check_range(db, i, i + 1, report, problems, e);
}
