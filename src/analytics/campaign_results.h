/* campaign_results.h: what a campaign did — reach and delivery, coupon
 * redemptions, purchases in the attribution window by the target and the
 * control group, the uplift of the conversion rate and of revenue per
 * member with their 95% intervals (uplift.h), incremental revenue and
 * margin, ROI, a verdict in one word, the daily curve and the variants.
 *
 * Purchases: sales with the member's customer_id (any store, any channel)
 * at in [started_at, started_at + attribution_days × 24 h), neither voided
 * nor fully returned; revenue net of refunds (total − refunded_total),
 * margin = revenue − VAT − cost of the units kept (both net of returns). A
 * member converted when they made at least one such purchase. */
#ifndef TERSA_CAMPAIGN_RESULTS_H
#define TERSA_CAMPAIGN_RESULTS_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

#define CR_LEVEL 0.95

/* One group's sums (revenue and margin in fen, summed over its members). */
struct cr_group {
	int64_t members, reached, delivered, converted, coupons_issued, coupons_redeemed;
	int64_t revenue, margin;
	double revenue_sq; /* Σ over members of (their revenue)², for the variance */
};

/* The figures derived from the two groups (campaign_results_compute). */
struct cr_stats {
	double t_rate, c_rate; /* conversion rates (0 for an empty group) */
	double t_rpm, c_rpm;   /* revenue per member, fen */
	int conv_ok;           /* the conversion uplift could be computed */
	double conv_diff, conv_lo, conv_hi;
	int conv_sig; /* the interval excludes 0 */
	int rpm_ok;   /* Welch's interval could be computed */
	double rpm_diff, rpm_lo, rpm_hi, rpm_df;
	int rpm_sig;
	int64_t incr_revenue, incr_margin; /* (per member target − control) × target members */
	int roi_ok;                        /* cost > 0 */
	double roi;                        /* (incremental margin − cost) / cost */
	const char *verdict;               /* effect | no_effect_yet | negative | too_early */
};

/* Derives the statistics. started: the campaign has started. The verdict:
 * too_early before the start or while a group has fewer than 2 members;
 * effect when the conversion interval lies above 0, negative when below,
 * else no_effect_yet. 0, or -1 when incremental revenue or margin leave
 * the money range. Pure. */
int campaign_results_compute(const struct cr_group *t, const struct cr_group *c, int64_t cost,
                             int started, struct cr_stats *out);

/* The results of campaign id as of now, as the API answers them
 * (GET /campaigns/{id}/results). A campaign who does not see (campaign_get:
 * a store-bound user sees their stores' campaigns only) is ERR_NOT_FOUND. A
 * campaign not started yet answers zeros and the verdict too_early. *out
 * is the caller's. 0 or negative ERR_*. */
int campaign_results_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
                         int64_t now, json_t **out, struct err *e);

#endif
