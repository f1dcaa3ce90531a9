/* forecast_data.c: a series' history read from the sales rollups, its
 * forecast (forecast_series auto, holidays as known events) and the stored
 * forecasts that GET /forecasts and the nightly job read and write. */
#include "analytics/forecast_data.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/jx.h"
#include "base/timeutil.h"

const char *fcd_grain_name(enum fcd_grain g)
{
	return g == FCD_DAY ? "day" : g == FCD_WEEK ? "week" : "month";
}

int fcd_grain_parse(const char *s)
{
	if (!s)
		return -1;
	if (strcmp(s, "day") == 0)
		return FCD_DAY;
	if (strcmp(s, "week") == 0)
		return FCD_WEEK;
	if (strcmp(s, "month") == 0)
		return FCD_MONTH;
	return -1;
}

const char *fcd_measure(const struct fcd_key *k)
{
	return k->product_id ? "units" : "revenue";
}

int fcd_history_len(enum fcd_grain g)
{
	return g == FCD_DAY ? FCD_DAY_HISTORY : g == FCD_WEEK ? FCD_WEEK_HISTORY : FCD_MONTH_HISTORY;
}

int fcd_horizon(enum fcd_grain g)
{
	return g == FCD_DAY ? FCD_DAY_HORIZON : g == FCD_WEEK ? FCD_WEEK_HORIZON : FCD_MONTH_HORIZON;
}

static int64_t floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Year and month of a 'YYYY-MM-DD'. */
static void year_month(const char *d, int *y, int *m)
{
	*y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
	*m = (d[5] - '0') * 10 + (d[6] - '0');
}

int64_t fcd_period_index(enum fcd_grain g, int64_t dn)
{
	if (g == FCD_DAY)
		return dn;
	if (g == FCD_WEEK)
		return floordiv(dn - 4, 7); /* 1970-01-05 was a Monday */
	char d[11];
	int y, m;
	ts_day_from_number(dn, d);
	year_month(d, &y, &m);
	return (int64_t)y * 12 + m - 1;
}

/* The first day (day number) of a period. */
static int64_t period_first_day(enum fcd_grain g, int64_t p)
{
	if (g == FCD_DAY)
		return p;
	if (g == FCD_WEEK)
		return p * 7 + 4;
	char d[32];
	int64_t dn = 0;
	snprintf(d, sizeof d, "%04d-%02d-01", (int)(p / 12) % 10000, (int)(p % 12) + 1);
	ts_day_number(d, &dn);
	return dn;
}

void fcd_period_text(enum fcd_grain g, int64_t p, char *out)
{
	if (g == FCD_MONTH)
		snprintf(out, 11, "%04d-%02d", (int)(p / 12) % 10000, (int)(p % 12) + 1);
	else
		ts_day_from_number(period_first_day(g, p), out);
}

/* ---- holidays as known events (pure) ---- */

int fcd_forecast_holidays(const double *y, int n, int m, const unsigned char *past, int h,
			  const unsigned char *future, struct fc_out *out, double *ratio)
{
	double *z = xmalloc((size_t)(n > 0 ? n : 1) * sizeof *z);
	double sum_act = 0, sum_exp = 0, plain = 0;
	int nplain = 0, nhol = 0;
	*ratio = 1;
	for (int i = 0; i < n; i++) {
		z[i] = y[i];
		if (!past || !past[i]) {
			plain += y[i];
			nplain++;
		}
	}
	plain = nplain ? plain / nplain : 0;
	for (int i = 0; past && i < n; i++) {
		if (!past[i])
			continue;
		double s = 0;
		int k = 0;
		static const int off[4] = {-2, -1, 1, 2};
		for (int j = 0; j < 4; j++) {
			int t = i + off[j] * (m > 1 ? m : 1);
			if (t >= 0 && t < n && !past[t]) {
				s += y[t];
				k++;
			}
		}
		double expect = k ? s / k : plain;
		z[i] = expect;
		sum_act += y[i];
		sum_exp += expect;
		nhol++;
	}
	int rc = forecast_series(z, n, m, h, FC_AUTO, out);
	free(z);
	if (rc < 0)
		return rc;
	if (nhol && sum_exp > 0) {
		double r = sum_act / sum_exp;
		*ratio = r < 0.1 ? 0.1 : r > 10 ? 10 : r;
	}
	for (int j = 0; future && j < h && *ratio != 1; j++) {
		if (!future[j])
			continue;
		out->mean[j] *= *ratio;
		out->lower_80[j] *= *ratio;
		out->upper_80[j] *= *ratio;
		out->lower_95[j] *= *ratio;
		out->upper_95[j] *= *ratio;
	}
	return 0;
}

