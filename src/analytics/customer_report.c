/* customer_report.c: GET /reports/customers and /reports/cohorts over the
 * day × store × customer rollup, inside one read snapshot. */
#include "analytics/customer_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/insight.h"
#include "analytics/sales_report.h"

int cohort_month(const char *day)
{
	if (!day || strlen(day) < 7 || day[4] != '-')
		return -1;
	for (int i = 0; i < 7; i++)
		if (i != 4 && (day[i] < '0' || day[i] > '9'))
			return -1;
	int y = (day[0] - '0') * 1000 + (day[1] - '0') * 100 + (day[2] - '0') * 10 + (day[3] - '0');
	int m = (day[5] - '0') * 10 + (day[6] - '0');
	if (m < 1 || m > 12)
		return -1;
	return y * 12 + m - 1;
}

void cohort_month_key(int month, char *out)
{
	char t[32];
	snprintf(t, sizeof t, "%04d-%02d", (month / 12) % 10000, month % 12 + 1);
	memcpy(out, t, 7);
	out[7] = 0;
}

/* ---- periods ---- */

enum cgroup { CG_DAY, CG_WEEK, CG_MONTH };
static const char *const customer_groups[] = {"day", "week", "month", NULL};

struct cperiod {
	char key[11];
	const char *label;
	int64_t customers, new_customers, member_orders, member_revenue, orders, revenue;
};

/* The period key of a day (11 bytes). */
static void period_key(enum cgroup g, const char *day, char *key)
{
	if (g == CG_WEEK)
		report_iso_week(day, key, NULL, NULL);
	else if (g == CG_MONTH)
		snprintf(key, 11, "%.7s", day);
	else
		snprintf(key, 11, "%s", day);
}

