/* anomaly_data.c: the hourly anomaly check: each store's day so far against
 * its forecast band, the products it sells every day likewise, each cashier's
 * void, return and manual-discount rates against the store's peers, and the
 * day's stock adjustments against the store's last 90 days. */
#include "analytics/anomaly_data.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/anomaly.h"
#include "analytics/forecast.h"
#include "base/arena.h"
#include "base/timeutil.h"
#include "domain/stock/stock_alert.h"

#define DAY_MS 86400000LL
#define HOUR_MS 3600000LL

struct ctx {
	struct db *db;
	struct err *e;
	struct anomaly_stats *stats;
	int64_t at;            /* as of */
	char day[11];          /* its business day */
	int64_t day_no;        /* days since 1970-01-01 */
	int64_t day_start;     /* its midnight */
	int weekday, hour;     /* ISO weekday, the last full hour (the cut) */
	int64_t cut;           /* day_start + hour */
};

struct store_row {
	int64_t id;
	char code[64], name[256];
};

static void day_of(int64_t no, char *out)
{
	ts_day_from_number(no, out);
}

static int iso_weekday(int64_t day_no)
{
	return (int)(((day_no % 7) + 7 + 3) % 7) + 1;
}

/* Raises or updates one alert; details is consumed. */
static int raise_alert(struct ctx *c, const char *kind, int64_t store_id, int64_t product_id,
		 int64_t subject, const char *message, json_t *details, int64_t quantity)
{
	char key[160];
	snprintf(key, sizeof key, "%s|%lld|%lld|%s", kind, (long long)store_id,
		 (long long)subject, c->day);
	json_object_set_new(details, "day", json_string(c->day));
	char *text = json_dumps(details, JSON_COMPACT | JSON_REAL_PRECISION(15));
	json_decref(details);
	if (!text)
		abort();
	int raised = 0;
	int rc = alert_raise_explained(c->db, kind, store_id, product_id, key, message, text,
				       quantity, &raised, c->e);
	free(text);
	if (rc < 0)
		return rc;
	if (c->stats) {
		if (raised)
			c->stats->raised++;
		else
			c->stats->updated++;
	}
	return 0;
}

/* ---- sales against the forecast band ------------------------------------ */

/* The store's hourly amounts of the days of c's weekday in the last
 * ANOMALY_SHARE_DAYS days into hours (ANOMALY_SHARE_DAYS × 24, zeroed);
 * *ndays gets the rows used. */
static int read_hours(struct ctx *c, int64_t store_id, double *hours, int *ndays)
{
	static const char sql[] =
		"SELECT day, hour, revenue FROM rollup_day_store_hour "
		"WHERE store_id = ? AND day >= ? AND day < ?";
	char from[11];
	day_of(c->day_no - ANOMALY_SHARE_DAYS, from);
	memset(hours, 0, sizeof *hours * ANOMALY_SHARE_DAYS * 24);
	*ndays = 0;
	struct db_stmt *st = db_query(c->db, c->e, sql, "itt", store_id, from, c->day);
	if (!st)
		return db_fail(c->e);
	int rc;
	while ((rc = db_step(st, c->e)) == DB_ROW) {
		int64_t no, h = db_col_int64(st, 1);
		if (ts_day_number(db_col_text(st, 0), &no) < 0 || h < 0 || h > 23)
			continue;
		int64_t back = c->day_no - no; /* 1 .. 28 */
		if (back < 1 || back > ANOMALY_SHARE_DAYS || iso_weekday(no) != c->weekday)
			continue;
		hours[(back - 1) * 24 + h] += (double)db_col_int64(st, 2);
	}
	db_reset(st);
	if (rc < 0)
		return rc;
	*ndays = ANOMALY_SHARE_DAYS;
	return 0;
}

/* A daily history (oldest first) from (day, amount) rows of the
 * ANOMALY_HISTORY_DAYS days before c's day, from the first day with a row,
 * missing days 0. *n 0 when there is no row. */
struct series {
	double y[ANOMALY_HISTORY_DAYS];
	int n;
};

static void series_add(struct ctx *c, struct series *s, const char *day, double v)
{
	int64_t no;
	if (ts_day_number(day, &no) < 0)
		return;
	int64_t back = c->day_no - no;
	if (back < 1 || back > ANOMALY_HISTORY_DAYS)
		return;
	int idx = ANOMALY_HISTORY_DAYS - (int)back; /* oldest at 0 */
	s->y[idx] += v;
	if (ANOMALY_HISTORY_DAYS - idx > s->n)
		s->n = ANOMALY_HISTORY_DAYS - idx;
}