static int has_day(const int64_t *days, int n, int64_t d)
{
	int lo = 0, hi = n - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		if (days[mid] == d)
			return 1;
		if (days[mid] < d)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return 0;
}

static int64_t clamp_minor(double x)
{
	if (!isfinite(x))
		return 0;
	if (x > 9e15)
		return (int64_t)9e15;
	if (x < -9e15)
		return (int64_t)-9e15;
	return (int64_t)llround(x);
}

int fcd_compute(struct fcd_series *s, const int64_t *holidays, int nholidays)
{
	enum fcd_grain g = s->key.grain;
	int h = fcd_horizon(g), m = g == FCD_DAY ? 7 : g == FCD_MONTH ? 12 : (s->n >= 104 ? 52 : 1);
	double mean[FCD_DAY_HORIZON], l80[FCD_DAY_HORIZON], u80[FCD_DAY_HORIZON],
		l95[FCD_DAY_HORIZON], u95[FCD_DAY_HORIZON];
	struct fc_out o = {.mean = mean, .lower_80 = l80, .upper_80 = u80, .lower_95 = l95,
			   .upper_95 = u95};
	unsigned char *past = NULL, future[FCD_DAY_HORIZON] = {0};
	if (g == FCD_DAY && nholidays > 0) {
		past = xcalloc((size_t)s->n, 1);
		for (int i = 0; i < s->n; i++)
			past[i] = (unsigned char)has_day(holidays, nholidays, s->first + i);
		for (int j = 0; j < h; j++)
			future[j] = (unsigned char)has_day(holidays, nholidays, s->first + s->n + j);
	}
	s->h = h;
	s->rc = fcd_forecast_holidays(s->y, s->n, m, past, h, past ? future : NULL, &o,
				      &s->holiday_ratio);
	free(past);
	if (s->rc < 0)
		return s->rc;
	for (int j = 0; j < h; j++) {
		s->mean[j] = clamp_minor(mean[j] < 0 ? 0 : mean[j]);
		s->lower_80[j] = clamp_minor(l80[j] < 0 ? 0 : l80[j]);
		s->upper_80[j] = clamp_minor(u80[j]);
		s->lower_95[j] = clamp_minor(l95[j] < 0 ? 0 : l95[j]);
		s->upper_95[j] = clamp_minor(u95[j]);
	}
	snprintf(s->model, sizeof s->model, "%s", o.model);
	if (s->holiday_ratio != 1)
		snprintf(s->reason, sizeof s->reason, "%s; holidays ×%.2f", o.reason,
			 s->holiday_ratio);
	else
		snprintf(s->reason, sizeof s->reason, "%s", o.reason);
	s->backtest_mase = o.backtest_mase;
	return 0;
}

void fcd_series_free(struct fcd_series *s)
{
	free(s->y);
	s->y = NULL;
}

void fcd_series_list_free(struct fcd_series *list, int n)
{
	for (int i = 0; i < n; i++)
		fcd_series_free(&list[i]);
	free(list);
}

/* ---- reading ---- */

static const char SQL_HOLIDAYS_RANGE[] =
	"SELECT day FROM holidays WHERE day >= ? AND day <= ? ORDER BY day";

int fcd_holidays_load(struct db *db, int64_t from, int64_t to, int64_t **days, int *n,
		      struct err *e)
{
	char f[11], t[11];
	int rc, cap = 16;
	ts_day_from_number(from, f);
	ts_day_from_number(to, t);
	*n = 0;
	*days = xmalloc((size_t)cap * sizeof **days);
	struct db_stmt *st = db_query(db, e, SQL_HOLIDAYS_RANGE, "tt", f, t);
	if (!st)
		return db_fail(e);
	while ((rc = db_step(st, e)) == DB_ROW) {
		int64_t dn;
		if (ts_day_number(db_col_text(st, 0), &dn) < 0)
			continue;
		if (*n == cap) {
			cap *= 2;
			*days = xrealloc(*days, (size_t)cap * sizeof **days);
		}
		(*days)[(*n)++] = dn;
	}
	db_reset(st);
	return rc < 0 ? db_fail(e) : 0;
}

