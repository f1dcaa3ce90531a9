/* report.c: GET /reports/sales over the day rollups: one grouped query
 * (periods of weeks and months are folded from days in C), totals from the
 * day × store rollup, all inside one read snapshot. */
#include "analytics/sales_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jx.h"
#include "base/timeutil.h"
#include "base/tz.h"
#include "domain/catalog/category.h"

const char *const report_groups[] = {"day",     "week",    "month", "store", "region",
				     "channel", "category", "brand", "product", "staff",
				     "hour",    "weekday", "payment", NULL};

enum group {
	G_DAY, G_WEEK, G_MONTH, G_STORE, G_REGION, G_CHANNEL, G_CATEGORY, G_BRAND, G_PRODUCT,
	G_STAFF, G_HOUR, G_WEEKDAY, G_PAYMENT,
	G_TOTAL /* one row of sums */
};

const char *const report_measures[] = {
	"revenue", "orders", "units", "avg_basket", "upt", "discount", "gross_margin",
	"gross_margin_pct", "returns", "refunded", "return_rate", NULL};

#define REPORT_MAX_DAYS 3700 /* about ten years */

/* ---- calendar (proleptic Gregorian, days since 1970-01-01) ---- */

int report_day_add(const char *day, int delta, char *out)
{
	int64_t z;
	if (ts_day_number(day, &z) < 0)
		return -1;
	ts_day_from_number(z + delta, out);
	return 0;
}

int report_iso_week(const char *day, char *key, char *monday, char *sunday)
{
	int64_t z;
	if (ts_day_number(day, &z) < 0)
		return -1;
	int wd = (int)(((z + 3) % 7 + 7) % 7); /* 0 Monday .. 6 Sunday; 1970-01-01 was a Thursday */
	int64_t thursday = z - wd + 3, y;
	int m, d;
	tz_civil_from_days(thursday, &y, &m, &d); /* the ISO year is the Thursday's */
	int week = (int)((thursday - tz_days_from_civil(y, 1, 1)) / 7 + 1);
	char t[48];
	snprintf(t, sizeof t, "%04d-W%02d", (int)(y % 10000), week);
	memcpy(key, t, 8);
	key[8] = 0;
	if (monday)
		ts_day_from_number(z - wd, monday);
	if (sunday)
		ts_day_from_number(z - wd + 6, sunday);
	return 0;
}

/* ---- one snapshot ---- */

/* A read transaction in which every query sees the same data: SQLite's
 * deferred transaction keeps its first snapshot; PostgreSQL needs
 * REPEATABLE READ for that. */
