/* demo_staff_targets.c: the demo company's targets and footfall: revenue
 * targets for this year and next for each direct store and each of its
 * salespeople, split by the same seasonal split the API uses; and door
 * counts for the last 120 days, by hour, following the hours' sales so that
 * conversion lands between about 12 and 25 %. */
#include "domain/demo/demo_internal.h"

#include <stdio.h>
#include <string.h>

#include "base/timeutil.h"
#include "domain/staff/target.h"

/* A year's revenue of a store at the pace of the 12 months before end_day:
 * the revenue of the days it has sales in that window, scaled to 365 days,
 * so a store with a short history is not given a quarter's worth. */
static int store_revenue(struct db *db, int64_t store, const char *from, const char *to,
			 int64_t *out, struct err *e)
{
	static const char sql[] =
		"SELECT CAST(COALESCE(SUM(revenue), 0) AS BIGINT), MIN(day) FROM rollup_day_store "
		"WHERE store_id = ? AND day >= ? AND day <= ?";
	struct db_stmt *st = db_query(db, e, sql, "itt", store, from, to);
	if (!st)
		return db_fail(e);
	int rc = db_step(st, e);
	int64_t rev = 0, first = 0, last = 0;
	if (rc == DB_ROW) {
		rev = db_col_int64(st, 0);
		const char *d = db_col_text(st, 1);
		if (d && ts_day_number(d, &first) == 0 && ts_day_number(to, &last) == 0 &&
		    last - first + 1 < 365)
			rev = rev / (last - first + 1) * 365;
	}
	db_reset(st);
	if (rc < 0)
		return rc;
	*out = rev;
	return 0;
}

static int targets(struct db *db, struct arena *a, const char *end_day, struct err *e)
{
	static const char sql_stores[] =
		"SELECT id FROM stores WHERE channel = 'direct' AND active = 1 ORDER BY id";
	static const char sql_sales[] =
		"SELECT u.id FROM users u JOIN user_stores us ON us.user_id = u.id "
		"WHERE us.store_id = ? AND u.role = 'sales' AND u.active = 1 ORDER BY u.id";
	static const struct actor system = {0};
	int64_t stores[64], people[16];
	int ns = 0, rc;
	struct db_stmt *st = db_query(db, e, sql_stores, "");
	if (!st)
		return db_fail(e);
	while (ns < 64 && (rc = db_step(st, e)) == DB_ROW)
		stores[ns++] = db_col_int64(st, 0);
	db_reset(st);
	if (rc < 0)
		return rc;
	char from[24], year[12], next[12];
	int y = (end_day[0] - '0') * 1000 + (end_day[1] - '0') * 100 + (end_day[2] - '0') * 10 +
		(end_day[3] - '0');
	snprintf(from, sizeof from, "%04d%s", y - 1, end_day + 4);
	snprintf(year, sizeof year, "%04d", y);
	snprintf(next, sizeof next, "%04d", y + 1);
	for (int i = 0; i < ns; i++) {
		int64_t rev = 0;
		if ((rc = store_revenue(db, stores[i], from, end_day, &rev, e)) < 0)
			return rc;
		int np = 0;
		if (!(st = db_query(db, e, sql_sales, "i", stores[i])))
			return db_fail(e);
		while (np < 16 && (rc = db_step(st, e)) == DB_ROW)
			people[np++] = db_col_int64(st, 0);
		db_reset(st);
		if (rc < 0)
			return rc;
		for (int k = 0; k < 2; k++) {
			/* this year at last year's pace plus 8 %, next year 15 % */
			int64_t total = rev / 100 * (k ? 115 : 108);
			total -= total % 10000; /* whole hundreds of yuan */
			struct target_split_input in = {.store_id = stores[i], .metric = "revenue",
							.period = k ? next : year, .total = total};
			json_t *o;
			if ((rc = target_split_entry(db, a, &system, &in, ts_now_ms(), &o, e)) < 0)
				return rc;
			json_decref(o);
			for (int p = 0; p < np; p++) {
				/* the salespeople carry 80 % of the store between them */
				in.user_id = people[p];
				in.total = total * 80 / 100 / np;
				in.total -= in.total % 100;
				if ((rc = target_split_entry(db, a, &system, &in, ts_now_ms(), &o, e)) < 0)
					return rc;
				json_decref(o);
			}
		}
	}
	return 0;
}

/* Door counts for the last 120 days of each direct store: an hour's entries
 * are its sales over a conversion drawn per store and day (12–25 %), and a
 * few visitors in open hours without a sale. */
static int footfall(struct db *db, const char *end_day, struct err *e)
{
	static const char sql[] =
		"SELECT h.day, h.store_id, h.hour, h.orders FROM rollup_day_store_hour h "
		"JOIN stores s ON s.id = h.store_id WHERE s.channel = 'direct' "
		"AND h.day >= ? AND h.day <= ? AND h.orders > 0 ORDER BY h.store_id, h.day, h.hour";
	char from[11];
	int64_t z;
	if (ts_day_number(end_day, &z) < 0)
		return err_set(e, ERR_INVALID, "bad end day %s", end_day);
	ts_day_from_number(z - 119, from);
	struct db_stmt *st = db_query(db, e, sql, "tt", from, end_day);
	if (!st)
		return db_fail(e);
	struct bulk *b = bulk_new(db, "footfall (store_id, day, hour, entries, source, updated_by, "
				  "updated_at)", 7);
	struct rng r = {.s = 0x5eed1e55u};
	int64_t now = ts_now_ms(), cur_store = 0;
	char cur_day[11] = "";
	double conv = 0.18;
	int rc, last_hour = -1;
	while ((rc = db_step(st, e)) == DB_ROW) {
		const char *day = db_col_text(st, 0);
		int64_t store = db_col_int64(st, 1), orders = db_col_int64(st, 3);
		int hour = (int)db_col_int64(st, 2);
		if (store != cur_store || strcmp(day, cur_day) != 0) {
			cur_store = store;
			snprintf(cur_day, sizeof cur_day, "%s", day);
			conv = 0.12 + 0.13 * rng_unit(&r);
			last_hour = -1;
		}
		/* open hours before this one without a sale: a few visitors */
		for (int h = last_hour < 0 ? 9 : last_hour + 1; h < hour; h++) {
			bulk_int(b, store);
			bulk_text(b, cur_day);
			bulk_int(b, h);
			bulk_int(b, 1 + rng_below(&r, 4));
			bulk_text(b, "import");
			bulk_null(b);
			bulk_int(b, now);
			if ((rc = bulk_row(b, e)) < 0)
				goto out;
		}
		last_hour = hour;
		bulk_int(b, store);
		bulk_text(b, cur_day);
		bulk_int(b, hour);
		bulk_int(b, (int64_t)((double)orders / conv + 0.5));
		bulk_text(b, "import");
		bulk_null(b);
		bulk_int(b, now);
		if ((rc = bulk_row(b, e)) < 0)
			goto out;
	}
	if (rc >= 0)
		rc = bulk_flush(b, e);
out:
	db_reset(st);
	bulk_free(b);
	return rc < 0 ? rc : 0;
}

int demo_staff_targets(struct db *db, const char *end_day, struct err *e)
{
	char today[11];
	if (!end_day) {
		ts_day(ts_now_ms(), today, sizeof today);
		end_day = today;
	}
	struct arena *a = arena_new();
	int rc = targets(db, a, end_day, e);
	arena_free(a);
	if (rc < 0)
		return rc;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = footfall(db, end_day, e)) < 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, e);
}
