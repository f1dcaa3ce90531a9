/* forecast_data.h: demand forecasts on the company's data — a series'
 * history read from the sales rollups, forecast with forecast_series (auto),
 * the company holidays as known events, and the stored forecasts. */
#ifndef TERSA_FORECAST_DATA_H
#define TERSA_FORECAST_DATA_H

#include <jansson.h>
#include <stdint.h>

#include "analytics/forecast.h"
#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"

enum fcd_grain { FCD_DAY, FCD_WEEK, FCD_MONTH };

/* History and horizon per grain (periods). */
#define FCD_DAY_HISTORY 182
#define FCD_DAY_HORIZON 28
#define FCD_WEEK_HISTORY 104
#define FCD_WEEK_HORIZON 13
#define FCD_MONTH_HISTORY 36
#define FCD_MONTH_HORIZON 6
#define FCD_ACTIVE_DAYS 90 /* a daily product × store series is active with a
			    * sale in this many days to yesterday */

/* One series: store_id 0 = all stores; product_id or category_id (not
 * both; both 0 = the store's (or company's) total). Measure: units for a
 * product series, revenue for the others. */
struct fcd_key {
	int64_t store_id, product_id, category_id;
	enum fcd_grain grain;
};

/* A series to forecast and, after fcd_compute, its forecast. Values are
 * in the measure's minor unit (thousandths of a unit, or fen). */
struct fcd_series {
	struct fcd_key key;
	int64_t first;   /* period index of y[0] (fcd_period_index) */
	int n;           /* history length (>= 1) */
	double *y;       /* n values, malloc'd (fcd_series_free) */
	/* result */
	int h;
	int64_t mean[FCD_DAY_HORIZON], lower_80[FCD_DAY_HORIZON], upper_80[FCD_DAY_HORIZON],
		lower_95[FCD_DAY_HORIZON], upper_95[FCD_DAY_HORIZON];
	char model[96], reason[320];
	double backtest_mase;  /* -1 when none */
	double holiday_ratio;  /* the scale applied on future holidays (1 = none) */
	int rc;                /* fcd_compute's result */
};

const char *fcd_grain_name(enum fcd_grain g); /* "day", "week", "month" */
int fcd_grain_parse(const char *s);           /* the grain, or -1 */
const char *fcd_measure(const struct fcd_key *k); /* "units" or "revenue" */

/* The period index of a business day number (days from 1970-01-01) at a
 * grain: the day itself, its week (Monday = index × 7 + 4) or its month
 * (year × 12 + month - 1); and a period's text (YYYY-MM-DD, the week's
 * Monday, or YYYY-MM; out needs 11 bytes). */
int64_t fcd_period_index(enum fcd_grain g, int64_t day_number);
void fcd_period_text(enum fcd_grain g, int64_t period, char *out);

/* The last complete period before today (a day number's period minus
 * one) and the number of history periods of a grain; its horizon. */
int fcd_history_len(enum fcd_grain g);
int fcd_horizon(enum fcd_grain g);

/* Forecasts y[0..n-1] (season m) h steps ahead with forecast_series(auto)
 * treating holidays as known events: past[i] != 0 marks y[i] a holiday,
 * future[j] != 0 step j + 1. Each past holiday is replaced, before the
 * fit, by what the series expects that day: the mean of the same season
 * position one and two seasons before and after that is not a holiday
 * (the mean of the non-holiday values when there is none). The forecast
 * of a future holiday (mean and bounds) is multiplied by the ratio past
 * holidays had to their expected values: sum(actual) / sum(expected),
 * clamped to [0.1, 10]; 1 when the history has no holiday or expects 0.
 * *ratio gets it. out as forecast_series; returns its result. */
int fcd_forecast_holidays(const double *y, int n, int m, const unsigned char *past, int h,
			  const unsigned char *future, struct fc_out *out, double *ratio);

/* The company's holiday days as sorted day numbers, from..to inclusive
 * (day numbers). New malloc'd array in *days (free it), count in *n. */
int fcd_holidays_load(struct db *db, int64_t from, int64_t to, int64_t **days, int *n,
		      struct err *e);

/* Reads s->key's history from the rollups: the periods of its grain
 * ending with the last complete one before today (day number), leading
 * periods without sales dropped (a single 0 when it never sold). Fills
 * first, n and y. 0 or ERR_DB. */
int fcd_history(struct db *db, struct fcd_series *s, int64_t today, struct err *e);

/* Forecasts s (history filled) with the season its grain has (7 daily, 52
 * weekly with two years of history else 1, 12 monthly), holidays (sorted
 * day numbers; daily series only) as fcd_forecast_holidays says. Negative
 * means and lower bounds read 0 (demand is never negative). Sets s->rc
 * too. Pure and thread-safe. 0 or ERR_INVALID. */
int fcd_compute(struct fcd_series *s, const int64_t *holidays, int nholidays);

/* Replaces s's stored forecast (its forecast_series row and points) in
 * the caller's transaction (or its own when none is open). 0 or ERR_DB. */
int fcd_store(struct db *db, const struct fcd_series *s, int64_t now, struct err *e);

void fcd_series_free(struct fcd_series *s);
/* Frees the n series of list and list itself (NULL is fine). */
void fcd_series_list_free(struct fcd_series *list, int n);

/* The stored forecast of key with its history, as GET /forecasts answers
 * it: {store_id, product_id, category_id, grain, measure, model, reason,
 * backtest_mase, fitted_at, history:[{period, value}], forecast:[{period,
 * mean, lower_80, upper_80, lower_95, upper_95}]}; ids null when 0; units
 * in units (3 decimals), revenue in fen. refresh, or no stored forecast
 * yet: computed and stored first. ERR_NOT_FOUND for an unknown store,
 * product or category; ERR_DB. New reference in *out. */
int forecast_get(struct db *db, const struct fcd_key *key, int refresh, int64_t now,
		 json_t **out, struct err *e);

/* ---- the nightly job's pieces ---- */

/* The nightly job forecasts: daily product × store with a sale in the
 * FCD_ACTIVE_DAYS to yesterday (fcd_load_store, one read per store); and
 * weekly and monthly per product (all stores), per category (its subtree,
 * all stores) and per store with a sale in those days (fcd_load_totals,
 * one read per kind). */

/* The stores with sales in the FCD_ACTIVE_DAYS to yesterday: a malloc'd
 * array in *ids. 0 or ERR_DB. */
int fcd_active_stores(struct db *db, int64_t today, int64_t **ids, int *n, struct err *e);

enum fcd_kind { FCD_PRODUCTS, FCD_CATEGORIES, FCD_STORES };
/* The weekly and monthly series of every active product, category or
 * store, read in one query: *out a malloc'd array of *n series
 * (fcd_series_free each, then free). 0 or ERR_DB. */
int fcd_load_totals(struct db *db, enum fcd_kind kind, int64_t today, struct fcd_series **out,
		    int *n, struct err *e);

/* The active daily product series of one store with their histories, read
 * in one query: *out a malloc'd array of *n series (fcd_series_free each,
 * then free). 0 or ERR_DB. */
int fcd_load_store(struct db *db, int64_t store_id, int64_t today, struct fcd_series **out,
		   int *n, struct err *e);

#endif