static int snapshot_begin(struct db *db, struct err *e)
{
	int rc = db_begin(db, 0, e);
	if (rc == 0 && db_kind(db) == DB_PG &&
	    (rc = db_exec(db, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", e)) < 0)
		db_rollback(db);
	return rc;
}

/* ---- period arithmetic ---- */

int report_year_back(const char *day, char *out)
{
	int64_t z;
	if (ts_day_number(day, &z) < 0)
		return -1;
	int64_t y;
	int m, d;
	tz_civil_from_days(z, &y, &m, &d);
	if (m == 2 && d == 29)
		d = 28;
	ts_day_from_number(tz_days_from_civil(y - 1, m, d), out);
	return 0;
}

int report_compare_range(const char *from, const char *to, const char *kind, char *from_out,
			 char *to_out)
{
	int64_t zf, zt;
	if (!kind || ts_day_number(from, &zf) < 0 || ts_day_number(to, &zt) < 0 || zf > zt)
		return -1;
	if (strcmp(kind, "previous") == 0) {
		int64_t len = zt - zf + 1;
		ts_day_from_number(zf - len, from_out);
		ts_day_from_number(zf - 1, to_out);
		return 0;
	}
	if (strcmp(kind, "last_year") == 0)
		return report_year_back(from, from_out) < 0 || report_year_back(to, to_out) < 0 ? -1
												 : 0;
	return -1;
}

static void set_text(char *dst, size_t n, const char *src)
{
	size_t l = strlen(src);
	if (l >= n)
		l = n - 1;
	memcpy(dst, src, l);
	dst[l] = 0;
}

int report_month_split(const char *from, const char *to, struct report_split *o)
{
	int64_t zf, zt, y;
	int m, d;
	if (ts_day_number(from, &zf) < 0 || ts_day_number(to, &zt) < 0 || zf > zt)
		return -1;
	/* The first whole month starts at from or at the next month's first. */
	tz_civil_from_days(zf, &y, &m, &d);
	int64_t ms = d == 1 ? zf : tz_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1);
	/* The last whole month ends at to or before to's month. */
	tz_civil_from_days(zt + 1, &y, &m, &d);
	int64_t me = zt;
	if (d != 1) {
		tz_civil_from_days(zt, &y, &m, &d);
		me = zt - d; /* the last day before to's month */
	}
	set_text(o->d2from, sizeof o->d2from, "9999-12-31");
	set_text(o->d2to, sizeof o->d2to, "0000-01-01");
	set_text(o->mfrom, sizeof o->mfrom, "9999-12");
	set_text(o->mto, sizeof o->mto, "0000-01");
	if (ms > me) { /* no whole month: every day */
		set_text(o->d1from, sizeof o->d1from, from);
		set_text(o->d1to, sizeof o->d1to, to);
		return 0;
	}
	char t[11];
	set_text(o->d1from, sizeof o->d1from, from);
	ts_day_from_number(ms - 1, o->d1to); /* empty when ms == zf */
	ts_day_from_number(me + 1, o->d2from);
	set_text(o->d2to, sizeof o->d2to, to); /* empty when me == zt */
	ts_day_from_number(ms, t);
	set_text(o->mfrom, sizeof o->mfrom, t);
	ts_day_from_number(me, t);
	set_text(o->mto, sizeof o->mto, t);
	return 0;
}

void report_abc_classes(const int64_t *values, int n, double a_pct, double b_pct, char *cls)
{
	int64_t total = 0, before = 0;
	for (int i = 0; i < n; i++)
		if (values[i] > 0)
			total += values[i];
	for (int i = 0; i < n; i++) {
		if (values[i] <= 0 || total <= 0) {
			cls[i] = 'C';
			continue;
		}
		double share = (double)before * 100.0 / (double)total;
		cls[i] = share < a_pct ? 'A' : share < a_pct + b_pct ? 'B' : 'C';
		before += values[i];
	}
}

int64_t report_prorate(int64_t v, int minutes)
{
	if (minutes <= 0)
		return 0;
	if (minutes >= 60)
		return v;
	int64_t m = v < 0 ? -v : v, q = m / 60 * minutes, r = m % 60 * minutes;
	q += r / 60 + (r % 60 * 2 >= 60);
	return v < 0 ? -q : q;
}

/* ---- the report ---- */

#define SUMS                                                                   \
	"SUM(r.revenue), SUM(r.vat), SUM(r.cost), SUM(r.discount), SUM(r.orders), " \
	"SUM(r.units), SUM(r.returns), SUM(r.refunded)"
#define SUMS_AS                                                                \
	"SUM(r.revenue) AS revenue, SUM(r.vat) AS vat, SUM(r.cost) AS cost, "   \
	"SUM(r.discount) AS discount, SUM(r.orders) AS orders, SUM(r.units) AS units, " \
	"SUM(r.returns) AS returns, SUM(r.refunded) AS refunded"
#define XSUMS                                                                  \
	"SUM(x.revenue), SUM(x.vat), SUM(x.cost), SUM(x.discount), SUM(x.orders), " \
	"SUM(x.units), SUM(x.returns), SUM(x.refunded)"
#define COLS "r.revenue, r.vat, r.cost, r.discount, r.orders, r.units, r.returns, r.refunded"
#define STORES(t)                                                              \
	" (? = 0 OR " t ".store_id = ?) AND (? = 0 OR " t ".store_id IN "      \
	"(SELECT us.store_id FROM user_stores us WHERE us.user_id = ?)) "
/* Plain layout: from, to, the store and the viewer (then the category). */
#define SCOPE " r.day >= ? AND r.day <= ? AND" STORES("r")
/* Split layout: the days around the whole months, then the months. */
#define SPLIT_DAYS " ((r.day >= ? AND r.day <= ?) OR (r.day >= ? AND r.day <= ?)) AND" STORES("r")
#define SPLIT_MONTHS " r.month >= ? AND r.month <= ? AND" STORES("r")

#define BY_DAY(t, cat) "SELECT r.day, '', " SUMS " FROM " t " r WHERE" SCOPE cat \
	"GROUP BY r.day ORDER BY r.day"
#define BY_STORE(t, cat) "SELECT r.store_id, s.name, " SUMS " FROM " t " r "    \
	"JOIN stores s ON s.id = r.store_id WHERE" SCOPE cat "GROUP BY r.store_id, s.name"
#define BY_REGION(t, cat) "SELECT s.region, s.region, " SUMS " FROM " t " r "   \
	"JOIN stores s ON s.id = r.store_id WHERE" SCOPE cat "GROUP BY s.region"
#define BY_CHANNEL(t, cat) "SELECT s.channel, s.channel, " SUMS " FROM " t " r " \
	"JOIN stores s ON s.id = r.store_id WHERE" SCOPE cat "GROUP BY s.channel"
#define TREE "rollup_day_store_category_tree"
#define IN_CAT "AND r.category_id = ? "

static const char SQL_BY_DAY[] = BY_DAY("rollup_day_store", "");
static const char SQL_BY_DAY_CAT[] = BY_DAY(TREE, IN_CAT);
static const char SQL_BY_STORE[] = BY_STORE("rollup_day_store", "");
static const char SQL_BY_STORE_CAT[] = BY_STORE(TREE, IN_CAT);
static const char SQL_BY_REGION[] = BY_REGION("rollup_day_store", "");
static const char SQL_BY_REGION_CAT[] = BY_REGION(TREE, IN_CAT);
static const char SQL_BY_CHANNEL[] = BY_CHANNEL("rollup_day_store", "");
static const char SQL_BY_CHANNEL_CAT[] = BY_CHANNEL(TREE, IN_CAT);
static const char SQL_BY_HOUR[] =
	"SELECT r.hour, '', " SUMS " FROM rollup_day_store_hour r WHERE" SCOPE
	"GROUP BY r.hour ORDER BY r.hour";
/* A tender has no VAT, cost or units of its own. */
static const char SQL_BY_PAYMENT[] =
	"SELECT r.method, r.method, SUM(r.revenue), 0, 0, 0, SUM(r.orders), 0, SUM(r.returns), "
	"SUM(r.refunded) FROM rollup_day_store_payment r WHERE" SCOPE "GROUP BY r.method";
static const char SQL_BY_BRAND[] =
	"SELECT NULLIF(r.brand, ''), r.brand, " SUMS " FROM rollup_day_store_brand r WHERE" SCOPE
	"GROUP BY r.brand";
static const char SQL_BY_STAFF[] =
	"SELECT r.user_id, u.display_name, " SUMS " FROM rollup_day_store_staff r "
	"LEFT JOIN users u ON u.id = r.user_id WHERE" SCOPE "GROUP BY r.user_id, u.display_name";
/* Products: whole months from the month rollup, the days around them from
 * the day rollup. */
#define PRODUCTS(cte, filter, days, dscope, months, mscope)                     \
	cte "SELECT y.k, p.name, y.revenue, y.vat, y.cost, y.discount, y.orders, y.units, "  \
	"y.returns, y.refunded FROM (SELECT x.k, " XSUMS_AS " FROM (SELECT r.product_id AS k, " \
	COLS " FROM " days " r WHERE" dscope filter "UNION ALL "                               \
	"SELECT r.product_id, " COLS " FROM " months " r WHERE" mscope filter ") x "          \
	"GROUP BY x.k) y JOIN products p ON p.id = y.k"
#define XSUMS_AS                                                               \
	"SUM(x.revenue) AS revenue, SUM(x.vat) AS vat, SUM(x.cost) AS cost, "   \
	"SUM(x.discount) AS discount, SUM(x.orders) AS orders, SUM(x.units) AS units, " \
	"SUM(x.returns) AS returns, SUM(x.refunded) AS refunded"
static const char SQL_BY_PRODUCT[] = PRODUCTS("", "", "rollup_day_store_product", SPLIT_DAYS,
					      "rollup_month_store_product", SPLIT_MONTHS);
/* Every store (nobody's scope): the rows of all stores together. */
static const char SQL_BY_PRODUCT_ALL[] =
	PRODUCTS("", "", "rollup_day_product",
		 " ((r.day >= ? AND r.day <= ?) OR (r.day >= ? AND r.day <= ?)) ",
		 "rollup_month_product", " r.month >= ? AND r.month <= ? ");
static const char SQL_BY_PRODUCT_CAT[] = PRODUCTS(
	"WITH RECURSIVE sub(id) AS (SELECT CAST(? AS BIGINT) UNION ALL "
	"SELECT c.id FROM categories c JOIN sub ON c.parent_id = sub.id) ",
	"AND r.product_id IN (SELECT p2.id FROM products p2 WHERE p2.category_id IN "
	"(SELECT id FROM sub)) ", "rollup_day_store_product", SPLIT_DAYS,
	"rollup_month_store_product", SPLIT_MONTHS);
/* Categories, each with its subtree: the top level, or a parent's children. */
#define CATEGORIES(cte)                                                        \
	cte "SELECT x.k, '', " XSUMS " FROM (SELECT r.category_id AS k, " COLS                \
	" FROM " TREE " r WHERE" SPLIT_DAYS "AND r.category_id IN (SELECT id FROM cats) "    \
	"UNION ALL SELECT r.category_id, " COLS " FROM rollup_month_store_category_tree r "  \
	"WHERE" SPLIT_MONTHS "AND r.category_id IN (SELECT id FROM cats)) x GROUP BY x.k"
static const char SQL_BY_CATEGORY_TOP[] =
	CATEGORIES("WITH cats(id) AS (SELECT id FROM categories WHERE parent_id IS NULL) ");
static const char SQL_BY_CATEGORY_CHILD[] =
	CATEGORIES("WITH cats(id) AS (SELECT id FROM categories WHERE parent_id = ?) ");
/* What a category's own products sold (not its children's), and products
 * without a category. */
static const char SQL_CATEGORY_OWN[] =
	"SELECT r.category_id, '', " SUMS " FROM rollup_day_store_category r WHERE" SCOPE IN_CAT
	"GROUP BY r.category_id";
static const char SQL_CATEGORY_NONE[] =
	"SELECT NULL, '', " SUMS " FROM rollup_day_store_category r WHERE" SCOPE
	"AND r.category_id = 0 HAVING COUNT(*) > 0";
static const char SQL_TOTALS[] = "SELECT '', '', " SUMS " FROM rollup_day_store r WHERE" SCOPE;
static const char SQL_TOTALS_CAT[] = "SELECT '', '', " SUMS " FROM " TREE " r WHERE" SCOPE IN_CAT;

enum layout { L_PLAIN, L_PLAIN_CAT, L_SPLIT, L_SPLIT_CAT, L_SPLIT_ALL, L_DAY };

struct source {
	const char *sql;
	enum layout layout;
};

/* The query of a group, with or without a category filter; all: every
 * store, nobody's scope. */
static struct source group_source(enum group g, int cat, int all)
{
	switch (g) {
	case G_DAY: case G_WEEK: case G_MONTH: case G_WEEKDAY:
		return cat ? (struct source){SQL_BY_DAY_CAT, L_PLAIN_CAT}
			   : (struct source){SQL_BY_DAY, L_PLAIN};
	case G_STORE:
		return cat ? (struct source){SQL_BY_STORE_CAT, L_PLAIN_CAT}
			   : (struct source){SQL_BY_STORE, L_PLAIN};
	case G_REGION:
		return cat ? (struct source){SQL_BY_REGION_CAT, L_PLAIN_CAT}
			   : (struct source){SQL_BY_REGION, L_PLAIN};
	case G_CHANNEL:
		return cat ? (struct source){SQL_BY_CHANNEL_CAT, L_PLAIN_CAT}
			   : (struct source){SQL_BY_CHANNEL, L_PLAIN};
	case G_CATEGORY:
		return cat ? (struct source){SQL_BY_CATEGORY_CHILD, L_SPLIT_CAT}
			   : (struct source){SQL_BY_CATEGORY_TOP, L_SPLIT};
	case G_PRODUCT:
		return cat ? (struct source){SQL_BY_PRODUCT_CAT, L_SPLIT_CAT}
		       : all ? (struct source){SQL_BY_PRODUCT_ALL, L_SPLIT_ALL}
			     : (struct source){SQL_BY_PRODUCT, L_SPLIT};
	case G_BRAND: return (struct source){SQL_BY_BRAND, L_PLAIN};
	case G_STAFF: return (struct source){SQL_BY_STAFF, L_PLAIN};
	case G_HOUR: return (struct source){SQL_BY_HOUR, L_PLAIN};
	case G_PAYMENT: return (struct source){SQL_BY_PAYMENT, L_PLAIN};
	default: return (struct source){SQL_TOTALS, L_PLAIN};
	}
}

/* One item while the report is built. */
struct agg {
	int null_key;
	int64_t id;        /* key of store, category, product, staff, hour, weekday */
	const char *text;  /* key of day, week, month, region, channel, brand, payment */
	const char *label;
	const char *first; /* the first business day it holds (periods) */
	int64_t revenue, vat, cost, discount, orders, units, returns, refunded;
	const struct agg *prev; /* the compared period's figures, or NULL */
};

struct aggs {
	struct agg *v;
	int n, cap;
};

static struct agg *agg_push(struct aggs *g)
{
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 64;
		g->v = xrealloc(g->v, (size_t)g->cap * sizeof *g->v);
	}
	struct agg *x = &g->v[g->n++];
	memset(x, 0, sizeof *x);
	return x;
}

static void agg_sums(struct agg *x, struct db_stmt *st)
{
	x->revenue += db_col_int64(st, 2);
	x->vat += db_col_int64(st, 3);
	x->cost += db_col_int64(st, 4);
	x->discount += db_col_int64(st, 5);
	x->orders += db_col_int64(st, 6);
	x->units += db_col_int64(st, 7);
	x->returns += db_col_int64(st, 8);
	x->refunded += db_col_int64(st, 9);
}

static const char *const weekday_names[] = {"", "Monday", "Tuesday", "Wednesday", "Thursday",
					    "Friday", "Saturday", "Sunday"};

/* ISO weekday 1 (Monday) .. 7 of a valid day. */
static int weekday_of(const char *day)
{
	int64_t z = 0;
	ts_day_number(day, &z);
	return (int)(((z + 3) % 7 + 7) % 7) + 1;
}

static struct db_stmt *query(struct db *db, const struct source *src, const char *from,
			     const char *to, const struct report_sales_query *q, struct err *e)
{
	int64_t s = q->store_id, u = q->scope_user_id, c = q->category_id;
	if (src->layout == L_PLAIN)
		return db_query(db, e, src->sql, "ttiiii", from, to, s, s, u, u);
	if (src->layout == L_DAY) /* one day, every store */
		return db_query(db, e, src->sql, "t", from);
	if (src->layout == L_PLAIN_CAT)
		return db_query(db, e, src->sql, "ttiiiii", from, to, s, s, u, u, c);
	struct report_split sp;
	report_month_split(from, to, &sp);
	if (src->layout == L_SPLIT_ALL)
		return db_query(db, e, src->sql, "tttttt", sp.d1from, sp.d1to, sp.d2from, sp.d2to,
				sp.mfrom, sp.mto);
	if (src->layout == L_SPLIT)
		return db_query(db, e, src->sql, "ttttiiiittiiii", sp.d1from, sp.d1to, sp.d2from,
				sp.d2to, s, s, u, u, sp.mfrom, sp.mto, s, s, u, u);
	return db_query(db, e, src->sql, "ittttiiiittiiii", c, sp.d1from, sp.d1to, sp.d2from,
			sp.d2to, s, s, u, u, sp.mfrom, sp.mto, s, s, u, u);
}

/* Runs src over [from, to] and q's scope into g: one item per row, or, for
 * weeks, months and weekdays, day rows folded into their period (days come
 * in order). */
static int run(struct db *db, struct arena *a, struct source src, enum group grp,
	       const char *from, const char *to, const struct report_sales_query *q,
	       struct aggs *g, struct err *e)
{
	struct db_stmt *st = query(db, &src, from, to, q, e);
	if (!st)
		return db_fail(e);
	int rc;
	while ((rc = db_step(st, e)) == DB_ROW) {
		const char *k = db_col_text(st, 0);
		struct agg *x = NULL;
		if (grp == G_TOTAL) {
			x = agg_push(g);
			x->null_key = 1;
			x->label = "Total";
		} else if (grp == G_WEEK || grp == G_MONTH) {
			char key[16], mon[11], sun[11];
			if (grp == G_WEEK)
				report_iso_week(k, key, mon, sun);
			else
				snprintf(key, sizeof key, "%.7s", k);
			if (g->n && strcmp(g->v[g->n - 1].text, key) == 0) {
				agg_sums(&g->v[g->n - 1], st);
				continue;
			}
			x = agg_push(g);
			x->text = arena_strdup(a, key);
			x->first = arena_strdup(a, k);
			x->label = grp == G_WEEK ? arena_printf(a, "%s – %s", mon, sun) : x->text;
		} else if (grp == G_WEEKDAY) {
			int wd = weekday_of(k);
			for (int i = 0; i < g->n && !x; i++)
				if (g->v[i].id == wd)
					x = &g->v[i];
			if (!x) {
				x = agg_push(g);
				x->id = wd;
				x->label = weekday_names[wd];
			}
		} else if (grp == G_DAY || grp == G_REGION || grp == G_CHANNEL ||
			   grp == G_PAYMENT || grp == G_BRAND) {
			x = agg_push(g);
			x->null_key = db_col_null(st, 0);
			x->text = x->null_key ? "" : arena_strdup(a, k);
			x->first = x->text;
			x->label = !x->null_key       ? x->text
				   : grp == G_BRAND   ? "(no brand)"
						      : "(no region)";
		} else {
			x = agg_push(g);
			x->null_key = db_col_null(st, 0);
			x->id = db_col_int64(st, 0);
			const char *l = db_col_text(st, 1);
			if (grp == G_HOUR)
				x->label = arena_printf(a, "%02lld:00", (long long)x->id);
			else if (l && *l)
				x->label = arena_strdup(a, l);
			else if (grp == G_CATEGORY && x->null_key)
				x->label = "(no category)";
			else
				x->label = arena_printf(a, "#%lld", (long long)x->id);
		}
		agg_sums(x, st);
	}
	db_reset(st);
	return rc < 0 ? db_fail(e) : 0;
}

/* revenue / orders rounded half away from zero; 0 without orders. */
static int64_t per_order(int64_t revenue, int64_t orders)
{
	if (orders <= 0)
		return 0;
	int64_t m = revenue < 0 ? -revenue : revenue, q = m / orders;
	if ((m % orders) * 2 >= orders)
		q++;
	return revenue < 0 ? -q : q;
}

static int64_t margin(const struct agg *x)
{
	return x->revenue - x->vat - x->cost;
}

/* The measures as numbers, for sorting and for the change. */
static double measure(const struct agg *x, int m)
{
	int64_t net = x->revenue - x->vat, gross = x->revenue + x->refunded;
	switch (m) {
	case 0: return (double)x->revenue;
	case 1: return (double)x->orders;
	case 2: return (double)x->units / 1000.0;
	case 3: return (double)per_order(x->revenue, x->orders);
	case 4: return (double)per_order(x->units, x->orders) / 1000.0;
	case 5: return (double)x->discount;
	case 6: return (double)margin(x);
	case 7: return net > 0 ? (double)per_order(margin(x) * 10000, net) / 100.0 : 0;
	case 8: return (double)x->returns;
	case 9: return (double)x->refunded;
	default: return gross > 0 ? (double)per_order(x->refunded * 10000, gross) / 10000.0 : 0;
	}
}

/* The figures of x; pay: a payment method's row (no VAT, cost or units). */
static void put_measures(json_t *o, const struct agg *x, int pay)
{
	json_object_set_new(o, "revenue", json_integer(x->revenue));
	json_object_set_new(o, "orders", json_integer(x->orders));
	json_object_set_new(o, "units", pay ? json_null() : jx_qty_value(x->units));
	json_object_set_new(o, "avg_basket", json_integer(per_order(x->revenue, x->orders)));
	json_object_set_new(o, "upt", pay ? json_null() : json_real(measure(x, 4)));
	json_object_set_new(o, "discount", pay ? json_null() : json_integer(x->discount));
	json_object_set_new(o, "gross_margin", pay ? json_null() : json_integer(margin(x)));
	json_object_set_new(o, "gross_margin_pct", pay ? json_null() : json_real(measure(x, 7)));
	json_object_set_new(o, "returns", json_integer(x->returns));
	json_object_set_new(o, "refunded", json_integer(x->refunded));
	json_object_set_new(o, "return_rate", json_real(measure(x, 10)));
}

/* delta * 100 / |before| to two decimals; null when before is 0. */
static json_t *pct_change(int64_t now, int64_t before)
{
	if (before == 0)
		return json_null();
	int64_t b = before < 0 ? -before : before;
	return json_real((double)per_order((now - before) * 10000, b) / 100.0);
}

/* {revenue, revenue_pct, orders, orders_pct, units, units_pct, avg_basket,
 * avg_basket_pct, gross_margin, gross_margin_pct}: now - before, and the
 * change in percent of before. */
static json_t *change_json(const struct agg *x, const struct agg *p)
{
	json_t *o = json_object();
	int64_t ab = per_order(x->revenue, x->orders), pb = per_order(p->revenue, p->orders);
	json_object_set_new(o, "revenue", json_integer(x->revenue - p->revenue));
	json_object_set_new(o, "revenue_pct", pct_change(x->revenue, p->revenue));
	json_object_set_new(o, "orders", json_integer(x->orders - p->orders));
	json_object_set_new(o, "orders_pct", pct_change(x->orders, p->orders));
	json_object_set_new(o, "units", jx_qty_value(x->units - p->units));
	json_object_set_new(o, "units_pct", pct_change(x->units, p->units));
	json_object_set_new(o, "avg_basket", json_integer(ab - pb));
	json_object_set_new(o, "avg_basket_pct", pct_change(ab, pb));
	json_object_set_new(o, "gross_margin", json_integer(margin(x) - margin(p)));
	json_object_set_new(o, "gross_margin_pct", pct_change(margin(x), margin(p)));
	return o;
}

static const struct agg zero_agg = {.null_key = 1, .label = ""};

/* An item: key, label, the measures, and with a comparison previous
 * (its key for periods) and change. */
static json_t *agg_json(const struct agg *x, json_t *key, int pay, int compare, int period)
{
	json_t *o = json_object();
	json_object_set_new(o, "key", key);
	json_object_set_new(o, "label", json_string(x->label));
	put_measures(o, x, pay);
	if (compare) {
		const struct agg *p = x->prev ? x->prev : &zero_agg;
		json_t *po = json_object();
		if (period)
			json_object_set_new(po, "key", x->prev && x->prev->text
							   ? json_string(x->prev->text)
							   : json_null());
		put_measures(po, p, pay);
		json_object_set_new(o, "previous", po);
		json_object_set_new(o, "change", change_json(x, p));
	}
	return o;
}

static json_t *agg_key(const struct agg *x)
{
	return x->null_key ? json_null() : x->text ? json_string(x->text) : json_integer(x->id);
}

/* Sorting: by one measure (sort_measure, sort_dir -1 descending), ties by
 * label then id. */
struct sorter {
	int measure, dir;
};
static _Thread_local struct sorter sorting;

static int by_measure(const void *pa, const void *pb)
{
	const struct agg *x = pa, *y = pb;
	double u = measure(x, sorting.measure), v = measure(y, sorting.measure);
	if (u != v)
		return (u < v ? -1 : 1) * sorting.dir;
	int c = strcmp(x->label, y->label);
	return c ? c : (x->id > y->id) - (x->id < y->id);
}

static int find_group(const char *g)
{
	for (int i = 0; report_groups[i]; i++)
		if (strcmp(report_groups[i], g) == 0)
			return i;
	return -1;
}

static int find_measure(const char *m)
{
	for (int i = 0; report_measures[i]; i++)
		if (strcmp(report_measures[i], m) == 0)
			return i;
	return -1;
}

/* from and to (defaults: the last 30 days to today) into from/to. */
static void check_range(const struct report_sales_query *q, char *from, char *to,
			struct err *e)
{
	int64_t zf = 0, zt = 0;
	if (q->to) {
		if (ts_day_number(q->to, &zt) < 0)
			err_field(e, "to", "must be a business day YYYY-MM-DD");
		else
			snprintf(to, 11, "%s", q->to);
	} else {
		ts_day(ts_now_ms(), to, 11);
		ts_day_number(to, &zt);
	}
	if (q->from) {
		if (ts_day_number(q->from, &zf) < 0)
			err_field(e, "from", "must be a business day YYYY-MM-DD");
		else
			snprintf(from, 11, "%s", q->from);
	} else if (ts_day_number(to, &zt) == 0) {
		zf = zt - 29;
		ts_day_from_number(zf, from);
	}
	if (!e->nfields && zf > zt)
		err_field(e, "from", "must not be after to");
	else if (!e->nfields && zt - zf >= REPORT_MAX_DAYS)
		err_field(e, "to", "the range is limited to %d days", REPORT_MAX_DAYS);
}

static int check_query(const struct report_sales_query *q, enum group *grp, int *sort,
		       char *from, char *to, struct err *e)
{
	int g = find_group(q->group_by ? q->group_by : "day");
	if (g < 0)
		err_field(e, "group_by", "must be one of day, week, month, store, region, channel, "
					 "category, brand, product, staff, hour, weekday, payment");
	else
		*grp = (enum group)g;
	if (g >= 0 && q->category_id &&
	    (*grp == G_BRAND || *grp == G_STAFF || *grp == G_HOUR || *grp == G_PAYMENT))
		err_field(e, "category_id", "applies to group_by day, week, month, weekday, store, "
					    "region, channel, category and product");
	if (q->compare && strcmp(q->compare, "previous") != 0 &&
	    strcmp(q->compare, "last_year") != 0)
		err_field(e, "compare", "must be previous or last_year");
	*sort = -1;
	if (q->sort && (*sort = find_measure(q->sort)) < 0)
		err_field(e, "sort", "must be one of revenue, orders, units, avg_basket, upt, "
				     "discount, gross_margin, gross_margin_pct, returns, refunded, "
				     "return_rate");
	if (q->order && strcmp(q->order, "asc") != 0 && strcmp(q->order, "desc") != 0)
		err_field(e, "order", "must be asc or desc");
	check_range(q, from, to, e);
	return err_fields_done(e);
}

/* Labels the category items with their paths. */
static int label_categories(struct db *db, struct arena *a, struct aggs *g, struct err *e)
{
	for (int i = 0; i < g->n; i++) {
		struct category *c;
		if (g->v[i].null_key)
			continue;
		int rc = category_get(db, a, g->v[i].id, &c, e);
		if (rc == ERR_NOT_FOUND) {
			err_init(e);
			continue;
		}
		if (rc < 0)
			return rc;
		g->v[i].label = c->path;
	}
	return 0;
}

/* The items of grp over [from, to]: the group's rows, and for categories
 * the parent's own products or the products without a category. */
static int collect(struct db *db, struct arena *a, enum group grp, const char *from,
		   const char *to, const struct report_sales_query *q, struct aggs *g,
		   struct err *e)
{
	int all = !q->store_id && !q->scope_user_id;
	int rc = run(db, a, group_source(grp, q->category_id != 0, all), grp, from, to, q, g, e);
	if (rc == 0 && grp == G_CATEGORY)
		rc = q->category_id
			     ? run(db, a, (struct source){SQL_CATEGORY_OWN, L_PLAIN_CAT}, grp, from,
				   to, q, g, e)
			     : run(db, a, (struct source){SQL_CATEGORY_NONE, L_PLAIN}, grp, from,
				   to, q, g, e);
	if (rc == 0 && grp == G_CATEGORY)
		rc = label_categories(db, a, g, e);
	return rc;
}

static int totals(struct db *db, struct arena *a, const char *from, const char *to,
		  const struct report_sales_query *q, struct aggs *tot, struct err *e)
{
	struct source s = q->category_id ? (struct source){SQL_TOTALS_CAT, L_PLAIN_CAT}
					 : (struct source){SQL_TOTALS, L_PLAIN};
	return run(db, a, s, G_TOTAL, from, to, q, tot, e);
}

/* The comparison key of a current item: periods by the day the item starts
 * on moved into the compared range, the rest by their own key. */
static int same_key(const struct agg *x, const struct agg *p, enum group grp, const char *kind,
		    const char *from, const char *cfrom)
{
	if (grp == G_DAY || grp == G_WEEK || grp == G_MONTH) {
		char moved[11], key[16];
		if (strcmp(kind, "last_year") == 0) {
			report_year_back(x->first, moved);
		} else {
			int64_t zx, zf, zc;
			ts_day_number(x->first, &zx);
			ts_day_number(from, &zf);
			ts_day_number(cfrom, &zc);
			ts_day_from_number(zx - zf + zc, moved);
		}
		if (grp == G_DAY)
			return strcmp(moved, p->text) == 0;
		if (grp == G_WEEK)
			report_iso_week(moved, key, NULL, NULL);
		else
			snprintf(key, sizeof key, "%.7s", moved);
		return strcmp(key, p->text) == 0;
	}
	if (x->null_key || p->null_key)
		return x->null_key == p->null_key;
	if (x->text)
		return p->text && strcmp(x->text, p->text) == 0;
	return x->id == p->id;
}

static void match(struct aggs *g, const struct aggs *pg, enum group grp, const char *kind,
		  const char *from, const char *cfrom)
{
	for (int i = 0; i < g->n; i++)
		for (int j = 0; j < pg->n && !g->v[i].prev; j++)
			if (same_key(&g->v[i], &pg->v[j], grp, kind, from, cfrom))
				g->v[i].prev = &pg->v[j];
}

int report_sales(struct db *db, struct arena *a, const struct report_sales_query *q,
		 json_t **out, struct err *e)
{
	enum group grp = G_DAY;
	int sort = -1;
	char from[11] = "", to[11] = "", cfrom[11] = "", cto[11] = "";
	if (check_query(q, &grp, &sort, from, to, e) < 0)
		return e->code;
	int compare = q->compare != NULL, period = grp == G_DAY || grp == G_WEEK || grp == G_MONTH;
	if (compare)
		report_compare_range(from, to, q->compare, cfrom, cto);
	struct aggs g = {0}, tot = {0}, pg = {0}, ptot = {0};
	int rc = snapshot_begin(db, e);
	if (rc < 0)
		return rc;
	int rounding = !q->category_id && (grp == G_PRODUCT || grp == G_CATEGORY || grp == G_BRAND);
	if ((rc = collect(db, a, grp, from, to, q, &g, e)) < 0 ||
	    (rc = totals(db, a, from, to, q, &tot, e)) < 0 ||
	    (compare && (rc = collect(db, a, grp, cfrom, cto, q, &pg, e)) < 0) ||
	    (compare && (rc = totals(db, a, cfrom, cto, q, &ptot, e)) < 0))
		goto done;
	if (compare)
		match(&g, &pg, grp, q->compare, from, cfrom);
	/* Products, categories (with the one for no category) and brands each
	 * hold every product row once: what they miss of the totals is what no
	 * product row holds. */
	struct agg prod = {0};
	for (int i = 0; rounding && i < g.n; i++) {
		prod.revenue += g.v[i].revenue;
		prod.vat += g.v[i].vat;
		prod.cost += g.v[i].cost;
		prod.discount += g.v[i].discount;
		prod.units += g.v[i].units;
		prod.refunded += g.v[i].refunded;
	}
	if (sort >= 0 || !(period || grp == G_HOUR || grp == G_WEEKDAY)) {
		sorting = (struct sorter){sort >= 0 ? sort : 0,
					  q->order && strcmp(q->order, "asc") == 0 ? 1 : -1};
		if (g.n > 1)
			qsort(g.v, (size_t)g.n, sizeof *g.v, by_measure);
	} else if (grp == G_WEEKDAY && g.n > 1) {
		sorting = (struct sorter){0, 1};
		for (int i = 1; i < g.n; i++) /* by weekday: insertion, at most 7 */
			for (int j = i; j > 0 && g.v[j - 1].id > g.v[j].id; j--) {
				struct agg t = g.v[j];
				g.v[j] = g.v[j - 1];
				g.v[j - 1] = t;
			}
	}
	int n = q->limit > 0 && q->limit < g.n ? (int)q->limit : g.n;
	int pay = grp == G_PAYMENT;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, agg_json(&g.v[i], agg_key(&g.v[i]), pay, compare, period));
	struct agg none = {.null_key = 1, .label = "Total"};
	struct agg *t = tot.n ? &tot.v[0] : &none, *p = rounding ? &prod : NULL;
	if (compare)
		t->prev = ptot.n ? &ptot.v[0] : &zero_agg;
	if (p && !q->limit &&
	    (t->revenue != p->revenue || t->vat != p->vat || t->cost != p->cost ||
	     t->units != p->units || t->discount != p->discount || t->refunded != p->refunded)) {
		/* What the store took that no product row holds: cash rounding. */
		struct agg r = {.label = "Cash rounding", .revenue = t->revenue - p->revenue,
				.vat = t->vat - p->vat, .cost = t->cost - p->cost,
				.discount = t->discount - p->discount,
				.units = t->units - p->units, .refunded = t->refunded - p->refunded};
		json_array_append_new(items, agg_json(&r, json_string("rounding"), 0, 0, 0));
	}
	*out = json_object();
	json_object_set_new(*out, "from", json_string(from));
	json_object_set_new(*out, "to", json_string(to));
	json_object_set_new(*out, "group_by", json_string(report_groups[grp]));
	if (compare) {
		json_object_set_new(*out, "compare", json_string(q->compare));
		json_object_set_new(*out, "compare_from", json_string(cfrom));
		json_object_set_new(*out, "compare_to", json_string(cto));
	}
	json_object_set_new(*out, "items", items);
	json_object_set_new(*out, "totals", agg_json(t, json_null(), 0, compare, 0));
done:
	db_rollback(db);
	free(g.v);
	free(tot.v);
	free(pg.v);
	free(ptot.v);
	return rc;
}

