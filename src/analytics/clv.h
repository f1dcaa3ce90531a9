/* clv.h: customer lifetime value from the cohort curves — the average
 * revenue per customer in each month since the first purchase, extended
 * past the months observed by the average month-over-month retention, and
 * summed over a horizon with a monthly discount. Pure: no database. */
#ifndef TERSA_CLV_H
#define TERSA_CLV_H

#include <stdint.h>

#define CLV_HORIZON_MONTHS 24    /* the horizon the API uses */
#define CLV_MONTHLY_DISCOUNT 0.01 /* the monthly discount rate it uses (~12.7% a year) */
#define CLV_MAX_MONTHS 240       /* the longest horizon and observed curve kept */

/* One cohort: the customers whose first purchase fell in one month. Month
 * k (0 = the month of the first purchase) is observed for k < months. */
struct clv_cohort {
	int64_t size;            /* customers in the cohort */
	int months;              /* months observed (0..CLV_MAX_MONTHS) */
	const int64_t *retained; /* months values: the cohort's customers who bought in month k */
	const int64_t *revenue;  /* months values: their revenue in month k (minor units) */
};

/* The fitted curve (a plain struct the caller owns). */
struct clv_curve {
	int observed;    /* months observed in the longest cohort (capped at CLV_MAX_MONTHS) */
	int horizon;     /* months summed */
	double discount; /* monthly discount rate */
	double decay;    /* average month-over-month retention ratio, 0..1 */
	double arpc[CLV_MAX_MONTHS]; /* revenue per customer in month k, k < horizon */
	double value;    /* sum over k < horizon of arpc[k] / (1 + discount)^k */
};

/* Fits the curve of n cohorts (cohorts with size <= 0 are skipped):
 *  - observed months k: arpc[k] = the sum of revenue[k] over the cohorts
 *    observed in month k / the sum of their sizes;
 *  - decay = the mean over k = 1..observed-1 of ratio_k, where ratio_k =
 *    (sum of retained[k]) / (sum of retained[k-1]) over the cohorts observed
 *    in month k (skipped when that sum is 0), clamped to 0..1; 0 when no
 *    ratio exists (one month observed: nothing is assumed past it);
 *  - later months k >= observed: arpc[k] = arpc[observed-1] ×
 *    decay^(k - observed + 1).
 * No cohort: every arpc and the value are 0. 0, or -1 (out untouched) when
 * n < 0, horizon is not 1..CLV_MAX_MONTHS or discount < 0 or not finite.
 * Never NaN. */
int clv_fit(const struct clv_cohort *cohorts, int n, int horizon, double discount,
	    struct clv_curve *out);

/* One customer's lifetime value (minor units, unrounded) from a fitted
 * curve: their own revenue in months 0..age since their first purchase
 * (revenue: age + 1 values, or NULL for none), discounted as the curve
 * is, plus the curve's arpc for the months after age up to the horizon.
 * Months at or past the horizon count for nothing; age < 0 gives the
 * curve's value. */
double clv_customer(const struct clv_curve *m, const int64_t *revenue, int age);

#endif
