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

const char *const report_groups[] = {"day",      "week",    "month", "store", "region", "channel",
				     "category", "product", "staff", NULL};

enum group {
	G_DAY, G_WEEK, G_MONTH, G_STORE, G_REGION, G_CHANNEL, G_CATEGORY, G_PRODUCT, G_STAFF,
	G_TOTAL /* one row of sums */
};

#define REPORT_MAX_DAYS 3700 /* about ten years */

/* ---- calendar (proleptic Gregorian, days since 1970-01-01) ---- */

/* Days since the epoch of a valid 'YYYY-MM-DD' into *out; 0, or -1 if not. */
static int parse_day(const char *s, int64_t *out)
{
	if (!s || !ts_day_valid(s))
		return -1;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
	*out = tz_days_from_civil(y, m, d);
	return 0;
}

static void format_day(int64_t z, char *out)
{
	int64_t y;
	int m, d;
	tz_civil_from_days(z, &y, &m, &d);
	char t[48];
	snprintf(t, sizeof t, "%04d-%02d-%02d", (int)(y % 10000), m, d);
	memcpy(out, t, 10);
	out[10] = 0;
}

int report_day_add(const char *day, int delta, char *out)
{
	int64_t z;
	if (parse_day(day, &z) < 0)
		return -1;
	format_day(z + delta, out);
	return 0;
}