/* The series ending yesterday, first day with data at index 0. */
static const double *series_data(const struct series *s)
{
	return s->y + (ANOMALY_HISTORY_DAYS - s->n);
}

/* Forecasts tomorrow-of-history (c's day): 0 with mean and the 95% band,
 * 1 when the history is too short, negative on error. */
static int forecast_day(const struct series *s, double *mean, double *lo, double *hi,
			char *model, size_t mn)
{
	if (s->n < ANOMALY_MIN_HISTORY)
		return 1;
	double m, l80, u80, l95, u95;
	struct fc_out out = {.mean = &m, .lower_80 = &l80, .upper_80 = &u80, .lower_95 = &l95,
			     .upper_95 = &u95};
	if (forecast_series(series_data(s), s->n, 7, 1, FC_AUTO, &out) < 0)
		return 1;
	*mean = m;
	*lo = l95;
	*hi = u95;
	snprintf(model, mn, "%s", out.model);
	return 0;
}

static json_t *band_details(const struct store_row *s, struct ctx *c, int64_t actual,
			    const struct anomaly_band_result *b, double share, const char *model)
{
	return json_pack("{s:s,s:s,s:i,s:i,s:I,s:I,s:I,s:I,s:f,s:f,s:s}", "store_code", s->code,
			 "store_name", s->name, "hour", c->hour, "weekday", c->weekday, "actual",
			 (json_int_t)actual, "expected", (json_int_t)llround(b->expected), "lower",
			 (json_int_t)llround(b->lower), "upper", (json_int_t)llround(b->upper),
			 "pct", round(b->pct * 10) / 10, "share", round(share * 1000) / 1000,
			 "model", model);
}

static int check_store_sales(struct ctx *c, const struct store_row *s, double share)
{
	static const char hist_sql[] =
		"SELECT day, revenue FROM rollup_day_store WHERE store_id = ? AND day >= ? AND "
		"day < ?";
	static const char now_sql[] =
		"SELECT COALESCE(SUM(revenue), 0) FROM rollup_day_store_hour "
		"WHERE store_id = ? AND day = ? AND hour < ?";
	char from[11];
	day_of(c->day_no - ANOMALY_HISTORY_DAYS, from);
	struct series ser = {0};
	struct db_stmt *st = db_query(c->db, c->e, hist_sql, "itt", s->id, from, c->day);
	if (!st)
		return db_fail(c->e);
	int rc;
	while ((rc = db_step(st, c->e)) == DB_ROW)
		series_add(c, &ser, db_col_text(st, 0), (double)db_col_int64(st, 1));
	db_reset(st);
	if (rc < 0)
		return rc;
	int64_t actual = 0;
	if ((rc = db_int(db_query(c->db, c->e, now_sql, "iti", s->id, c->day, (int64_t)c->hour),
			 &actual, c->e)) < 0)
		return rc;
	double mean, lo, hi;
	char model[96];
	if (forecast_day(&ser, &mean, &lo, &hi, model, sizeof model))
		return 0;
	if (c->stats)
		c->stats->checked++;
	struct anomaly_band_result b;
	if (!anomaly_band((double)actual, mean, lo, hi, share, &anomaly_band_store, &b))
		return 0;
	char subject[128], msg[512];
	snprintf(subject, sizeof subject, "Store %s", s->code);
	anomaly_sentence_sales(msg, sizeof msg, subject, actual, c->hour, llround(b.expected),
			       llround(b.lower), llround(b.upper), c->weekday);
	return raise_alert(c, "store_sales", s->id, 0, 0, msg,
		     band_details(s, c, actual, &b, share, model), -1);
}

struct prod {
	int64_t id;
	char sku[64], name[192];
	int64_t today;
	struct series ser;
};