/* ---- ABC ---- */

int report_abc(struct db *db, struct arena *a, const struct report_sales_query *q,
	       double a_pct, double b_pct, json_t **out, struct err *e)
{
	char from[11] = "", to[11] = "";
	if (!(a_pct > 0 && a_pct < 100))
		err_field(e, "a_pct", "must be above 0 and below 100");
	else if (!(b_pct >= 0 && a_pct + b_pct <= 100))
		err_field(e, "b_pct", "must be 0 or more, with a_pct at most 100");
	check_range(q, from, to, e);
	if (err_fields_done(e) < 0)
		return e->code;
	struct aggs g = {0};
	struct report_sales_query pq = *q;
	pq.category_id = 0;
	int rc = snapshot_begin(db, e);
	if (rc < 0)
		return rc;
	rc = run(db, a, group_source(G_PRODUCT, 0, !q->store_id && !q->scope_user_id), G_PRODUCT,
		 from, to, &pq, &g, e);
	db_rollback(db);
	if (rc < 0) {
		free(g.v);
		return rc;
	}
	sorting = (struct sorter){0, -1};
	if (g.n > 1)
		qsort(g.v, (size_t)g.n, sizeof *g.v, by_measure);
	int64_t *v = xcalloc((size_t)(g.n ? g.n : 1), sizeof *v);
	char *cls = xcalloc((size_t)(g.n ? g.n : 1), 1);
	int64_t total = 0, cum = 0;
	for (int i = 0; i < g.n; i++) {
		v[i] = g.v[i].revenue;
		if (v[i] > 0)
			total += v[i];
	}
	report_abc_classes(v, g.n, a_pct, b_pct, cls);
	json_t *items = json_array(), *classes = json_object();
	int64_t cn[3] = {0}, cr[3] = {0};
	for (int i = 0; i < g.n; i++) {
		const struct agg *x = &g.v[i];
		json_t *o = json_object();
		if (v[i] > 0)
			cum += v[i];
		json_object_set_new(o, "key", json_integer(x->id));
		json_object_set_new(o, "label", json_string(x->label));
		json_object_set_new(o, "class", json_stringn(&cls[i], 1));
		put_measures(o, x, 0);
		json_object_set_new(o, "revenue_share_pct",
				    json_real(total > 0 && v[i] > 0
						      ? (double)per_order(v[i] * 10000, total) / 100.0
						      : 0));
		json_object_set_new(o, "cumulative_pct",
				    json_real(total > 0 ? (double)per_order(cum * 10000, total) / 100.0
							: 0));
		json_array_append_new(items, o);
		cn[cls[i] - 'A']++;
		cr[cls[i] - 'A'] += x->revenue;
	}
	for (int c = 0; c < 3; c++) {
		json_t *o = json_object();
		json_object_set_new(o, "products", json_integer(cn[c]));
		json_object_set_new(o, "revenue", json_integer(cr[c]));
		char k[2] = {(char)('A' + c), 0};
		json_object_set_new(classes, k, o);
	}
	*out = json_object();
	json_object_set_new(*out, "from", json_string(from));
	json_object_set_new(*out, "to", json_string(to));
	json_object_set_new(*out, "a_pct", json_real(a_pct));
	json_object_set_new(*out, "b_pct", json_real(b_pct));
	json_object_set_new(*out, "classes", classes);
	json_object_set_new(*out, "items", items);
	free(v);
	free(cls);
	free(g.v);
	return 0;
}

