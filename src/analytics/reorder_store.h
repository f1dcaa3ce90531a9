/* reorder_store.h: a store's replenishment lines from the stored daily
 * forecasts (rule "forecast"), for the products without a reorder rule. */
#ifndef TERSA_REORDER_STORE_H
#define TERSA_REORDER_STORE_H

#include "domain/purchasing/replenish.h"

/* A forecast older than this many days is too stale to order from: the
 * nightly job refits every series, so three days means two missed runs. */
#define REORDER_STALE_DAYS 3

/*
 * The forecast-driven lines of store_id (a replenish_more_fn): for each
 * active product of the store that has no reorder rule, an active preferred
 * supplier (its lead time: the product link's, else the supplier's) and a
 * daily unit forecast of the store (grain day, measure units, category 0)
 * fitted within REORDER_STALE_DAYS, the reorder figures of
 * reorder_compute() over the forecast's points from today on, at the
 * service level service_level_pick() gives for the product's category,
 * with the review period REORDER_REVIEW_DAYS. A line when the stock
 * position is at or below the reorder point and the rounded order is > 0.
 * One day's σ = (upper_95 − mean) / 1.959964. *lines in arena a.
 */
int reorder_forecast_lines(struct db *db, struct arena *a, int64_t store_id,
			   struct replenish_line **lines, int *n, struct err *e);

#endif