static int check_product_sales(struct ctx *c, const struct store_row *s, double share)
{
	/* the products sold on each of the last 28 days */
	static const char daily_sql[] =
		"SELECT r.product_id, p.sku, p.name FROM rollup_day_store_product r "
		"JOIN products p ON p.id = r.product_id "
		"WHERE r.store_id = ? AND r.day >= ? AND r.day < ? AND r.revenue > 0 "
		"GROUP BY r.product_id, p.sku, p.name HAVING COUNT(*) >= ? ORDER BY r.product_id";
	static const char hist_sql[] =
		"SELECT product_id, day, revenue FROM rollup_day_store_product "
		"WHERE store_id = ? AND day >= ? AND day < ? ORDER BY product_id";
	static const char now_sql[] =
		"SELECT l.product_id, SUM(l.total) FROM sale_lines l JOIN sales s ON s.id = l.sale_id "
		"WHERE s.store_id = ? AND s.day = ? AND s.at < ? AND s.status <> 'voided' "
		"GROUP BY l.product_id";
	char from28[11], from[11];
	day_of(c->day_no - ANOMALY_SHARE_DAYS, from28);
	day_of(c->day_no - ANOMALY_HISTORY_DAYS, from);
	struct prod *ps = NULL;
	int n = 0, cap = 0, rc;
	struct db_stmt *st = db_query(c->db, c->e, daily_sql, "itti", s->id, from28, c->day,
				      (int64_t)ANOMALY_SHARE_DAYS);
	if (!st)
		return db_fail(c->e);
	while ((rc = db_step(st, c->e)) == DB_ROW && n < ANOMALY_MAX_PRODUCTS) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			ps = xrealloc(ps, sizeof *ps * (size_t)cap);
		}
		struct prod *p = &ps[n++];
		memset(p, 0, sizeof *p);
		p->id = db_col_int64(st, 0);
		snprintf(p->sku, sizeof p->sku, "%s", db_col_text(st, 1));
		snprintf(p->name, sizeof p->name, "%s", db_col_text(st, 2));
	}
	db_reset(st);
	if (rc < 0 || n == 0) {
		free(ps);
		return rc < 0 ? rc : 0;
	}
	/* products are in id order: a binary search finds each row's */
	if (!(st = db_query(c->db, c->e, hist_sql, "itt", s->id, from, c->day)))
		goto fail;
	while ((rc = db_step(st, c->e)) == DB_ROW) {
		int64_t id = db_col_int64(st, 0);
		int lo = 0, hi = n - 1;
		while (lo <= hi) {
			int mid = (lo + hi) / 2;
			if (ps[mid].id == id) {
				series_add(c, &ps[mid].ser, db_col_text(st, 1),
					   (double)db_col_int64(st, 2));
				break;
			}
			if (ps[mid].id < id)
				lo = mid + 1;
			else
				hi = mid - 1;
		}
	}
	db_reset(st);
	if (rc < 0)
		goto fail;
	if (!(st = db_query(c->db, c->e, now_sql, "iti", s->id, c->day, c->cut)))
		goto fail;
	while ((rc = db_step(st, c->e)) == DB_ROW) {
		int64_t id = db_col_int64(st, 0);
		for (int i = 0; i < n; i++)
			if (ps[i].id == id)
				ps[i].today = db_col_int64(st, 1);
	}
	db_reset(st);
	if (rc < 0)
		goto fail;
	for (int i = 0; i < n; i++) {
		struct prod *p = &ps[i];
		double mean, lo, hi;
		char model[96];
		if (forecast_day(&p->ser, &mean, &lo, &hi, model, sizeof model))
			continue;
		if (c->stats)
			c->stats->checked++;
		struct anomaly_band_result b;
		if (!anomaly_band((double)p->today, mean, lo, hi, share, &anomaly_band_product, &b))
			continue;
		char subject[400], msg[1024];
		snprintf(subject, sizeof subject, "%s %s at store %s", p->sku, p->name, s->code);
		anomaly_sentence_sales(msg, sizeof msg, subject, p->today, c->hour,
				       llround(b.expected), llround(b.lower), llround(b.upper),
				       c->weekday);
		json_t *d = band_details(s, c, p->today, &b, share, model);
		json_object_set_new(d, "product_id", json_integer(p->id));
		json_object_set_new(d, "sku", json_string(p->sku));
		json_object_set_new(d, "product_name", json_string(p->name));
		if ((rc = raise_alert(c, "product_sales", s->id, p->id, p->id, msg, d, -1)) < 0)
			goto fail;
	}
	free(ps);
	return 0;
fail:
	free(ps);
	return db_fail(c->e);
}

/* ---- cashiers against their peers --------------------------------------- */

struct cashier {
	int64_t user_id;
	char name[192];
	int64_t sales, voids, discounts, returns;
};

static struct cashier *cashier_of(struct cashier **cs, int *n, int *cap, int64_t user_id)
{
	for (int i = 0; i < *n; i++)
		if ((*cs)[i].user_id == user_id)
			return &(*cs)[i];
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*cs = xrealloc(*cs, sizeof **cs * (size_t)*cap);
	}
	struct cashier *x = &(*cs)[(*n)++];
	memset(x, 0, sizeof *x);
	x->user_id = user_id;
	return x;
}

