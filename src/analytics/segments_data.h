/* segments_data.h: customer segments read from the database — the named
 * RFM segments with their sizes, revenue and lifetime value, the k-means
 * clusters, and one customer's lifetime value from the cohort curves. */
#ifndef TERSA_SEGMENTS_DATA_H
#define TERSA_SEGMENTS_DATA_H

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

struct segments_query {
	int64_t store_id;      /* 0: every store the viewer sees */
	int64_t scope_user_id; /* a store-bound viewer: only their stores; 0 = all */
	int k;                 /* clusters: 2..8, or 0 to choose by silhouette */
};

/* The named RFM segments (rfm_segments.h) of the scored customers (the
 * nightly scores) with a non-voided sale in the stores in scope in the 365
 * days to now: {as_of, window_days, customers, revenue, horizon_months,
 * monthly_discount_rate, items:[{code, rule, customers, revenue,
 * revenue_share, avg_recency_days, avg_frequency, avg_spend, clv_total,
 * clv_avg}]}, one item per segment in the header's order, empty ones too.
 * revenue: the totals of those sales (as the M score counts them), fen;
 * revenue_share = revenue / all segments' revenue (4 decimals, null when
 * that is <= 0); the averages are null for an empty segment; clv: each
 * customer's lifetime value (segments_customer_value) from the cohort
 * curves of the stores in scope, summed, and its mean. New reference in
 * *out. ERR_DB. */
int segments_rfm(struct db *db, struct arena *a, const struct segments_query *q, int64_t now,
		 json_t **out, struct err *e);

/* k-means clusters of the customers with a non-voided sale in the stores
 * in scope in the 365 days to now, on standardized spend, orders, days
 * since the last sale and the shares of their spend per top-level category
 * (the 11 largest, the rest as one): {as_of, customers, k, features,
 * silhouettes:[{k, silhouette}], clusters:[{cluster, label, size, revenue,
 * revenue_share, centroid:{spend, frequency, recency_days,
 * category_mix:[{category_id, name, share}]}}], sample:[{customer_id,
 * cluster, spend, frequency, recency_days}]}. q->k given: that k (at most
 * customers - 1); else the k of 2..8 with the best silhouette. Fewer than
 * 3 customers: one cluster (none without customers). Over 5000 customers
 * the centres are fitted on every ceil(n/5000)-th customer by id and every
 * customer then goes to the nearest centre. Clusters are numbered
 * by revenue, largest first; the sample holds up to 500 customers (every
 * ceil(n/500)-th by id). New reference in *out. ERR_DB. */
int segments_clusters(struct db *db, struct arena *a, const struct segments_query *q,
		      int64_t now, json_t **out, struct err *e);

/* One customer's lifetime value (clv.h) over CLV_HORIZON_MONTHS at
 * CLV_MONTHLY_DISCOUNT a month, from the cohort curves of every store:
 * {customer_id, clv, realized, expected, first_month, months_since_first,
 * horizon_months, monthly_discount_rate, new_customer_value,
 * retention_decay}; realized: their own revenue in the months since their
 * first purchase (discounted), expected: the curve's months after this one;
 * a customer who never bought has 0 and nulls. ERR_NOT_FOUND when who may
 * not see the customer (customer_visible); ERR_DB. New reference. */
int segments_customer_value(struct db *db, struct arena *a, const struct actor *who,
			    int64_t customer_id, int64_t now, json_t **out, struct err *e);

#endif
