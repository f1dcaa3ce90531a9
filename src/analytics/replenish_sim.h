/* replenish_sim.h: day-by-day simulation of one product in one store under
 * a replenishment policy (today's min/max rule, or reorder points from a
 * forecast refitted every few days), on plain arrays: fill rate and stock. */
#ifndef TERSA_REPLENISH_SIM_H
#define TERSA_REPLENISH_SIM_H

#include <stdint.h>

#include "analytics/forecast.h"

enum rsim_policy { RSIM_MINMAX, RSIM_FORECAST };

struct rsim_opts {
	int lead_days;   /* an order placed at the end of day t arrives at the
			  * start of day t + lead_days (0 counts as 1) */
	int review_days; /* forecast: days an order covers beyond the lead time */
	int level_e3;    /* forecast: service level, percent × 1000 */
	int refit_days;  /* forecast: refit every this many days (>= 1) */
	enum fc_method method; /* forecast: the method (FC_AUTO, ...) */
	int64_t min, max;      /* min/max: the rule (thousandths) */
	int64_t pack, moq;     /* order terms (thousandths; <= 0 none) */
	int64_t start_stock;   /* on hand at the start of day `start` */
};

struct rsim_result {
	int64_t demanded, served; /* thousandths */
	double stock_sum;         /* Σ end-of-day on hand (thousandths × days) */
	int days, orders, fits;
};

/*
 * Simulates days start..n-1 of the daily demand y (thousandths, n days;
 * negative days count as 0). Each day: arrivals due that morning are put
 * on the shelf; the day's demand is served from on hand, what cannot be is
 * lost; at the end of the day, if the position (on hand + on order) is at
 * or below the reorder level, an order is placed: min/max orders max −
 * position, forecast orders order-up-to − position, both rounded as
 * reorder_round() rounds. The forecast policy refits forecast_series() with
 * season 7 on y[0..t-1] (in units) on day start and every refit_days after,
 * and takes its reorder point and order-up-to from reorder_compute() over
 * the forecast's next lead + review days. 0, or -1 for bad input (start
 * < 1 or >= n, a lead time above 365 days, refit_days < 1, a failed fit).
 */
int rsim_run(const int64_t *y, int n, int start, enum rsim_policy policy,
	     const struct rsim_opts *o, struct rsim_result *out);

#endif