int report_iso_week(const char *day, char *key, char *monday, char *sunday)
{
	int64_t z;
	if (parse_day(day, &z) < 0)
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
		format_day(z - wd, monday);
	if (sunday)
		format_day(z - wd + 6, sunday);
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

/* ---- the report ---- */

#define SUMS "SUM(r.revenue), SUM(r.vat), SUM(r.cost), SUM(r.orders), SUM(r.units)"
#define SCOPE                                                                  \
	" r.day >= ? AND r.day <= ? AND (? = 0 OR r.store_id = ?) AND (? = 0 OR r.store_id IN " \
	"(SELECT us.store_id FROM user_stores us WHERE us.user_id = ?)) "

static const char SQL_BY_DAY[] =
	"SELECT r.day, r.day, " SUMS " FROM rollup_day_store r WHERE" SCOPE
	"GROUP BY r.day ORDER BY r.day";
static const char SQL_BY_STORE[] =
	"SELECT r.store_id, s.name, " SUMS " FROM rollup_day_store r "
	"JOIN stores s ON s.id = r.store_id WHERE" SCOPE "GROUP BY r.store_id, s.name";
static const char SQL_BY_REGION[] =
	"SELECT s.region, s.region, " SUMS " FROM rollup_day_store r "
	"JOIN stores s ON s.id = r.store_id WHERE" SCOPE "GROUP BY s.region";
static const char SQL_BY_CHANNEL[] =
	"SELECT s.channel, s.channel, " SUMS " FROM rollup_day_store r "
	"JOIN stores s ON s.id = r.store_id WHERE" SCOPE "GROUP BY s.channel";
/* Category 0 is "no category": a NULL key like the others without one. */
static const char SQL_BY_CATEGORY[] =
	"SELECT NULLIF(r.category_id, 0), '', " SUMS " FROM rollup_day_store_category r WHERE"
	SCOPE "GROUP BY r.category_id";
static const char SQL_BY_PRODUCT[] =
	"SELECT r.product_id, p.name, " SUMS " FROM rollup_day_store_product r "
	"JOIN products p ON p.id = r.product_id WHERE" SCOPE "GROUP BY r.product_id, p.name";
static const char SQL_BY_STAFF[] =
	"SELECT r.user_id, u.display_name, " SUMS " FROM rollup_day_store_staff r "
	"LEFT JOIN users u ON u.id = r.user_id WHERE" SCOPE "GROUP BY r.user_id, u.display_name";
static const char SQL_TOTALS[] = "SELECT '', '', " SUMS " FROM rollup_day_store r WHERE" SCOPE;
static const char SQL_PRODUCT_TOTALS[] =
	"SELECT '', '', " SUMS " FROM rollup_day_store_product r WHERE" SCOPE;

static const char *const group_sql[] = {
	[G_DAY] = SQL_BY_DAY,         [G_WEEK] = SQL_BY_DAY,       [G_MONTH] = SQL_BY_DAY,
	[G_STORE] = SQL_BY_STORE,     [G_REGION] = SQL_BY_REGION,  [G_CHANNEL] = SQL_BY_CHANNEL,
	[G_CATEGORY] = SQL_BY_CATEGORY, [G_PRODUCT] = SQL_BY_PRODUCT, [G_STAFF] = SQL_BY_STAFF,
};

/* One item while the report is built. */
struct agg {
	int null_key;
	int64_t id;        /* key of store, category, product, staff */
	const char *text;  /* key of day, week, month, region, channel */
	const char *label;
	int64_t revenue, vat, cost, orders, units;
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
	x->orders += db_col_int64(st, 5);
	x->units += db_col_int64(st, 6);
}

/* Runs sql over the scope of q into g: one item per row, or, for weeks and
 * months, day rows folded into their period (days come in order). */
static int run(struct db *db, struct arena *a, const char *sql, enum group grp, const char *from,
	       const char *to, const struct report_sales_query *q, struct aggs *g, struct err *e)
{
	struct db_stmt *st = db_query(db, e, sql, "ttiiii", from, to, q->store_id, q->store_id,
				      q->scope_user_id, q->scope_user_id);
	if (!st)
		return db_fail(e);
	int rc;
	while ((rc = db_step(st, e)) == DB_ROW) {
		const char *k = db_col_text(st, 0);
		struct agg *x;
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
			x->label = grp == G_WEEK ? arena_printf(a, "%s – %s", mon, sun) : x->text;
		} else if (grp == G_DAY || grp == G_REGION || grp == G_CHANNEL) {
			x = agg_push(g);
			x->null_key = db_col_null(st, 0);
			x->text = arena_strdup(a, k);
			x->label = x->null_key ? "(no region)" : x->text;
		} else {
			x = agg_push(g);
			x->null_key = db_col_null(st, 0);
			x->id = db_col_int64(st, 0);
			const char *l = db_col_text(st, 1);
			if (l && *l)
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

/* Biggest revenue first, then by label. */
static int by_revenue(const void *pa, const void *pb)
{
	const struct agg *x = pa, *y = pb;
	if (x->revenue != y->revenue)
		return x->revenue > y->revenue ? -1 : 1;
	int c = strcmp(x->label, y->label);
	return c ? c : (x->id > y->id) - (x->id < y->id);
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

static json_t *agg_json(const struct agg *x, json_t *key)
{
	json_t *o = json_object();
	json_object_set_new(o, "key", key);
	json_object_set_new(o, "label", json_string(x->label));
	json_object_set_new(o, "revenue", json_integer(x->revenue));
	json_object_set_new(o, "orders", json_integer(x->orders));
	json_object_set_new(o, "units", jx_qty_value(x->units));
	json_object_set_new(o, "avg_basket", json_integer(per_order(x->revenue, x->orders)));
	json_object_set_new(o, "gross_margin", json_integer(x->revenue - x->vat - x->cost));
	return o;
}

static int check_query(const struct report_sales_query *q, enum group *grp, char *from,
		       char *to, struct err *e)
{
	const char *g = q->group_by ? q->group_by : "day";
	int found = 0;
	for (int i = 0; report_groups[i]; i++)
		if (strcmp(report_groups[i], g) == 0)
			*grp = (enum group)i, found = 1;
	if (!found)
		err_field(e, "group_by", "must be one of day, week, month, store, region, channel, "
					 "category, product, staff");
	int64_t zf = 0, zt = 0;
	if (q->to) {
		if (parse_day(q->to, &zt) < 0)
			err_field(e, "to", "must be a business day YYYY-MM-DD");
		else
			snprintf(to, 11, "%s", q->to);
	} else {
		ts_day(ts_now_ms(), to, 11);
		parse_day(to, &zt);
	}
	if (q->from) {
		if (parse_day(q->from, &zf) < 0)
			err_field(e, "from", "must be a business day YYYY-MM-DD");
		else
			snprintf(from, 11, "%s", q->from);
	} else if (parse_day(to, &zt) == 0) {
		zf = zt - 29;
		format_day(zf, from);
	}
	if (!e->nfields && zf > zt)
		err_field(e, "from", "must not be after to");
	else if (!e->nfields && zt - zf >= REPORT_MAX_DAYS)
		err_field(e, "to", "the range is limited to %d days", REPORT_MAX_DAYS);
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

int report_sales(struct db *db, struct arena *a, const struct report_sales_query *q,
		 json_t **out, struct err *e)
{
	enum group grp = G_DAY;
	char from[11] = "", to[11] = "";
	if (check_query(q, &grp, from, to, e) < 0)
		return e->code;
	struct aggs g = {0}, tot = {0}, prod = {0};
	int rc = snapshot_begin(db, e);
	if (rc < 0)
		return rc;
	if ((rc = run(db, a, group_sql[grp], grp, from, to, q, &g, e)) < 0 ||
	    (rc = run(db, a, SQL_TOTALS, G_TOTAL, from, to, q, &tot, e)) < 0 ||
	    ((grp == G_PRODUCT || grp == G_CATEGORY) &&
	     (rc = run(db, a, SQL_PRODUCT_TOTALS, G_TOTAL, from, to, q, &prod, e)) < 0) ||
	    (grp == G_CATEGORY && (rc = label_categories(db, a, &g, e)) < 0))
		goto done;
	if (grp > G_MONTH && g.n > 1)
		qsort(g.v, (size_t)g.n, sizeof *g.v, by_revenue);

	json_t *items = json_array();
	for (int i = 0; i < g.n; i++) {
		const struct agg *x = &g.v[i];
		json_t *key = x->null_key ? json_null()
			      : x->text   ? json_string(x->text)
					  : json_integer(x->id);
		json_array_append_new(items, agg_json(x, key));
	}
	struct agg none = {.null_key = 1, .label = "Total"};
	struct agg *t = tot.n ? &tot.v[0] : &none, *p = prod.n ? &prod.v[0] : NULL;
	if (p && (t->revenue != p->revenue || t->vat != p->vat || t->cost != p->cost ||
		  t->units != p->units)) {
		/* What the store took that no product row holds: cash rounding. */
		struct agg r = {.label = "Cash rounding", .revenue = t->revenue - p->revenue,
				.vat = t->vat - p->vat, .cost = t->cost - p->cost,
				.units = t->units - p->units};
		json_array_append_new(items, agg_json(&r, json_string("rounding")));
	}
	*out = json_object();
	json_object_set_new(*out, "from", json_string(from));
	json_object_set_new(*out, "to", json_string(to));
	json_object_set_new(*out, "group_by", json_string(report_groups[grp]));
	json_object_set_new(*out, "items", items);
	json_object_set_new(*out, "totals", agg_json(t, json_null()));
done:
	db_rollback(db);
	free(g.v);
	free(tot.v);
	free(prod.v);
	return rc;
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
