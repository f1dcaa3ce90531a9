/* replenish_backtest.h: today's min/max rule against forecast-driven
 * reorder points over the last days of a company's sales: fill rate and
 * average stock per policy, overall and per store. */
#ifndef TERSA_REPLENISH_BACKTEST_H
#define TERSA_REPLENISH_BACKTEST_H

#include <stdint.h>

#include "analytics/forecast.h"
#include "base/err.h"
#include "db/db.h"

#define RBT_WARMUP_DAYS 14  /* history the first forecast needs at least */
#define RBT_HISTORY_DAYS 84 /* history read before the window (at most) */

struct rbt_opts {
	int days;          /* the window: the last this many days of sales */
	int level_e3;      /* service level, percent × 1000 */
	int review_days;   /* REORDER_REVIEW_DAYS */
	int refit_days;    /* 7 */
	enum fc_method method;
};

struct rbt_policy_sum {
	int64_t demanded, served; /* thousandths */
	double stock_units;       /* average end-of-day stock, units (summed over series) */
	double stock_value;       /* the same at unit cost, minor units */
	int64_t orders;
};

struct rbt_store {
	int64_t store_id;
	int series;
	struct rbt_policy_sum minmax, forecast;
};

struct rbt_report {
	char first_day[11], last_day[11]; /* the window simulated */
	int days, series, with_rule, fits;
	struct rbt_policy_sum minmax, forecast;
	struct rbt_store *stores; /* nstores, by store id; caller frees */
	int nstores;
	double seconds;
};

/*
 * Runs the backtest on db's daily sales (rollup_day_store_product): every
 * store × product that sold in the window is simulated under both policies
 * (replenish_sim.h) from the same starting stock, with the preferred
 * supplier's lead time (7 days without one), pack size and minimum order.
 * Min/max: the store's reorder rule, or the defaults docs/analytics.md
 * gives (from the average daily sales of the days before the window).
 * ERR_INVALID when there are no sales or too few days for a forecast.
 */
int rbt_run(struct db *db, const struct rbt_opts *o, struct rbt_report *out, struct err *e);

#endif