static int check_cashiers(struct ctx *c, const struct store_row *s)
{
	static const char sales_sql[] =
		"SELECT s.cashier_id, u.display_name, COUNT(*), "
		"SUM(CASE WHEN s.status = 'voided' THEN 1 ELSE 0 END), "
		"SUM(CASE WHEN EXISTS (SELECT 1 FROM sale_lines l JOIN sale_line_discounts d "
		"ON d.sale_line_id = l.id WHERE l.sale_id = s.id AND d.source = 'manual') "
		"THEN 1 ELSE 0 END), "
		"SUM(CASE WHEN EXISTS (SELECT 1 FROM sale_returns r WHERE r.sale_id = s.id) "
		"THEN 1 ELSE 0 END) "
		"FROM sales s JOIN users u ON u.id = s.cashier_id "
		"WHERE s.store_id = ? AND s.at >= ? AND s.at < ? "
		"GROUP BY s.cashier_id, u.display_name";
	int64_t from = c->at - ANOMALY_PEER_DAYS * DAY_MS;
	struct cashier *cs = NULL;
	int n = 0, cap = 0, rc;
	struct db_stmt *st = db_query(c->db, c->e, sales_sql, "iii", s->id, from, c->at);
	if (!st)
		return db_fail(c->e);
	while ((rc = db_step(st, c->e)) == DB_ROW) {
		struct cashier *x = cashier_of(&cs, &n, &cap, db_col_int64(st, 0));
		snprintf(x->name, sizeof x->name, "%s", db_col_text(st, 1));
		x->sales = db_col_int64(st, 2);
		x->voids = db_col_int64(st, 3);
		x->discounts = db_col_int64(st, 4);
		x->returns = db_col_int64(st, 5);
	}
	db_reset(st);
	if (rc < 0) {
		free(cs);
		return rc;
	}
	if (n == 0) {
		free(cs);
		return 0;
	}
	int64_t *ev = xmalloc(sizeof *ev * (size_t)n), *vol = xmalloc(sizeof *vol * (size_t)n);
	static const char *const metrics[] = {"voids", "returns", "discounts"};
	static const char *const kinds[] = {"cashier_voids", "cashier_returns", "cashier_discounts"};
	rc = 0;
	for (int m = 0; m < 3 && rc == 0; m++) {
		for (int i = 0; i < n; i++) {
			vol[i] = cs[i].sales;
			ev[i] = m == 0 ? cs[i].voids : m == 1 ? cs[i].returns : cs[i].discounts;
		}
		for (int i = 0; i < n && rc == 0; i++) {
			struct anomaly_peer_result r;
			int hit = anomaly_peer(ev, vol, n, i, &anomaly_peer_default, &r);
			if (c->stats && vol[i] >= anomaly_peer_default.min_volume)
				c->stats->checked++;
			if (!hit)
				continue;
			char msg[768];
			anomaly_sentence_cashier(msg, sizeof msg, cs[i].name, s->code, metrics[m],
						 ev[i], vol[i], r.median, r.z, ANOMALY_PEER_DAYS);
			json_t *d = json_pack(
				"{s:s,s:s,s:I,s:s,s:s,s:I,s:I,s:f,s:f,s:f,s:i,s:i,s:b}", "store_code",
				s->code, "store_name", s->name, "user_id", (json_int_t)cs[i].user_id,
				"cashier", cs[i].name, "metric", metrics[m], "events",
				(json_int_t)ev[i], "sales", (json_int_t)vol[i], "rate",
				round(r.rate * 10000) / 10000, "median",
				round(r.median * 10000) / 10000, "z", round(r.z * 10) / 10, "peers",
				r.peers, "days", ANOMALY_PEER_DAYS, "mad_zero", r.mad_zero);
			rc = raise_alert(c, kinds[m], s->id, 0, cs[i].user_id, msg, d, -1);
		}
	}
	free(ev);
	free(vol);
	free(cs);
	return rc;
}

/* ---- stock adjustments against the store's history ---------------------- */