/* ---- dashboard ---- */

/* "+r.product_id": the day range, not the product index, finds the rows. */
static const char SQL_DASH_TOP[] =
	"SELECT y.k, p.name, y.revenue, y.vat, y.cost, y.discount, y.orders, y.units, y.returns, "
	"y.refunded FROM (SELECT +r.product_id AS k, " SUMS_AS " FROM rollup_day_store_product r "
	"WHERE" SCOPE "GROUP BY +r.product_id ORDER BY revenue DESC, k LIMIT 10) y "
	"JOIN products p ON p.id = y.k ORDER BY y.revenue DESC, y.k";
/* Every store: the day × product rows of all stores. */
static const char SQL_DASH_TOP_ALL[] =
	"SELECT y.k, p.name, y.revenue, y.vat, y.cost, y.discount, y.orders, y.units, y.returns, "
	"y.refunded FROM (SELECT r.product_id AS k, r.revenue, r.vat, r.cost, r.discount, r.orders, "
	"r.units, r.returns, r.refunded FROM rollup_day_product r WHERE r.day = ? "
	"ORDER BY r.revenue DESC, r.product_id LIMIT 10) y JOIN products p ON p.id = y.k "
	"ORDER BY y.revenue DESC, y.k";
static const char SQL_DASH_ALERTS[] =
	"SELECT a.id, a.kind, a.store_id, a.product_id, p.name, a.message, a.quantity, "
	"a.threshold, a.raised_at FROM alerts a LEFT JOIN products p ON p.id = a.product_id "
	"WHERE a.status = 'open' AND" STORES("a") "ORDER BY a.raised_at DESC, a.id DESC LIMIT 50";

