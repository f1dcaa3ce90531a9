/* replenish_backtest.c: reads a company's daily sales per store × product
 * and its supplier terms and reorder rules, and simulates today's min/max
 * against forecast-driven reorder points over the last days. */
#include "analytics/replenish_backtest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analytics/replenish_sim.h"
#include "base/arena.h"
#include "base/timeutil.h"

static const char SQL_RANGE[] =
	"SELECT MIN(day), MAX(day) FROM rollup_day_store_product";
static const char SQL_SALES[] =
	"SELECT store_id, product_id, day, units FROM rollup_day_store_product"
	" WHERE day >= ? ORDER BY store_id, product_id, day";
static const char SQL_TERMS[] =
	"SELECT p.id, COALESCE(ps.cost, p.cost, 0),"
	" COALESCE(ps.lead_time_days, s.lead_time_days, 7),"
	" COALESCE(ps.pack_size, 0), COALESCE(ps.min_order_qty, 0)"
	" FROM products p"
	" LEFT JOIN product_suppliers ps ON ps.product_id = p.id AND ps.preferred = 1"
	" LEFT JOIN suppliers s ON s.id = ps.supplier_id"
	" ORDER BY p.id";
static const char SQL_RULE[] =
	"SELECT min_qty, max_qty FROM reorder_rules WHERE store_id = ? AND product_id = ?";

struct terms {
	int64_t product_id, cost, lead, pack, moq;
};

static int terms_cmp(const void *k, const void *b)
{
	int64_t id = *(const int64_t *)k, o = ((const struct terms *)b)->product_id;
	return id < o ? -1 : id > o;
}

/* The product's terms (sorted array), or a default (lead 7, no terms). */
static struct terms find_terms(const struct terms *t, int n, int64_t product_id)
{
	const struct terms *f = bsearch(&product_id, t, (size_t)n, sizeof *t, terms_cmp);
	struct terms d = {product_id, 0, 7, 0, 0};
	return f ? *f : d;
}

static void add(struct rbt_policy_sum *s, const struct rsim_result *r, int64_t cost)
{
	double avg = r->days ? r->stock_sum / r->days / 1000.0 : 0;

	s->demanded += r->demanded;
	s->served += r->served;
	s->stock_units += avg;
	s->stock_value += avg * (double)cost;
	s->orders += r->orders;
}

static int64_t ceil_units(double q) /* thousandths, up to a whole unit */
{
	return (int64_t)ceil(q - 1e-9) * 1000;
}

/* Simulates one series (y over ndays, window from start) and adds it. */
static int one_series(struct db *db, const struct rbt_opts *o, const int64_t *y, int ndays,
		      int start, int64_t store_id, const struct terms *t,
		      struct rbt_report *out, struct rbt_store *st, struct err *e)
{
	struct rsim_opts so = {.lead_days = (int)t->lead, .review_days = o->review_days,
			       .level_e3 = o->level_e3, .refit_days = o->refit_days,
			       .method = o->method, .pack = t->pack, .moq = t->moq};
	struct rsim_result rm, rf;
	struct db_stmt *q = db_query(db, e, SQL_RULE, "ii", store_id, t->product_id);
	int rc, has_rule = 0;
	double avg = 0;

	if (!q)
		return db_fail(e);
	if ((rc = db_step(q, e)) < 0)
		return rc;
	if (rc == DB_ROW) {
		so.min = db_col_int64(q, 0);
		so.max = db_col_int64(q, 1);
		has_rule = 1;
		db_reset(q);
	}
	if (!has_rule) {
		/* the defaults: min = 1.5 × the lead time's average demand, max =
		 * min + a week of it, from the days before the window */
		int from = start > 28 ? start - 28 : 0;
		for (int i = from; i < start; i++)
			avg += (y[i] > 0 ? y[i] : 0) / 1000.0;
		avg /= start - from;
		so.min = ceil_units(avg * (so.lead_days < 1 ? 1 : so.lead_days) * 1.5);
		so.max = so.min + ceil_units(avg * 7);
		if (so.max <= 0)
			so.max = 1000;
	}
	so.start_stock = so.max;
	if (rsim_run(y, ndays, start, RSIM_MINMAX, &so, &rm) < 0 ||
	    rsim_run(y, ndays, start, RSIM_FORECAST, &so, &rf) < 0)
		return err_set(e, ERR_INTERNAL, "simulation of product %lld in store %lld failed",
			       (long long)t->product_id, (long long)store_id);
	add(&out->minmax, &rm, t->cost);
	add(&out->forecast, &rf, t->cost);
	add(&st->minmax, &rm, t->cost);
	add(&st->forecast, &rf, t->cost);
	out->series++;
	out->with_rule += has_rule;
	out->fits += rf.fits;
	st->series++;
	return 0;
}