/* The first and last period of the history at today, and its days. */
static void history_span(enum fcd_grain g, int64_t today, int64_t *p0, int64_t *p1,
			 int64_t *d0, int64_t *d1)
{
	*p1 = fcd_period_index(g, today) - 1;
	*p0 = *p1 - fcd_history_len(g) + 1;
	*d0 = period_first_day(g, *p0);
	*d1 = period_first_day(g, *p1 + 1) - 1;
}

/* Drops the leading periods without sales from y[0..len-1] (period p0 at
 * index 0) into s; a single 0 when there is none. A week or month in which
 * the sales began is dropped too (it holds only part of the period) when
 * three or more follow. Takes y. */
static void history_set(struct fcd_series *s, double *y, int len, int64_t p0)
{
	int i = 0;
	while (i < len && y[i] == 0)
		i++;
	if (i > 0 && s->key.grain != FCD_DAY && len - i > 3)
		i++;
	if (i == len) {
		s->first = p0 + len - 1;
		s->n = 1;
		y[0] = 0;
		s->y = y;
		return;
	}
	memmove(y, y + i, (size_t)(len - i) * sizeof *y);
	s->first = p0 + i;
	s->n = len - i;
	s->y = y;
}

static const char SQL_HIST_PRODUCT[] =
	"SELECT day, SUM(units) FROM rollup_day_store_product WHERE product_id = ?"
	" AND day >= ? AND day <= ? AND (? = 0 OR store_id = ?) GROUP BY day";
static const char SQL_HIST_CATEGORY[] =
	"SELECT day, SUM(revenue) FROM rollup_day_store_category_tree WHERE category_id = ?"
	" AND day >= ? AND day <= ? AND (? = 0 OR store_id = ?) GROUP BY day";
static const char SQL_HIST_STORE[] =
	"SELECT day, SUM(revenue) FROM rollup_day_store WHERE ? = 0"
	" AND day >= ? AND day <= ? AND (? = 0 OR store_id = ?) GROUP BY day";

int fcd_history(struct db *db, struct fcd_series *s, int64_t today, struct err *e)
{
	const struct fcd_key *k = &s->key;
	int64_t p0, p1, d0, d1;
	char f[11], t[11];
	history_span(k->grain, today, &p0, &p1, &d0, &d1);
	ts_day_from_number(d0, f);
	ts_day_from_number(d1, t);
	const char *sql = k->product_id ? SQL_HIST_PRODUCT
			  : k->category_id ? SQL_HIST_CATEGORY : SQL_HIST_STORE;
	int64_t id = k->product_id ? k->product_id : k->category_id;
	int len = (int)(p1 - p0 + 1), rc;
	double *y = xcalloc((size_t)len, sizeof *y);
	struct db_stmt *st = db_query(db, e, sql, "ittii", id, f, t, k->store_id, k->store_id);
	if (!st) {
		free(y);
		return db_fail(e);
	}
	while ((rc = db_step(st, e)) == DB_ROW) {
		int64_t dn;
		if (ts_day_number(db_col_text(st, 0), &dn) < 0)
			continue;
		int64_t i = fcd_period_index(k->grain, dn) - p0;
		if (i >= 0 && i < len)
			y[i] += (double)db_col_int64(st, 1);
	}
	db_reset(st);
	if (rc < 0) {
		free(y);
		return db_fail(e);
	}
	history_set(s, y, len, p0);
	return 0;
}

/* ---- storing ---- */

static const char SQL_SERIES_ID[] =
	"SELECT id FROM forecast_series WHERE store_id = ? AND product_id = ?"
	" AND category_id = ? AND grain = ?";
/* One statement, so that two writers of the same series (the job and a
 * refresh) queue on its row instead of both inserting it. */
static const char SQL_SERIES_UPSERT[] =
	"INSERT INTO forecast_series (store_id, product_id, category_id, grain, measure, model,"
	" reason, backtest_mase_e4, history_end, fitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	" ON CONFLICT (store_id, product_id, category_id, grain) DO UPDATE SET"
	" measure = excluded.measure, model = excluded.model, reason = excluded.reason,"
	" backtest_mase_e4 = excluded.backtest_mase_e4, history_end = excluded.history_end,"
	" fitted_at = excluded.fitted_at RETURNING id";