static json_t *day_json(const struct agg *x, const char *day)
{
	json_t *o = json_object();
	json_object_set_new(o, "day", json_string(day));
	put_measures(o, x, 0);
	return o;
}

static int dash_alerts(struct db *db, const struct report_sales_query *q, json_t *arr,
		       struct err *e)
{
	int64_t s = q->store_id, u = q->scope_user_id;
	struct db_stmt *st = db_query(db, e, SQL_DASH_ALERTS, "iiii", s, s, u, u);
	if (!st)
		return db_fail(e);
	int rc;
	while ((rc = db_step(st, e)) == DB_ROW) {
		json_t *o = json_object();
		char at[32];
		ts_format(db_col_int64(st, 8), at, sizeof at);
		json_object_set_new(o, "id", json_integer(db_col_int64(st, 0)));
		json_object_set_new(o, "kind", json_string(db_col_text(st, 1)));
		json_object_set_new(o, "store_id", json_integer(db_col_int64(st, 2)));
		json_object_set_new(o, "product_id", db_col_null(st, 3) ? json_null()
						: json_integer(db_col_int64(st, 3)));
		json_object_set_new(o, "product_name", db_col_null(st, 4) ? json_null()
						: json_string(db_col_text(st, 4)));
		json_object_set_new(o, "message", json_string(db_col_text(st, 5)));
		json_object_set_new(o, "quantity", db_col_null(st, 6) ? json_null()
						: jx_qty_value(db_col_int64(st, 6)));
		json_object_set_new(o, "threshold", db_col_null(st, 7) ? json_null()
						: jx_qty_value(db_col_int64(st, 7)));
		json_object_set_new(o, "raised_at", json_string(at));
		json_array_append_new(arr, o);
	}
	db_reset(st);
	return rc < 0 ? db_fail(e) : 0;
}

