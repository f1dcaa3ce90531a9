/* reorder.h: reorder points from a daily demand forecast (expected demand
 * over the lead time + safety stock from the forecast's errors, order-up-to
 * over the review period) and the quantity to order. Pure: no database. */
#ifndef TERSA_ANALYTICS_REORDER_H
#define TERSA_ANALYTICS_REORDER_H

#include <stdint.h>

/* The review period: how many days one order must cover beyond the lead
 * time, i.e. how often a store's orders are reviewed. Tersa's replenishment
 * list is meant to be worked through once a week (the demo's suppliers
 * deliver weekly), so 7; `tersa replenish-backtest` can be told otherwise. */
#define REORDER_REVIEW_DAYS 7
/* The company default service level (percent × 1000: 95000 = 95%). */
#define REORDER_DEFAULT_LEVEL_E3 95000
#define REORDER_LEVEL_MIN_E3 50000
#define REORDER_LEVEL_MAX_E3 99900
#define REORDER_MAX_DAYS 3650

/* Φ⁻¹(p), the standard normal quantile, for 0 < p < 1 (Acklam's rational
 * approximation, relative error < 1.2e-9, refined by one Halley step on
 * erfc to about machine precision). p <= 0 gives -INFINITY, p >= 1
 * +INFINITY, NaN gives NaN. */
double reorder_inv_normal(double p);

/* Rounding of an order (thousandths; <= 0 means none), as the min/max rule
 * rounds: up to the order multiple, then up to the pack size, then raised
 * to the minimum order (itself rounded up to the pack size). */
struct reorder_terms {
	int64_t order_multiple, pack_size, min_order_qty;
};

/* Every figure of one reorder decision (quantities in thousandths of a unit). */
struct reorder_calc {
	int lead_days, review_days;
	int level_e3;         /* service level, percent × 1000 */
	double z;             /* Φ⁻¹(level) */
	int64_t lead_demand;  /* Σ mean over days 1..L */
	int64_t sigma_lead;   /* sqrt(Σ σ_d²) over days 1..L */
	int64_t safety_stock; /* z × sigma_lead */
	int64_t reorder_point;  /* lead_demand + safety_stock */
	int64_t review_demand;  /* Σ mean over days L+1..L+R */
	int64_t order_up_to;    /* reorder_point + review_demand */
	int64_t on_hand, on_order, position; /* position = on_hand + on_order */
	int64_t need;     /* order_up_to − position when position <= reorder
			   * point (may be <= 0), else 0 */
	int64_t quantity; /* need rounded by the terms; 0 = order nothing */
	int extended;     /* days beyond the forecast's horizon that were
			   * filled by repeating its last week */
};

/*
 * Computes the reorder figures from a daily forecast: mean[d] and sigma[d]
 * (thousandths of a unit; d = 0 is tomorrow, n days) are one day's expected
 * demand and the standard deviation of its error. Days' errors are taken as
 * independent, so the lead time's variance is the sum of the days' variances
 * (a forecast whose errors are correlated from day to day makes σ_L too
 * small). A mean below 0 counts as 0. When L + R > n the missing days repeat
 * the forecast's last 7 days (its weekly pattern), or its last day when
 * n < 7; out->extended says how many. An order is proposed when
 * position = on_hand + on_order is at or below the reorder point: order-up-to
 * − position, rounded by terms (may be NULL). The caller owns everything.
 * Returns 0, or -1 for bad input (n < 1, L < 0 or R < 0 or L + R > 3650,
 * level outside 50000..99900 (50%..99.9%), a negative σ) or a figure out of range.
 */
int reorder_compute(const int64_t *mean, const int64_t *sigma, int n,
		    int lead_days, int review_days, int level_e3,
		    int64_t on_hand, int64_t on_order,
		    const struct reorder_terms *terms, struct reorder_calc *out);

/* q rounded by terms (as above) into *out. 0, or -1 on overflow. */
int reorder_round(int64_t q, const struct reorder_terms *terms, int64_t *out);

#endif