static const char SQL_POINTS_DELETE[] = "DELETE FROM forecast_points WHERE series_id = ?";
/* The points of a series in one statement (one round trip on PostgreSQL):
 * one text per horizon. */
#define PT "(?, ?, ?, ?, ?, ?, ?, ?)"
#define PT2 PT ", " PT
#define PT4 PT2 ", " PT2
#define PT6 PT4 ", " PT2
#define PT12 PT6 ", " PT6
#define PT13 PT12 ", " PT
#define PT28 PT12 ", " PT12 ", " PT4
#define POINTS_INSERT                                                                    \
	"INSERT INTO forecast_points (series_id, step, period, mean, lower_80, upper_80,"  \
	" lower_95, upper_95) VALUES "
static const char SQL_POINTS_6[] = POINTS_INSERT PT6;
static const char SQL_POINTS_13[] = POINTS_INSERT PT13;
static const char SQL_POINTS_28[] = POINTS_INSERT PT28;
_Static_assert(FCD_MONTH_HORIZON == 6 && FCD_WEEK_HORIZON == 13 && FCD_DAY_HORIZON == 28,
	       "one points statement per horizon");

/* Inserts s's h points of series id. 0 or negative. */
static int insert_points(struct db *db, int64_t id, const struct fcd_series *s, struct err *e)
{
	const char *sql = s->h == 6 ? SQL_POINTS_6 : s->h == 13 ? SQL_POINTS_13 : SQL_POINTS_28;
	if (s->h != 6 && s->h != 13 && s->h != 28)
		return err_set(e, ERR_INTERNAL, "no points statement for horizon %d", s->h);
	struct db_stmt *st = db_prepare(db, sql, e);
	if (!st)
		return db_fail(e);
	char period[11];
	for (int j = 0; j < s->h; j++) {
		int b = j * 8;
		fcd_period_text(s->key.grain, s->first + s->n + j, period);
		db_bind_int64(st, b + 1, id);
		db_bind_int64(st, b + 2, (int64_t)j + 1);
		db_bind_text(st, b + 3, period);
		db_bind_int64(st, b + 4, s->mean[j]);
		db_bind_int64(st, b + 5, s->lower_80[j]);
		db_bind_int64(st, b + 6, s->upper_80[j]);
		db_bind_int64(st, b + 7, s->lower_95[j]);
		db_bind_int64(st, b + 8, s->upper_95[j]);
	}
	return db_run(st, e);
}

static int store_in_tx(struct db *db, const struct fcd_series *s, int64_t now, struct err *e)
{
	const struct fcd_key *k = &s->key;
	const char *grain = fcd_grain_name(k->grain);
	char end[11];
	int64_t id = 0, mase = s->backtest_mase >= 0 && s->backtest_mase < 1e9
				       ? (int64_t)llround(s->backtest_mase * 10000) : -1;
	int rc;
	fcd_period_text(k->grain, s->first + s->n - 1, end);
	rc = db_int(db_query(db, e, SQL_SERIES_UPSERT, "iiittttMti", k->store_id, k->product_id,
			     k->category_id, grain, fcd_measure(k), s->model, s->reason, mase, end,
			     now),
		    &id, e);
	if (rc < 0)
		return rc;
	if (!id)
		return err_set(e, ERR_DB, "the forecast series was not stored");
	if ((rc = db_write(db, e, SQL_POINTS_DELETE, "i", id)) < 0)
		return rc;
	return insert_points(db, id, s, e);
}

int fcd_store(struct db *db, const struct fcd_series *s, int64_t now, struct err *e)
{
	if (db_in_tx(db))
		return store_in_tx(db, s, now, e);
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	if ((rc = store_in_tx(db, s, now, e)) < 0 || (rc = db_commit(db, e)) < 0) {
		db_rollback(db);
		return rc;
	}
	return 0;
}

/* ---- the answer ---- */

static const char SQL_STORE_EXISTS[] = "SELECT 1 FROM stores WHERE id = ?";
static const char SQL_PRODUCT_EXISTS[] = "SELECT 1 FROM products WHERE id = ?";
static const char SQL_CATEGORY_EXISTS[] = "SELECT 1 FROM categories WHERE id = ?";

/* ERR_NOT_FOUND "no <what> <id>" when id is given and absent. */
static int must_exist(struct db *db, const char *sql, const char *what, int64_t id,
		      struct err *e)
{
	if (!id)
		return 0;
	int rc = db_exists(db_query(db, e, sql, "i", id), e);
	if (rc < 0)
		return rc;
	if (!rc)
		return err_set(e, ERR_NOT_FOUND, "no %s %lld", what, (long long)id);
	return 0;
}

