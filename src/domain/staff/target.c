/* target.c: monthly targets: the seasonal split of a year or quarter, the
 * months with their actuals, the hand edit with rebalance, and the live
 * attainment of a month (see target.h). */
#include "domain/staff/target.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jx.h"
#include "base/money.h"
#include "base/timeutil.h"
#include "domain/org/audit.h"
#include "domain/staff/staff_facts.h"
#include "domain/staff/staff_scope.h"
#include "domain/staff/target_split.h"

const char *const target_metrics[] = {"revenue", "units", "margin", NULL};

int target_month_days(const char *month, char *first, char *last)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	char d[11];
	int64_t z;
	if (!month || strlen(month) != 7)
		return 0;
	snprintf(d, sizeof d, "%s-01", month);
	if (ts_day_number(d, &z) < 0)
		return 0;
	int y = (month[0] - '0') * 1000 + (month[1] - '0') * 100 + (month[2] - '0') * 10 +
		(month[3] - '0');
	int m = (month[5] - '0') * 10 + (month[6] - '0');
	int n = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	if (first)
		snprintf(first, 11, "%s", d);
	if (last)
		snprintf(last, 11, "%s-%02d", month, n);
	return n;
}

/* The months of a period "YYYY" (12) or "YYYY-Qn" (3) into months[][8];
 * the count, or 0 when the period is malformed. */
static int period_months(const char *p, char months[12][8])
{
	int year = 0, q = 0;
	size_t len = p ? strlen(p) : 0;
	if (len != 4 && len != 7)
		return 0;
	for (int i = 0; i < 4; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		year = year * 10 + (p[i] - '0');
	}
	if (year < 2000 || year > 2999)
		return 0;
	if (len == 7) {
		if (p[4] != '-' || p[5] != 'Q' || p[6] < '1' || p[6] > '4')
			return 0;
		q = p[6] - '0';
	}
	int first = q ? (q - 1) * 3 + 1 : 1, n = q ? 3 : 12;
	for (int i = 0; i < n; i++)
		snprintf(months[i], 8, "%04u-%02u", (unsigned)year % 10000u, (unsigned)(first + i) % 100u);
	return n;
}

/* The metric's value from rollup sums. */
static int64_t metric_of(const char *metric, int64_t rev, int64_t vat, int64_t cost,
			 int64_t units)
{
	if (strcmp(metric, "units") == 0)
		return units / 1000;
	if (strcmp(metric, "margin") == 0)
		return rev - vat - cost;
	return rev;
}

/* Last year's value of the metric in each of the months (store_id 0: the
 * company), from the day rollups (per category when category_id). */
static int last_year(struct db *db, const char *metric, int64_t store_id, int64_t category_id,
		     char months[12][8], int n, int64_t *w, struct err *e)
{
	static const char sql_all[] =
		"SELECT substr(day, 1, 7), CAST(SUM(revenue) AS BIGINT), CAST(SUM(vat) AS BIGINT), "
		"CAST(SUM(cost) AS BIGINT), CAST(SUM(units) AS BIGINT) FROM rollup_day_store "
		"WHERE day >= ? AND day <= ? AND (? = 0 OR store_id = ?) GROUP BY substr(day, 1, 7)";
	static const char sql_cat[] =
		"SELECT substr(day, 1, 7), CAST(SUM(revenue) AS BIGINT), CAST(SUM(vat) AS BIGINT), "
		"CAST(SUM(cost) AS BIGINT), CAST(SUM(units) AS BIGINT) FROM rollup_day_store_category "
		"WHERE day >= ? AND day <= ? AND (? = 0 OR store_id = ?) AND category_id = ? "
		"GROUP BY substr(day, 1, 7)";
	char from[11], to[11], ly[12][8];
	for (int i = 0; i < n; i++) {
		int y = (months[i][0] - '0') * 1000 + (months[i][1] - '0') * 100 +
			(months[i][2] - '0') * 10 + (months[i][3] - '0');
		snprintf(ly[i], 8, "%04d%s", y - 1, months[i] + 4);
		w[i] = 0;
	}
	target_month_days(ly[0], from, NULL);
	target_month_days(ly[n - 1], NULL, to);
	struct db_stmt *st = category_id
		? db_query(db, e, sql_cat, "ttiii", from, to, store_id, store_id, category_id)
		: db_query(db, e, sql_all, "ttii", from, to, store_id, store_id);
	if (!st)
		return db_fail(e);
	int rc;
	while ((rc = db_step(st, e)) == DB_ROW) {
		const char *m = db_col_text(st, 0);
		for (int i = 0; i < n; i++)
			if (m && strcmp(m, ly[i]) == 0)
				w[i] = metric_of(metric, db_col_int64(st, 1), db_col_int64(st, 2),
						 db_col_int64(st, 3), db_col_int64(st, 4));
	}
	db_reset(st);
	return rc < 0 ? rc : 0;
}