/* Last week's day up to the minute of the day now: the hours before the
 * current one whole, the current hour prorated (hours come in order). */
static void same_time(const struct aggs *hours, int minute, struct agg *o)
{
	int h = minute / 60, m = minute % 60;
	memset(o, 0, sizeof *o);
	for (int i = 0; i < hours->n; i++) {
		const struct agg *x = &hours->v[i];
		int part = x->id < h ? 60 : x->id == h ? m : 0;
		o->revenue += report_prorate(x->revenue, part);
		o->vat += report_prorate(x->vat, part);
		o->cost += report_prorate(x->cost, part);
		o->discount += report_prorate(x->discount, part);
		o->orders += report_prorate(x->orders, part);
		o->units += report_prorate(x->units, part);
		o->returns += report_prorate(x->returns, part);
		o->refunded += report_prorate(x->refunded, part);
	}
}

int report_dashboard(struct db *db, struct arena *a, int64_t store_id, int64_t scope_user_id,
		     json_t **out, struct err *e)
{
	char today[11], first[11], week_ago[11];
	int wd = 0, minute = 0;
	int64_t now = ts_now_ms();
	if (ts_local(now, today, sizeof today, &wd, &minute) < 0)
		ts_day(now, today, sizeof today);
	report_day_add(today, -29, first);
	report_day_add(today, -7, week_ago);
	struct report_sales_query q = {.store_id = store_id, .scope_user_id = scope_user_id};
	struct aggs days = {0}, top = {0}, hours = {0};
	json_t *alerts = json_array();
	int rc = snapshot_begin(db, e);
	if (rc < 0) {
		json_decref(alerts);
		return rc;
	}
	if ((rc = run(db, a, (struct source){SQL_BY_DAY, L_PLAIN}, G_DAY, first, today, &q, &days,
		      e)) < 0 ||
	    (rc = (store_id || scope_user_id
			   ? run(db, a, (struct source){SQL_DASH_TOP, L_PLAIN}, G_PRODUCT, today,
				 today, &q, &top, e)
			   : run(db, a, (struct source){SQL_DASH_TOP_ALL, L_DAY}, G_PRODUCT, today,
				 today, &q, &top, e))) < 0 ||
	    (rc = run(db, a, (struct source){SQL_BY_HOUR, L_PLAIN}, G_HOUR, week_ago, week_ago,
		      &q, &hours, e)) < 0 ||
	    (rc = dash_alerts(db, &q, alerts, e)) < 0) {
		db_rollback(db);
		json_decref(alerts);
		free(days.v);
		free(top.v);
		free(hours.v);
		return rc;
	}
	db_rollback(db);
	/* Thirty days, oldest first, days without sales as zeros. */
	json_t *trend = json_array();
	const struct agg *t = &zero_agg, *w = &zero_agg;
	int k = 0;
	for (int i = 0; i < 30; i++) {
		char day[11];
		report_day_add(first, i, day);
		const struct agg *x = &zero_agg;
		if (k < days.n && strcmp(days.v[k].text, day) == 0)
			x = &days.v[k++];
		json_t *o = json_object();
		json_object_set_new(o, "day", json_string(day));
		json_object_set_new(o, "revenue", json_integer(x->revenue));
		json_object_set_new(o, "orders", json_integer(x->orders));
		json_object_set_new(o, "avg_basket", json_integer(per_order(x->revenue, x->orders)));
		json_object_set_new(o, "gross_margin", json_integer(margin(x)));
		json_array_append_new(trend, o);
		if (strcmp(day, today) == 0)
			t = x;
		if (strcmp(day, week_ago) == 0)
			w = x;
	}
	struct agg st;
	same_time(&hours, minute, &st);
	json_t *tj = day_json(t, today);
	json_object_set_new(tj, "change", change_json(t, &st));
	json_t *sj = day_json(&st, week_ago);
	json_object_set_new(sj, "until", json_string(arena_printf(a, "%02d:%02d", minute / 60,
								  minute % 60)));
	json_t *products = json_array();
	for (int i = 0; i < top.n; i++)
		json_array_append_new(products, agg_json(&top.v[i], agg_key(&top.v[i]), 0, 0, 0));
	*out = json_object();
	json_object_set_new(*out, "today", tj);
	json_object_set_new(*out, "same_time_last_week", sj);
	json_object_set_new(*out, "same_day_last_week", day_json(w, week_ago));
	json_object_set_new(*out, "trend_30d", trend);
	json_object_set_new(*out, "top_products", products);
	json_object_set_new(*out, "alerts", alerts);
	free(days.v);
	free(top.v);
	free(hours.v);
	return 0;
}

int report_journal(struct db *db, struct arena *a, int64_t store_id,
		   struct journal_report *out, struct err *e)
{
	int rc = snapshot_begin(db, e);
	if (rc < 0)
		return rc;
	rc = journal_verify(db, a, store_id, out, e);
	db_rollback(db);
	return rc;
}