static const char SQL_SERIES_GET[] =
	"SELECT id, model, reason, backtest_mase_e4, fitted_at FROM forecast_series"
	" WHERE store_id = ? AND product_id = ? AND category_id = ? AND grain = ?";
static const char SQL_POINTS_GET[] =
	"SELECT period, mean, lower_80, upper_80, lower_95, upper_95 FROM forecast_points"
	" WHERE series_id = ? ORDER BY step";

/* A value of the measure: units (from thousandths) or fen. */
static json_t *measure_json(int units, int64_t v)
{
	return units ? jx_qty_value(v) : json_integer(v);
}

static json_t *id_json(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

/* Computes and stores key's forecast; its history stays in s. */
static int compute_store(struct db *db, struct fcd_series *s, int64_t today, int64_t now,
			 struct err *e)
{
	int64_t *hol = NULL;
	int nhol = 0, rc;
	if ((rc = fcd_history(db, s, today, e)) < 0)
		return rc;
	if (s->key.grain == FCD_DAY &&
	    (rc = fcd_holidays_load(db, s->first, today + FCD_DAY_HORIZON, &hol, &nhol, e)) < 0) {
		free(hol);
		return rc;
	}
	rc = fcd_compute(s, hol, nhol);
	free(hol);
	if (rc < 0)
		return err_set(e, ERR_INVALID, "the series cannot be forecast");
	return fcd_store(db, s, now, e);
}

int forecast_get(struct db *db, const struct fcd_key *key, int refresh, int64_t now,
		 json_t **out, struct err *e)
{
	struct fcd_series s = {.key = *key};
	char today_s[11], period[11];
	int64_t today = 0, id = 0;
	int rc, units = key->product_id != 0;
	const char *grain = fcd_grain_name(key->grain);
	ts_day(now, today_s, sizeof today_s);
	ts_day_number(today_s, &today);
	if ((rc = must_exist(db, SQL_STORE_EXISTS, "store", key->store_id, e)) < 0 ||
	    (rc = must_exist(db, SQL_PRODUCT_EXISTS, "product", key->product_id, e)) < 0 ||
	    (rc = must_exist(db, SQL_CATEGORY_EXISTS, "category", key->category_id, e)) < 0)
		return rc;
	if (!refresh) {
		rc = db_int(db_query(db, e, SQL_SERIES_ID, "iiit", key->store_id, key->product_id,
				     key->category_id, grain),
			    &id, e);
		if (rc < 0)
			return rc;
	}
	if (!id) {
		if ((rc = compute_store(db, &s, today, now, e)) < 0)
			goto done;
	} else if ((rc = fcd_history(db, &s, today, e)) < 0) {
		goto done;
	}
	struct db_stmt *st = db_query(db, e, SQL_SERIES_GET, "iiit", key->store_id,
				      key->product_id, key->category_id, grain);
	if (!st) {
		rc = db_fail(e);
		goto done;
	}
	if ((rc = db_step(st, e)) != DB_ROW) {
		db_reset(st);
		rc = rc < 0 ? rc : err_set(e, ERR_NOT_FOUND, "no forecast");
		goto done;
	}
	id = db_col_int64(st, 0);
	json_t *o = json_pack("{s:o, s:o, s:o, s:s, s:s, s:s, s:s}", "store_id",
			      id_json(key->store_id), "product_id", id_json(key->product_id),
			      "category_id", id_json(key->category_id), "grain", grain, "measure",
			      fcd_measure(key), "model", db_col_text(st, 1), "reason",
			      db_col_text(st, 2));
	json_object_set_new(o, "backtest_mase",
			    db_col_null(st, 3) ? json_null()
					       : json_real((double)db_col_int64(st, 3) / 10000));
	json_object_set_new(o, "fitted_at", jx_time(db_col_int64(st, 4)));
	db_reset(st);
	json_t *hist = json_array(), *fc = json_array();
	for (int i = 0; i < s.n; i++) {
		fcd_period_text(key->grain, s.first + i, period);
		json_array_append_new(hist, json_pack("{s:s, s:o}", "period", period, "value",
						      measure_json(units, (int64_t)llround(s.y[i]))));
	}
	json_object_set_new(o, "history", hist);
	json_object_set_new(o, "forecast", fc);
	if (!(st = db_query(db, e, SQL_POINTS_GET, "i", id))) {
		json_decref(o);
		rc = db_fail(e);
		goto done;
	}
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(
			fc, json_pack("{s:s, s:o, s:o, s:o, s:o, s:o}", "period", db_col_text(st, 0),
				      "mean", measure_json(units, db_col_int64(st, 1)), "lower_80",
				      measure_json(units, db_col_int64(st, 2)), "upper_80",
				      measure_json(units, db_col_int64(st, 3)), "lower_95",
				      measure_json(units, db_col_int64(st, 4)), "upper_95",
				      measure_json(units, db_col_int64(st, 5))));
	db_reset(st);
	if (rc < 0) {
		json_decref(o);
		rc = db_fail(e);
		goto done;
	}
	*out = o;
	rc = 0;
done:
	fcd_series_free(&s);
	return rc;
}

/* ---- the nightly job's pieces ---- */

static const char SQL_ACTIVE_STORES[] =
	"SELECT DISTINCT store_id FROM rollup_day_store WHERE day >= ? AND day <= ?"
	" AND revenue > 0 ORDER BY store_id";

int fcd_active_stores(struct db *db, int64_t today, int64_t **ids, int *n, struct err *e)
{
	char f[11], t[11];
	int rc, cap = 64;
	ts_day_from_number(today - FCD_ACTIVE_DAYS, f);
	ts_day_from_number(today - 1, t);
	*n = 0;
	*ids = xmalloc((size_t)cap * sizeof **ids);
	struct db_stmt *st = db_query(db, e, SQL_ACTIVE_STORES, "tt", f, t);
	if (!st)
		return db_fail(e);
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (*n == cap) {
			cap *= 2;
			*ids = xrealloc(*ids, (size_t)cap * sizeof **ids);
		}
		(*ids)[(*n)++] = db_col_int64(st, 0);
	}
	db_reset(st);
	return rc < 0 ? db_fail(e) : 0;
}