static int check_split(struct db *db, const struct actor *who,
		       const struct target_split_input *in, struct err *e)
{
	static const char sql_store[] = "SELECT 1 FROM stores WHERE id = ?";
	static const char sql_member[] =
		"SELECT 1 FROM user_stores WHERE user_id = ? AND store_id = ?";
	static const char sql_cat[] = "SELECT 1 FROM categories WHERE id = ?";
	int rc = db_exists(db_query(db, e, sql_store, "i", in->store_id), e);
	if (rc < 0)
		return rc;
	if (rc == 0)
		err_field(e, "store_id", "no such store");
	else if (!actor_sees_store(who, in->store_id))
		return err_set(e, ERR_FORBIDDEN, "store %lld is not yours", (long long)in->store_id);
	if (in->user_id) {
		if ((rc = db_exists(db_query(db, e, sql_member, "ii", in->user_id, in->store_id),
				    e)) < 0)
			return rc;
		if (rc == 0)
			err_field(e, "user_id", "is not a person of this store");
	}
	if (in->category_id) {
		if ((rc = db_exists(db_query(db, e, sql_cat, "i", in->category_id), e)) < 0)
			return rc;
		if (rc == 0)
			err_field(e, "category_id", "no such category");
	}
	return err_fields_done(e);
}