int rbt_run(struct db *db, const struct rbt_opts *o, struct rbt_report *out, struct err *e)
{
	struct timespec t0, t1;
	struct db_stmt *st;
	struct terms *terms = NULL;
	int nterms = 0, cap = 0, rc, ndays, start;
	int64_t dmin, dmax, dfirst;
	char from[11];
	/* rows of the current series */
	int64_t cur_store = -1, cur_product = -1, *y = NULL;
	int sold = 0;

	memset(out, 0, sizeof *out);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!(st = db_query(db, e, SQL_RANGE, "")))
		return db_fail(e);
	if ((rc = db_step(st, e)) < 0)
		return rc;
	if (rc != DB_ROW || db_col_null(st, 0)) {
		if (rc == DB_ROW)
			db_reset(st);
		return err_set(e, ERR_INVALID, "no sales to simulate");
	}
	if (ts_day_number(db_col_text(st, 0), &dmin) < 0 ||
	    ts_day_number(db_col_text(st, 1), &dmax) < 0) {
		db_reset(st);
		return err_set(e, ERR_INTERNAL, "bad day in the rollups");
	}
	db_reset(st);
	/* the window: the last o->days days, after at least the warm-up */
	dfirst = dmax - o->days + 1;
	if (dfirst < dmin + RBT_WARMUP_DAYS)
		dfirst = dmin + RBT_WARMUP_DAYS;
	if (dfirst > dmax)
		return err_set(e, ERR_INVALID, "too few days of sales (%lld) for a backtest",
			       (long long)(dmax - dmin + 1));
	{
		int64_t h0 = dfirst - RBT_HISTORY_DAYS < dmin ? dmin : dfirst - RBT_HISTORY_DAYS;

		ndays = (int)(dmax - h0 + 1);
		start = (int)(dfirst - h0);
		ts_day_from_number(h0, from);
		dmin = h0;
	}
	ts_day_from_number(dfirst, out->first_day);
	ts_day_from_number(dmax, out->last_day);
	out->days = ndays - start;

	if (!(st = db_query(db, e, SQL_TERMS, "")))
		return db_fail(e);
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (nterms == cap) {
			cap = cap ? cap * 2 : 256;
			terms = realloc(terms, (size_t)cap * sizeof *terms);
			if (!terms)
				abort();
		}
		terms[nterms++] = (struct terms){db_col_int64(st, 0), db_col_int64(st, 1),
						 db_col_int64(st, 2), db_col_int64(st, 3),
						 db_col_int64(st, 4)};
	}
	if (rc < 0) {
		free(terms);
		return rc;
	}

	/* Read every series first (one statement at a time), then simulate. */
	struct series { int64_t store, product; int64_t *y; } *ser = NULL;
	int nser = 0, scap = 0;

	if (!(st = db_query(db, e, SQL_SALES, "t", from))) {
		free(terms);
		return db_fail(e);
	}
	while ((rc = db_step(st, e)) == DB_ROW) {
		int64_t s = db_col_int64(st, 0), p = db_col_int64(st, 1), dn;

		if (s != cur_store || p != cur_product) {
			if (nser == scap) {
				scap = scap ? scap * 2 : 256;
				ser = realloc(ser, (size_t)scap * sizeof *ser);
				if (!ser)
					abort();
			}
			y = xcalloc((size_t)ndays, sizeof *y);
			ser[nser++] = (struct series){s, p, y};
			cur_store = s;
			cur_product = p;
		}
		if (ts_day_number(db_col_text(st, 2), &dn) == 0 && dn >= dmin && dn <= dmax)
			y[dn - dmin] += db_col_int64(st, 3);
	}
	if (rc < 0)
		goto done;
	rc = 0;
	for (int i = 0; i < nser && rc == 0; i++) {
		struct terms t = find_terms(terms, nterms, ser[i].product);
		struct rbt_store *sp = NULL;

		sold = 0;
		for (int d = start; d < ndays; d++)
			if (ser[i].y[d] > 0)
				sold = 1;
		if (!sold)
			continue;
		for (int k = 0; k < out->nstores; k++)
			if (out->stores[k].store_id == ser[i].store)
				sp = &out->stores[k];
		if (!sp) {
			out->stores = realloc(out->stores, (size_t)(out->nstores + 1) * sizeof *out->stores);
			if (!out->stores)
				abort();
			sp = &out->stores[out->nstores++];
			memset(sp, 0, sizeof *sp);
			sp->store_id = ser[i].store;
		}
		rc = one_series(db, o, ser[i].y, ndays, start, ser[i].store, &t, out, sp, e);
	}
done:
	for (int i = 0; i < nser; i++)
		free(ser[i].y);
	free(ser);
	free(terms);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	out->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return rc;
}