static const char SQL_TOTALS_PRODUCT[] =
	"SELECT product_id, day, SUM(units) FROM rollup_day_store_product WHERE day >= ?"
	" AND day <= ? GROUP BY product_id, day ORDER BY product_id";
static const char SQL_TOTALS_CATEGORY[] =
	"SELECT category_id, day, SUM(revenue) FROM rollup_day_store_category_tree WHERE day >= ?"
	" AND day <= ? AND category_id > 0 GROUP BY category_id, day ORDER BY category_id";
static const char SQL_TOTALS_STORE[] =
	"SELECT store_id, day, revenue FROM rollup_day_store WHERE day >= ? AND day <= ?"
	" ORDER BY store_id";

/* Appends a series of key to out (n of cap used), taking y (len values,
 * period p0 first). */
static void series_push(struct fcd_series **out, int *n, int *cap, struct fcd_key key,
			double *y, int len, int64_t p0)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		*out = xrealloc(*out, (size_t)*cap * sizeof **out);
	}
	struct fcd_series *s = &(*out)[(*n)++];
	memset(s, 0, sizeof *s);
	s->key = key;
	history_set(s, y, len, p0);
}

/* Appends a series of key's grain g from the daily values v[0..nd-1]
 * (day d0 first) to out. */
static void add_grain(struct fcd_series **out, int *n, int *cap, struct fcd_key key,
		      enum fcd_grain g, const double *v, int nd, int64_t d0, int64_t today)
{
	int64_t p0, p1, a, b;
	history_span(g, today, &p0, &p1, &a, &b);
	int len = (int)(p1 - p0 + 1);
	double *y = xcalloc((size_t)len, sizeof *y);
	for (int i = 0; i < nd; i++) {
		if (v[i] == 0)
			continue;
		int64_t k = fcd_period_index(g, d0 + i) - p0;
		if (k >= 0 && k < len)
			y[k] += v[i];
	}
	key.grain = g;
	series_push(out, n, cap, key, y, len, p0);
}