/* The index of key among the n periods (in key order), or -1. */
static int period_find(const struct cperiod *p, int n, const char *key)
{
	int lo = 0, hi = n - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2, c = strcmp(p[mid].key, key);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* One customer's rollup row in a period. */
struct crow {
	int period;
	int64_t customer_id, orders, revenue;
	int is_new; /* the first purchase (in scope) is in this period */
};

static int by_period_customer(const void *pa, const void *pb)
{
	const struct crow *x = pa, *y = pb;
	if (x->period != y->period)
		return x->period < y->period ? -1 : 1;
	return (x->customer_id > y->customer_id) - (x->customer_id < y->customer_id);
}

/* Sums the rows into their periods, counting each customer once per
 * period: active with orders > 0, new when a row says so. */
static void fold_rows(struct crow *rows, int n, struct cperiod *per)
{
	if (n > 1)
		qsort(rows, (size_t)n, sizeof *rows, by_period_customer);
	for (int i = 0; i < n;) {
		int j = i, is_new = 0;
		int64_t orders = 0;
		struct cperiod *p = &per[rows[i].period];
		for (; j < n && rows[j].period == rows[i].period &&
		       rows[j].customer_id == rows[i].customer_id;
		     j++) {
			orders += rows[j].orders > 0;
			is_new |= rows[j].is_new;
			p->member_orders += rows[j].orders;
			p->member_revenue += rows[j].revenue;
		}
		if (orders > 0) {
			p->customers++;
			p->new_customers += is_new;
		}
		i = j;
	}
}

static const char SQL_STORE_DAYS[] =
	"SELECT r.day, SUM(r.orders), SUM(r.revenue) FROM rollup_day_store r "
	"WHERE r.day >= ? AND r.day <= ? AND" INSIGHT_SCOPE("r") "GROUP BY r.day";

/* Each customer's first purchase in scope (a full pass over the covering
 * index rollup_dsc_customer, cheaper than asking per customer of a long
 * range), then the customer rows of the range. */
static const char SQL_FIRSTS[] =
	"SELECT x.customer_id, MIN(x.day) FROM rollup_day_store_customer x "
	"WHERE x.orders > 0 AND" INSIGHT_SCOPE("x") "GROUP BY x.customer_id";
static const char SQL_CUSTOMER_DAYS[] =
	"SELECT c.day, c.customer_id, c.orders, c.revenue FROM rollup_day_store_customer c "
	"WHERE c.day >= ? AND c.day <= ? AND" INSIGHT_SCOPE("c");

/* Loads each customer's first purchase day (the entry's label) into f. */
static int load_firsts(struct db *db, struct arena *a, const struct customer_report_query *q,
		       struct ins_acc *f, struct err *e)
{
	struct db_stmt *st = db_query(db, e, SQL_FIRSTS, "iiii", q->store_id, q->store_id,
				      q->scope_user_id, q->scope_user_id);
	if (!st)
		return db_fail(e);
	int rc;
	while ((rc = db_step(st, e)) == DB_ROW)
		ins_get(f, db_col_int64(st, 0))->label = arena_strdup(a, db_col_text(st, 1));
	db_reset(st);
	return rc < 0 ? db_fail(e) : 0;
}

static json_t *period_json(const struct cperiod *p, json_t *key)
{
	json_t *o = json_object();
	json_object_set_new(o, "key", key);
	json_object_set_new(o, "label", json_string(p->label));
	json_object_set_new(o, "customers", json_integer(p->customers));
	json_object_set_new(o, "new_customers", json_integer(p->new_customers));
	json_object_set_new(o, "returning_customers",
			    json_integer(p->customers - p->new_customers));
	json_object_set_new(o, "member_orders", json_integer(p->member_orders));
	json_object_set_new(o, "member_revenue", json_integer(p->member_revenue));
	json_object_set_new(o, "orders", json_integer(p->orders));
	json_object_set_new(o, "revenue", json_integer(p->revenue));
	json_object_set_new(o, "member_share_rate",
			    insight_rate_json(p->member_revenue, p->revenue));
	return o;
}

static int check_group(const char *group_by, enum cgroup *g, struct err *e)
{
	const char *s = group_by && *group_by ? group_by : "day";
	for (int i = 0; customer_groups[i]; i++)
		if (strcmp(s, customer_groups[i]) == 0) {
			*g = (enum cgroup)i;
			return 0;
		}
	err_field(e, "group_by", "must be one of day, week, month");
	return -1;
}

int report_customers(struct db *db, struct arena *a, const struct customer_report_query *q,
		     json_t **out, struct err *e)
{
	enum cgroup g = CG_DAY;
	char from[11], to[11];
	int days = 0;
	check_group(q->group_by, &g, e);
	insight_period(q->from, q->to, 30, from, to, &days, e);
	if (err_fields_done(e))
		return e->code;

	/* Every period of the range, in order. */
	struct cperiod *per = xcalloc((size_t)days + 1, sizeof *per);
	int np = 0;
	char day[11];
	snprintf(day, sizeof day, "%s", from);
	for (int i = 0; i < days; i++) {
		char key[11], mon[11], sun[11];
		period_key(g, day, key);
		if (np == 0 || strcmp(per[np - 1].key, key) != 0) {
			snprintf(per[np].key, sizeof per[np].key, "%s", key);
			if (g == CG_WEEK) {
				report_iso_week(day, key, mon, sun);
				per[np].label = arena_printf(a, "%s – %s", mon, sun);
			} else {
				per[np].label = arena_strdup(a, key);
			}
			np++;
		}
		report_day_add(day, 1, day);
	}
	struct cperiod tot = {.label = "Total"};
	struct crow *rows = NULL, *trows = NULL;
	struct ins_acc firsts = {0};
	int nrows = 0, cap = 0;
	int rc = insight_snapshot(db, e);
	if (rc < 0)
		goto out;
	struct db_stmt *st = db_query(db, e, SQL_STORE_DAYS, "ttiiii", from, to, q->store_id,
				      q->store_id, q->scope_user_id, q->scope_user_id);
	if (!st) {
		rc = db_fail(e);
		goto done;
	}
	while ((rc = db_step(st, e)) == DB_ROW) {
		char key[11];
		period_key(g, db_col_text(st, 0), key);
		int i = period_find(per, np, key);
		if (i < 0)
			continue;
		per[i].orders += db_col_int64(st, 1);
		per[i].revenue += db_col_int64(st, 2);
		tot.orders += db_col_int64(st, 1);
		tot.revenue += db_col_int64(st, 2);
	}
	db_reset(st);
	if (rc < 0) {
		rc = db_fail(e);
		goto done;
	}
	if ((rc = load_firsts(db, a, q, &firsts, e)) < 0)
		goto done;
	st = db_query(db, e, SQL_CUSTOMER_DAYS, "ttiiii", from, to, q->store_id, q->store_id,
		      q->scope_user_id, q->scope_user_id);
	if (!st) {
		rc = db_fail(e);
		goto done;
	}
	while ((rc = db_step(st, e)) == DB_ROW) {
		char key[11], fkey[11] = "";
		period_key(g, db_col_text(st, 0), key);
		int i = period_find(per, np, key);
		if (i < 0)
			continue;
		int64_t cid = db_col_int64(st, 1);
		const char *first = ins_get(&firsts, cid)->label; /* NULL: none in scope */
		if (first)
			period_key(g, first, fkey);
		if (nrows == cap) {
			cap = cap ? cap * 2 : 256;
			rows = xrealloc(rows, (size_t)cap * sizeof *rows);
		}
		rows[nrows++] = (struct crow){
			.period = i, .customer_id = cid,
			.orders = db_col_int64(st, 2), .revenue = db_col_int64(st, 3),
			.is_new = first && strcmp(fkey, key) == 0};
		/* 2: for the totals, the first purchase is within the range */
		if (first && strcmp(first, from) >= 0)
			rows[nrows - 1].is_new |= 2;
	}
	db_reset(st);
	if (rc < 0) {
		rc = db_fail(e);
		goto done;
	}
	rc = 0;
	/* The totals count each customer once over the range. */
	trows = xcalloc((size_t)(nrows ? nrows : 1), sizeof *trows);
	for (int i = 0; i < nrows; i++) {
		trows[i] = rows[i];
		trows[i].period = 0;
		trows[i].is_new = (rows[i].is_new & 2) != 0;
		rows[i].is_new &= 1;
	}
	fold_rows(rows, nrows, per);
	{
		struct cperiod t1[1];
		memset(t1, 0, sizeof t1);
		fold_rows(trows, nrows, t1);
		tot.customers = t1[0].customers;
		tot.new_customers = t1[0].new_customers;
		tot.member_orders = t1[0].member_orders;
		tot.member_revenue = t1[0].member_revenue;
	}
	json_t *items = json_array();
	for (int i = 0; i < np; i++)
		json_array_append_new(items, period_json(&per[i], json_string(per[i].key)));
	*out = json_object();
	json_object_set_new(*out, "from", json_string(from));
	json_object_set_new(*out, "to", json_string(to));
	json_object_set_new(*out, "group_by", json_string(customer_groups[g]));
	json_object_set_new(*out, "items", items);
	json_object_set_new(*out, "totals", period_json(&tot, json_null()));
done:
	db_rollback(db);
out:
	free(per);
	free(rows);
	free(trows);
	ins_free(&firsts);
	return rc;
}

/* ---- cohorts ---- */

/* The first purchase in scope of each customer whose first purchase is in
 * the range, with each day after it (to the end) they bought in scope. */
static const char SQL_COHORTS[] =
	"SELECT f.customer_id, f.first_day, c.day FROM (SELECT x.customer_id, "
	"MIN(x.day) AS first_day FROM rollup_day_store_customer x WHERE x.orders > 0 AND"
	INSIGHT_SCOPE("x") "GROUP BY x.customer_id HAVING MIN(x.day) >= ? AND MIN(x.day) <= ?) f "
	"JOIN rollup_day_store_customer c ON c.customer_id = f.customer_id "
	"WHERE c.orders > 0 AND c.day <= ? AND" INSIGHT_SCOPE("c");

/* A customer's month of activity within a cohort. */
struct cact {
	int cohort, since;
	int64_t customer_id;
};

static int by_cohort(const void *pa, const void *pb)
{
	const struct cact *x = pa, *y = pb;
	if (x->cohort != y->cohort)
		return x->cohort < y->cohort ? -1 : 1;
	if (x->since != y->since)
		return x->since < y->since ? -1 : 1;
	return (x->customer_id > y->customer_id) - (x->customer_id < y->customer_id);
}

int report_cohorts(struct db *db, struct arena *a, const struct customer_report_query *q,
		   json_t **out, struct err *e)
{
	char from[11], to[11], dfrom[11];
	int days = 0;
	const char *qf = q->from;
	if (!qf || !*qf) {
		/* The first of the month eleven months before to's. */
		char today[11];
		insight_period(NULL, q->to, 1, today, today, &days, e);
		if (err_fields_done(e))
			return e->code;
		int m = cohort_month(today) - 11;
		cohort_month_key(m, dfrom);
		memcpy(dfrom + 7, "-01", 4);
		qf = dfrom;
	}
	if (q->group_by && *q->group_by && strcmp(q->group_by, "month") != 0)
		err_field(e, "group_by", "must be month");
	insight_period(qf, q->to, 1, from, to, &days, e);
	if (err_fields_done(e))
		return e->code;
	int m0 = cohort_month(from), m1 = cohort_month(to), nm = m1 - m0 + 1;
	/* retained[c * nm + k]: cohort c's customers active k months on. */
	int64_t *retained = xcalloc((size_t)nm * (size_t)nm, sizeof *retained);
	struct cact *act = NULL;
	int n = 0, cap = 0;
	int rc = insight_snapshot(db, e);
	if (rc < 0)
		goto out;
	struct db_stmt *st = db_query(db, e, SQL_COHORTS, "iiiitttiiii", q->store_id,
				      q->store_id, q->scope_user_id, q->scope_user_id, from, to, to,
				      q->store_id, q->store_id, q->scope_user_id,
				      q->scope_user_id);
	if (!st) {
		rc = db_fail(e);
		goto done;
	}
	while ((rc = db_step(st, e)) == DB_ROW) {
		int c = cohort_month(db_col_text(st, 1)) - m0, k;
		k = cohort_month(db_col_text(st, 2)) - m0 - c;
		if (c < 0 || c >= nm || k < 0 || c + k >= nm)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			act = xrealloc(act, (size_t)cap * sizeof *act);
		}
		act[n++] = (struct cact){.cohort = c, .since = k, .customer_id = db_col_int64(st, 0)};
	}
	db_reset(st);
	if (rc < 0) {
		rc = db_fail(e);
		goto done;
	}
	rc = 0;
	if (n > 1)
		qsort(act, (size_t)n, sizeof *act, by_cohort);
	for (int i = 0; i < n; i++)
		if (i == 0 || by_cohort(&act[i - 1], &act[i]) != 0)
			retained[act[i].cohort * nm + act[i].since]++;
	json_t *items = json_array();
	for (int c = 0; c < nm; c++) {
		char key[8];
		cohort_month_key(m0 + c, key);
		int64_t size = retained[c * nm];
		json_t *ret = json_array();
		for (int k = 0; c + k < nm; k++) {
			json_t *r = json_object();
			json_object_set_new(r, "months_since", json_integer(k));
			json_object_set_new(r, "retained", json_integer(retained[c * nm + k]));
			json_object_set_new(r, "retained_rate",
					    insight_rate_json(retained[c * nm + k], size));
			json_array_append_new(ret, r);
		}
		json_t *o = json_object();
		json_object_set_new(o, "cohort", json_string(key));
		json_object_set_new(o, "size", json_integer(size));
		json_object_set_new(o, "retention", ret);
		json_array_append_new(items, o);
	}
	*out = json_object();
	json_object_set_new(*out, "from", json_string(from));
	json_object_set_new(*out, "to", json_string(to));
	json_object_set_new(*out, "items", items);
done:
	db_rollback(db);
out:
	free(retained);
	free(act);
	return rc;
}

json_t *cohort_rows(const json_t *items)
{
	json_t *rows = json_array();
	size_t i, k;
	json_t *c, *r;
	json_array_foreach(items, i, c)
	{
		json_array_foreach(json_object_get(c, "retention"), k, r)
		{
			json_t *o = json_object();
			json_object_set(o, "cohort", json_object_get(c, "cohort"));
			json_object_set(o, "size", json_object_get(c, "size"));
			json_object_set(o, "months_since", json_object_get(r, "months_since"));
			json_object_set(o, "retained", json_object_get(r, "retained"));
			json_object_set(o, "retained_rate", json_object_get(r, "retained_rate"));
			json_array_append_new(rows, o);
		}
	}
	return rows;
}