static int store_months(struct db *db, const struct actor *who,
			const struct target_split_input *in, const char *basis,
			char months[12][8], const int64_t *amounts, int n, int64_t now,
			int64_t *entry_id, struct err *e)
{
	static const char sql_entry[] =
		"INSERT INTO target_entries (store_id, user_id, metric, category_id, period, total, "
		"basis, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
		"ON CONFLICT (store_id, user_id, metric, category_id, period) DO UPDATE SET "
		"total = excluded.total, basis = excluded.basis, updated_at = excluded.updated_at "
		"RETURNING id";
	static const char sql_month[] =
		"INSERT INTO staff_targets (entry_id, store_id, user_id, metric, category_id, month, "
		"amount, edited, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?) "
		"ON CONFLICT (store_id, user_id, metric, category_id, month) DO UPDATE SET "
		"entry_id = excluded.entry_id, amount = excluded.amount, edited = 0, "
		"updated_by = excluded.updated_by, updated_at = excluded.updated_at";
	int64_t uid = who->user ? who->user->id : 0;
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	struct db_stmt *st = db_query(db, e, sql_entry, "iitititIii", in->store_id, in->user_id,
				      in->metric, in->category_id, in->period, in->total, basis,
				      uid, now, now);
	if ((rc = db_int(st, entry_id, e)) <= 0)
		goto fail;
	for (int i = 0; i < n; i++) {
		st = db_query(db, e, sql_month, "iiititiIi", *entry_id, in->store_id, in->user_id,
			      in->metric, in->category_id, months[i], amounts[i], uid, now);
		if (!st || db_run(st, e) < 0)
			goto fail;
	}
	json_t *after = json_pack("{s:I,s:I,s:s,s:I,s:s,s:I,s:s}", "store_id",
				  (json_int_t)in->store_id, "user_id", (json_int_t)in->user_id,
				  "metric", in->metric, "category_id", (json_int_t)in->category_id,
				  "period", in->period, "total", (json_int_t)in->total, "basis",
				  basis);
	if ((rc = audit_commit(db, who, "split", "target_entry", *entry_id, in->store_id, NULL,
			       after, e)) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

/* 1 when the store (0: the company) had sold by the first month of last
 * year's period, so its last year is a whole curve to follow; a store
 * opened during that year would otherwise get the whole target in its few
 * months. A month without sales in a whole year (closed for works) keeps
 * its 0. */
static int history_covers(struct db *db, int64_t store_id, const char *first_month,
			  int *out, struct err *e)
{
	static const char sql_store[] =
		"SELECT day FROM sales WHERE store_id = ? ORDER BY at LIMIT 1";
	static const char sql_company[] = "SELECT MIN(day) FROM sales";
	char start[32];
	unsigned year = (unsigned)strtoul(first_month, NULL, 10);
	snprintf(start, sizeof start, "%04u-%.2s", (year - 1) % 10000u, first_month + 5);
	struct db_stmt *st = store_id ? db_query(db, e, sql_store, "i", store_id)
				      : db_query(db, e, sql_company, "");
	if (!st)
		return db_fail(e);
	int rc = db_step(st, e);
	const char *d = rc == DB_ROW ? db_col_text(st, 0) : NULL;
	*out = d && strncmp(d, start, 7) <= 0;
	db_reset(st);
	return rc < 0 ? rc : 0;
}

int target_split_entry(struct db *db, struct arena *a, const struct actor *who,
		       const struct target_split_input *in, int64_t now, json_t **out,
		       struct err *e)
{
	char months[12][8];
	int64_t ly[12], w[12], amounts[12], bp[12];
	const char *basis = "store_last_year";
	(void)a;
	int n = period_months(in->period, months);
	if (n == 0)
		err_field(e, "period", "must be a year (2027) or a quarter (2027-Q1)");
	int rc = check_split(db, who, in, e);
	if (rc < 0)
		return rc;
	if ((rc = last_year(db, in->metric, in->store_id, in->category_id, months, n, ly, e)) < 0)
		return rc;
	memcpy(w, ly, sizeof w);
	int whole = 0;
	if (n > 0 && (rc = history_covers(db, in->store_id, months[0], &whole, e)) < 0)
		return rc;
	if (!whole || target_split(w, n, in->total, amounts, bp) < 0) {
		basis = "company_last_year";
		if ((rc = last_year(db, in->metric, 0, in->category_id, months, n, w, e)) < 0)
			return rc;
		if (n > 0 && (rc = history_covers(db, 0, months[0], &whole, e)) < 0)
			return rc;
		if (!whole || target_split(w, n, in->total, amounts, bp) < 0) {
			basis = "even";
			for (int i = 0; i < n; i++)
				w[i] = 1;
			target_split(w, n, in->total, amounts, bp);
		}
	}
	int64_t entry_id = 0;
	if (!in->dry_run &&
	    (rc = store_months(db, who, in, basis, months, amounts, n, now, &entry_id, e)) < 0)
		return rc;
	json_t *ms = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(ms, json_pack("{s:s,s:I,s:I,s:I}", "month", months[i],
						    "amount", (json_int_t)amounts[i], "last_year",
						    (json_int_t)ly[i], "share_bp", (json_int_t)bp[i]));
	*out = json_pack("{s:o,s:s,s:o}", "entry_id",
			 entry_id ? json_integer(entry_id) : json_null(), "basis", basis, "months",
			 ms);
	return 0;
}

int target_actual(struct db *db, struct arena *a, const char *metric, int64_t store_id,
		  int64_t user_id, int64_t category_id, const char *from, const char *to,
		  int64_t *out, struct err *e)
{
	struct staff_fact *f;
	int n, rc = staff_facts_load(db, a, from, to, store_id, category_id, user_id, &f, &n, e);
	int64_t rev = 0, vat = 0, cost = 0, units = 0;
	if (rc < 0)
		return rc;
	for (int i = 0; i < n; i++) {
		rev += f[i].revenue_x;
		vat += f[i].vat_x;
		cost += f[i].cost_x;
		units += f[i].units_x;
	}
	*out = metric_of(metric, staff_x_round(rev), staff_x_round(vat), staff_x_round(cost),
			 staff_x_round(units));
	return 0;
}

static int64_t attain_bp(int64_t actual, int64_t target)
{
	if (target <= 0)
		return 0;
	return (int64_t)(((__int128)actual * 10000 + target / 2) / target);
}

/* Rows of staff_targets as target_list reads them. */
#define TCOLS "t.id, t.entry_id, t.store_id, t.user_id, t.metric, t.category_id, t.month, " \
	      "t.amount, t.edited"

/* Reads the rows of st into items, each with its actual (one facts read
 * per category listed). */
static int rows_to_json(struct db *db, struct arena *a, struct db_stmt *st, json_t *items,
			struct err *e)
{
	int rc;
	while ((rc = db_step(st, e)) == DB_ROW) {
		int64_t eid = db_col_int64(st, 1);
		json_array_append_new(
			items,
			json_pack("{s:I,s:o,s:I,s:o,s:s,s:o,s:s,s:I,s:b}", "id",
				  (json_int_t)db_col_int64(st, 0), "entry_id",
				  eid ? json_integer(eid) : json_null(), "store_id",
				  (json_int_t)db_col_int64(st, 2), "user_id",
				  db_col_int64(st, 3) ? json_integer(db_col_int64(st, 3)) : json_null(),
				  "metric", db_col_text(st, 4), "category_id",
				  db_col_int64(st, 5) ? json_integer(db_col_int64(st, 5)) : json_null(),
				  "month", db_col_text(st, 6), "amount",
				  (json_int_t)db_col_int64(st, 7), "edited", (int)db_col_int64(st, 8)));
	}
	db_reset(st);
	if (rc < 0)
		return rc;
	/* actuals: one facts read per category over the months listed (one
	 * store when every row is of the same store) */
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		if (json_object_get(it, "actual"))
			continue;
		int64_t cat = json_integer_value(json_object_get(it, "category_id"));
		int64_t store = json_integer_value(json_object_get(it, "store_id"));
		char first[11] = "9999-12-31", last[11] = "0000-01-01", d1[11], d2[11];
		size_t j;
		json_t *o;
		json_array_foreach(items, j, o) {
			if (j < i || json_integer_value(json_object_get(o, "category_id")) != cat)
				continue;
			if (json_integer_value(json_object_get(o, "store_id")) != store)
				store = 0;
			target_month_days(json_string_value(json_object_get(o, "month")), d1, d2);
			if (strcmp(d1, first) < 0)
				memcpy(first, d1, sizeof first);
			if (strcmp(d2, last) > 0)
				memcpy(last, d2, sizeof last);
		}
		struct staff_fact *f;
		int n;
		if ((rc = staff_facts_load(db, a, first, last, store, cat, 0, &f, &n, e)) < 0)
			return rc;
		json_array_foreach(items, j, o) {
			if (j < i || json_integer_value(json_object_get(o, "category_id")) != cat)
				continue;
			const char *month = json_string_value(json_object_get(o, "month"));
			int64_t sid = json_integer_value(json_object_get(o, "store_id"));
			int64_t uid = json_integer_value(json_object_get(o, "user_id"));
			int64_t rev = 0, vat = 0, cost = 0, units = 0;
			for (int k = 0; k < n; k++) {
				if (f[k].store_id != sid || (uid && f[k].user_id != uid) ||
				    strncmp(f[k].day, month, 7) != 0)
					continue;
				rev += f[k].revenue_x;
				vat += f[k].vat_x;
				cost += f[k].cost_x;
				units += f[k].units_x;
			}
			int64_t act = metric_of(json_string_value(json_object_get(o, "metric")),
						staff_x_round(rev), staff_x_round(vat),
						staff_x_round(cost), staff_x_round(units));
			int64_t amt = json_integer_value(json_object_get(o, "amount"));
			json_object_set_new(o, "actual", json_integer(act));
			json_object_set_new(o, "attainment_bp", json_integer(attain_bp(act, amt)));
		}
	}
	return 0;
}

int target_list(struct db *db, struct arena *a, const struct actor *who,
		const struct target_filter *f, json_t **out, struct err *e)
{
	static const char sql[] =
		"SELECT " TCOLS " FROM staff_targets t WHERE (? = 0 OR t.store_id = ?) "
		"AND (? = 0 OR t.user_id = ?) AND (? = 0 OR t.user_id = 0) "
		"AND (CAST(? AS TEXT) IS NULL OR t.month = ?) "
		"AND (CAST(? AS TEXT) IS NULL OR substr(t.month, 1, 4) = ?) "
		"AND (CAST(? AS TEXT) IS NULL OR t.metric = ?) "
		"AND (? = 0 OR t.store_id IN (SELECT store_id FROM user_stores WHERE user_id = ?)) "
		"ORDER BY t.store_id, t.user_id, t.metric, t.category_id, t.month LIMIT 2000";
	int64_t uid = f->user_id > 0 ? f->user_id : 0, stores_only = f->user_id < 0;
	int64_t bound = who->user && (who->user->role & ROLE_STORE_BOUND) ? who->user->id : 0;
	if (!staff_is_manager(who)) {
		if (uid && uid != who->user->id)
			return err_set(e, ERR_NOT_FOUND, "no person %lld", (long long)uid);
		uid = who->user->id;
		stores_only = 0;
		bound = 0;
	}
	struct db_stmt *st = db_query(db, e, sql, "iiiiittttttii", f->store_id, f->store_id,
				      uid, uid, stores_only, f->month, f->month, f->year, f->year,
				      f->metric, f->metric, bound, bound);
	if (!st)
		return db_fail(e);
	json_t *items = json_array();
	int rc = rows_to_json(db, a, st, items, e);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = items;
	return 0;
}

int target_set_month(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		     int64_t amount, int rebalance, int64_t now, json_t **out, struct err *e)
{
	static const char sql_one[] =
		"SELECT t.entry_id, t.store_id, t.amount FROM staff_targets t WHERE t.id = ?";
	static const char sql_months[] =
		"SELECT t.id, t.amount, t.edited FROM staff_targets t WHERE t.entry_id = ? "
		"ORDER BY t.month";
	static const char sql_set[] =
		"UPDATE staff_targets SET amount = ?, edited = ?, updated_by = ?, updated_at = ? "
		"WHERE id = ?";
	static const char sql_entry[] =
		"SELECT " TCOLS " FROM staff_targets t WHERE t.entry_id = ? ORDER BY t.month";
	static const char sql_alone[] = "SELECT " TCOLS " FROM staff_targets t WHERE t.id = ?";
	int64_t entry = 0, store = 0, old = 0, ids[64], amts[64], uid = who->user ? who->user->id : 0;
	int locked[64], n = 0, idx = -1;
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	struct db_stmt *st = db_query(db, e, sql_one, "i", id);
	if ((rc = db_get_row(st, "target", id, e)) < 0)
		goto fail;
	entry = db_col_int64(st, 0);
	store = db_col_int64(st, 1);
	old = db_col_int64(st, 2);
	db_reset(st);
	if (!actor_sees_store(who, store)) {
		rc = err_set(e, ERR_NOT_FOUND, "no target %lld", (long long)id);
		goto fail;
	}
	if (entry && rebalance) {
		if (!(st = db_query(db, e, sql_months, "i", entry)))
			goto fail;
		while (n < 64 && (rc = db_step(st, e)) == DB_ROW) {
			ids[n] = db_col_int64(st, 0);
			amts[n] = db_col_int64(st, 1);
			locked[n] = (int)db_col_int64(st, 2);
			if (ids[n] == id)
				idx = n;
			n++;
		}
		db_reset(st);
		if (rc < 0)
			goto fail;
		int64_t before[64];
		memcpy(before, amts, sizeof(int64_t) * (size_t)n);
		if (idx < 0 || target_rebalance(amts, locked, n, idx, amount) < 0) {
			rc = err_set(e, ERR_STATE,
				     "the entry's other months (not edited by hand) cannot absorb "
				     "the difference");
			goto fail;
		}
		for (int i = 0; i < n; i++) {
			if (i == idx || amts[i] == before[i])
				continue;
			st = db_query(db, e, sql_set, "iiIii", amts[i], (int64_t)locked[i], uid, now,
				      ids[i]);
			if (!st || db_run(st, e) < 0)
				goto fail;
		}
	}
	st = db_query(db, e, sql_set, "iiIii", amount, (int64_t)1, uid, now, id);
	if (!st || db_run(st, e) < 0)
		goto fail;
	if ((rc = audit_commit(db, who, "update", "target", id, store,
			       json_pack("{s:I}", "amount", (json_int_t)old),
			       json_pack("{s:I,s:b}", "amount", (json_int_t)amount, "rebalance",
					 rebalance),
			       e)) < 0)
		goto fail;
	st = entry ? db_query(db, e, sql_entry, "i", entry) : db_query(db, e, sql_alone, "i", id);
	if (!st)
		return db_fail(e);
	json_t *items = json_array();
	if ((rc = rows_to_json(db, a, st, items, e)) < 0) {
		json_decref(items);
		return rc;
	}
	*out = items;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

int target_entries_list(struct db *db, struct arena *a, const struct actor *who,
			int64_t store_id, const char *period, json_t **out, struct err *e)
{
	static const char sql[] =
		"SELECT id, store_id, user_id, metric, category_id, period, total, basis, "
		"created_at, updated_at FROM target_entries WHERE (? = 0 OR store_id = ?) "
		"AND (CAST(? AS TEXT) IS NULL OR period = ?) "
		"AND (? = 0 OR store_id IN (SELECT store_id FROM user_stores WHERE user_id = ?)) "
		"ORDER BY store_id, user_id, metric, category_id, period LIMIT 2000";
	(void)a;
	int64_t bound = who->user && (who->user->role & ROLE_STORE_BOUND) ? who->user->id : 0;
	struct db_stmt *st = db_query(db, e, sql, "iittii", store_id, store_id, period, period,
				      bound, bound);
	if (!st)
		return db_fail(e);
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st, e)) == DB_ROW) {
		int64_t u = db_col_int64(st, 2), c = db_col_int64(st, 4);
		json_array_append_new(
			items,
			json_pack("{s:I,s:I,s:o,s:s,s:o,s:s,s:I,s:s,s:o,s:o}", "id",
				  (json_int_t)db_col_int64(st, 0), "store_id",
				  (json_int_t)db_col_int64(st, 1), "user_id",
				  u ? json_integer(u) : json_null(), "metric", db_col_text(st, 3),
				  "category_id", c ? json_integer(c) : json_null(), "period",
				  db_col_text(st, 5), "total", (json_int_t)db_col_int64(st, 6),
				  "basis", db_col_text(st, 7), "created_at",
				  jx_time(db_col_int64(st, 8)), "updated_at",
				  jx_time(db_col_int64(st, 9))));
	}
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = items;
	return 0;
}