int fcd_load_totals(struct db *db, enum fcd_kind kind, int64_t today, struct fcd_series **out,
		    int *n, struct err *e)
{
	/* the longest window of the two grains: its first day to yesterday */
	int64_t p0, p1, d0, d1, w0, w1, x, cur = 0;
	history_span(FCD_MONTH, today, &p0, &p1, &d0, &d1);
	history_span(FCD_WEEK, today, &p0, &p1, &w0, &w1);
	if (w0 < d0)
		d0 = w0;
	d1 = today - 1;
	char f[11], t[11];
	ts_day_from_number(d0, f);
	ts_day_from_number(d1, t);
	const char *sql = kind == FCD_PRODUCTS ? SQL_TOTALS_PRODUCT
			  : kind == FCD_CATEGORIES ? SQL_TOTALS_CATEGORY : SQL_TOTALS_STORE;
	int nd = (int)(d1 - d0 + 1), cap = 0, rc, active = 0, have = 0;
	double *v = xcalloc((size_t)nd, sizeof *v);
	int64_t since = today - FCD_ACTIVE_DAYS;
	*out = NULL;
	*n = 0;
	struct db_stmt *st = db_query(db, e, sql, "tt", f, t);
	if (!st) {
		free(v);
		return db_fail(e);
	}
	for (;;) {
		rc = db_step(st, e);
		int64_t id = rc == DB_ROW ? db_col_int64(st, 0) : 0;
		if (have && (rc != DB_ROW || id != cur)) {
			if (active) {
				struct fcd_key k = {0};
				if (kind == FCD_PRODUCTS)
					k.product_id = cur;
				else if (kind == FCD_CATEGORIES)
					k.category_id = cur;
				else
					k.store_id = cur;
				add_grain(out, n, &cap, k, FCD_WEEK, v, nd, d0, today);
				add_grain(out, n, &cap, k, FCD_MONTH, v, nd, d0, today);
			}
			memset(v, 0, (size_t)nd * sizeof *v);
			have = 0;
		}
		if (rc != DB_ROW)
			break;
		if (!have) {
			cur = id;
			have = 1;
			active = 0;
		}
		if (ts_day_number(db_col_text(st, 1), &x) < 0 || x < d0 || x > d1)
			continue;
		int64_t val = db_col_int64(st, 2);
		v[x - d0] += (double)val;
		if (val > 0 && x >= since)
			active = 1;
	}
	db_reset(st);
	free(v);
	if (rc < 0) {
		fcd_series_list_free(*out, *n);
		*out = NULL;
		*n = 0;
		return db_fail(e);
	}
	return 0;
}

static const char SQL_STORE_DAYS[] =
	"SELECT product_id, day, units FROM rollup_day_store_product WHERE store_id = ?"
	" AND day >= ? AND day <= ? ORDER BY product_id";

int fcd_load_store(struct db *db, int64_t store_id, int64_t today, struct fcd_series **out,
		   int *n, struct err *e)
{
	int64_t p0, p1, d0, d1, cur = 0;
	char f[11], t[11];
	history_span(FCD_DAY, today, &p0, &p1, &d0, &d1);
	ts_day_from_number(d0, f);
	ts_day_from_number(d1, t);
	int len = (int)(p1 - p0 + 1), cap = 0, rc, active = 0;
	int64_t since = today - FCD_ACTIVE_DAYS;
	double *y = NULL;
	*out = NULL;
	*n = 0;
	struct db_stmt *st = db_query(db, e, SQL_STORE_DAYS, "itt", store_id, f, t);
	if (!st)
		return db_fail(e);
	for (;;) {
		rc = db_step(st, e);
		int64_t pid = rc == DB_ROW ? db_col_int64(st, 0) : 0;
		if (y && (rc != DB_ROW || pid != cur)) { /* the previous product is complete */
			if (active) {
				struct fcd_key k = {.store_id = store_id, .product_id = cur,
						    .grain = FCD_DAY};
				series_push(out, n, &cap, k, y, len, p0);
			} else {
				free(y);
			}
			y = NULL;
		}
		if (rc != DB_ROW)
			break;
		if (!y) {
			y = xcalloc((size_t)len, sizeof *y);
			cur = pid;
			active = 0;
		}
		int64_t dn;
		if (ts_day_number(db_col_text(st, 1), &dn) < 0 || dn < p0 || dn > p1)
			continue;
		int64_t u = db_col_int64(st, 2);
		y[dn - p0] += (double)u;
		if (u > 0 && dn >= since)
			active = 1;
	}
	db_reset(st);
	if (rc < 0) {
		fcd_series_list_free(*out, *n);
		*out = NULL;
		*n = 0;
		return db_fail(e);
	}
	return 0;
}