static int check_adjustments(struct ctx *c, const struct store_row *s)
{
	static const char sql[] =
		"SELECT m.at, m.quantity, COALESCE(m.unit_cost, p.cost, 0) FROM stock_moves m "
		"JOIN products p ON p.id = m.product_id "
		"WHERE m.store_id = ? AND m.kind IN ('adjustment', 'damage', 'count') "
		"AND m.at >= ? AND m.at < ?";
	int64_t hist_start;
	char from[11];
	day_of(c->day_no - ANOMALY_HISTORY_DAYS, from);
	if (ts_day_start(from, &hist_start) < 0)
		return 0;
	double qty[ANOMALY_HISTORY_DAYS] = {0}, val[ANOMALY_HISTORY_DAYS] = {0};
	double tq = 0, tv = 0;
	struct db_stmt *st = db_query(c->db, c->e, sql, "iii", s->id, hist_start, c->at);
	if (!st)
		return db_fail(c->e);
	int rc;
	while ((rc = db_step(st, c->e)) == DB_ROW) {
		char d[11];
		int64_t no;
		ts_day(db_col_int64(st, 0), d, sizeof d);
		if (ts_day_number(d, &no) < 0)
			continue;
		double q = fabs((double)db_col_int64(st, 1));
		double v = q * (double)db_col_int64(st, 2) / 1000.0;
		int64_t back = c->day_no - no;
		if (back == 0) {
			tq += q;
			tv += v;
		} else if (back >= 1 && back <= ANOMALY_HISTORY_DAYS) {
			qty[ANOMALY_HISTORY_DAYS - back] += q;
			val[ANOMALY_HISTORY_DAYS - back] += v;
		}
	}
	db_reset(st);
	if (rc < 0)
		return rc;
	if (c->stats)
		c->stats->checked++;
	struct anomaly_spike_result rv, rq;
	int hv = anomaly_spike(val, ANOMALY_HISTORY_DAYS, tv, &anomaly_spike_value, &rv);
	int hq = anomaly_spike(qty, ANOMALY_HISTORY_DAYS, tq, &anomaly_spike_qty, &rq);
	if (!hv && !hq)
		return 0;
	char msg[512];
	anomaly_sentence_adjust(msg, sizeof msg, s->code, llround(tq), llround(tv), rq.mean,
				rv.mean, ANOMALY_HISTORY_DAYS);
	json_t *d = json_pack("{s:s,s:s,s:f,s:I,s:f,s:I,s:f,s:f,s:i,s:s}", "store_code", s->code,
			      "store_name", s->name, "quantity", round(tq) / 1000.0, "value",
			      (json_int_t)llround(tv), "mean_quantity",
			      round(rq.mean) / 1000.0, "mean_value", (json_int_t)llround(rv.mean),
			      "z_quantity", round(rq.z * 10) / 10, "z_value",
			      round(rv.z * 10) / 10, "days", ANOMALY_HISTORY_DAYS, "by",
			      hv ? "value" : "quantity");
	return raise_alert(c, "stock_adjustment", s->id, 0, 0, msg, d, llround(tq));
}

int anomaly_run(struct db *db, int64_t at, struct anomaly_stats *stats, struct err *e)
{
	static const char stores_sql[] =
		"SELECT id, code, name FROM stores WHERE active = 1 ORDER BY id";
	struct ctx c = {.db = db, .e = e, .stats = stats, .at = at};
	if (stats)
		memset(stats, 0, sizeof *stats);
	int minute = 0;
	if (ts_local(at, c.day, sizeof c.day, &c.weekday, &minute) < 0 ||
	    ts_day_number(c.day, &c.day_no) < 0 || ts_day_start(c.day, &c.day_start) < 0)
		return err_set(e, ERR_INVALID, "the time cannot be read in the company zone");
	c.hour = minute / 60;
	c.cut = c.day_start + (int64_t)c.hour * HOUR_MS;
	struct store_row *ss = NULL;
	int n = 0, cap = 0, rc;
	struct db_stmt *st = db_query(db, e, stores_sql, "");
	if (!st)
		return db_fail(e);
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			ss = xrealloc(ss, sizeof *ss * (size_t)cap);
		}
		ss[n].id = db_col_int64(st, 0);
		snprintf(ss[n].code, sizeof ss[n].code, "%s", db_col_text(st, 1));
		snprintf(ss[n].name, sizeof ss[n].name, "%s", db_col_text(st, 2));
		n++;
	}
	db_reset(st);
	double *hours = xmalloc(sizeof *hours * ANOMALY_SHARE_DAYS * 24);
	for (int i = 0; i < n && rc >= 0; i++) {
		int nd = 0;
		rc = read_hours(&c, ss[i].id, hours, &nd);
		double share = rc < 0 ? 0 : anomaly_day_share(hours, nd, c.hour);
		if (rc >= 0)
			rc = check_store_sales(&c, &ss[i], share);
		if (rc >= 0)
			rc = check_product_sales(&c, &ss[i], share);
		if (rc >= 0)
			rc = check_cashiers(&c, &ss[i]);
		if (rc >= 0)
			rc = check_adjustments(&c, &ss[i]);
		db_idle(db);
	}
	free(hours);
	free(ss);
	return rc < 0 ? rc : 0;
}