int target_entry_delete(struct db *db, const struct actor *who, int64_t id, struct err *e)
{
	static const char sql_get[] =
		"SELECT store_id, period, metric, total FROM target_entries WHERE id = ?";
	static const char sql_months[] = "DELETE FROM staff_targets WHERE entry_id = ?";
	static const char sql_del[] = "DELETE FROM target_entries WHERE id = ?";
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	struct db_stmt *st = db_query(db, e, sql_get, "i", id);
	if ((rc = db_get_row(st, "target entry", id, e)) < 0)
		goto fail;
	int64_t store = db_col_int64(st, 0);
	json_t *before = json_pack("{s:s,s:s,s:I}", "period", db_col_text(st, 1), "metric",
				   db_col_text(st, 2), "total", (json_int_t)db_col_int64(st, 3));
	db_reset(st);
	if (!actor_sees_store(who, store)) {
		json_decref(before);
		rc = err_set(e, ERR_NOT_FOUND, "no target entry %lld", (long long)id);
		goto fail;
	}
	if (!(st = db_query(db, e, sql_months, "i", id)) || db_run(st, e) < 0 ||
	    !(st = db_query(db, e, sql_del, "i", id)) || db_run(st, e) < 0) {
		json_decref(before);
		goto fail;
	}
	if ((rc = audit_commit(db, who, "delete", "target_entry", id, store, before, NULL, e)) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

int target_attainment(struct db *db, struct arena *a, int64_t store_id, int64_t user_id,
		      const char *month, const char *today, json_t **out, struct err *e)
{
	static const char sql[] =
		"SELECT metric, category_id, CAST(SUM(amount) AS BIGINT) FROM staff_targets "
		"WHERE month = ? AND user_id = ? AND (? = 0 OR store_id = ?) "
		"GROUP BY metric, category_id ORDER BY metric, category_id";
	char first[11], last[11];
	int dim = target_month_days(month, first, last);
	if (dim == 0)
		return err_field(e, "month", "must be YYYY-MM"), err_fields_done(e);
	int elapsed;
	if (strcmp(today, first) < 0)
		elapsed = 0;
	else if (strcmp(today, last) > 0)
		elapsed = dim;
	else
		elapsed = (today[8] - '0') * 10 + (today[9] - '0');
	int left = dim - elapsed;
	struct db_stmt *st = db_query(db, e, sql, "tiii", month, user_id, store_id, store_id);
	if (!st)
		return db_fail(e);
	struct row {
		char metric[16];
		int64_t cat, target;
	} rows[32];
	int n = 0, rc;
	while (n < 32 && (rc = db_step(st, e)) == DB_ROW) {
		snprintf(rows[n].metric, sizeof rows[n].metric, "%s", db_col_text(st, 0));
		rows[n].cat = db_col_int64(st, 1);
		rows[n].target = db_col_int64(st, 2);
		n++;
	}
	db_reset(st);
	if (rc < 0)
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		int64_t act;
		if ((rc = target_actual(db, a, rows[i].metric, store_id, user_id, rows[i].cat, first,
					last, &act, e)) < 0) {
			json_decref(items);
			return rc;
		}
		int64_t rem = rows[i].target > act ? rows[i].target - act : 0;
		int64_t need = left > 0 ? (rem + left - 1) / left : rem;
		int64_t proj = elapsed > 0 ? (int64_t)((__int128)act * dim / elapsed) : 0;
		json_array_append_new(
			items, json_pack("{s:s,s:o,s:I,s:I,s:I,s:I,s:I,s:I}", "metric",
					 rows[i].metric, "category_id",
					 rows[i].cat ? json_integer(rows[i].cat) : json_null(),
					 "target", (json_int_t)rows[i].target, "actual",
					 (json_int_t)act, "attainment_bp",
					 (json_int_t)attain_bp(act, rows[i].target), "remaining",
					 (json_int_t)rem, "run_rate_needed", (json_int_t)need,
					 "projected", (json_int_t)proj));
	}
	*out = json_pack("{s:s,s:i,s:i,s:i,s:o}", "month", month, "days_in_month", dim,
			 "days_elapsed", elapsed, "days_left", left, "items", items);
	return 0;
}
