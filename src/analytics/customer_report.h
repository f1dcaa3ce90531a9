/* customer_report.h: customer reports — new against returning customers
 * and the members' share of revenue per period, retention cohorts by month
 * of first purchase — read from the day × store × customer rollup and the
 * day × store rollup (never from sale lines). */
#ifndef TERSA_CUSTOMER_REPORT_H
#define TERSA_CUSTOMER_REPORT_H

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"

struct customer_report_query {
	const char *from, *to;  /* business days, to inclusive; NULL: defaults */
	const char *group_by;   /* day week month; NULL: day */
	int64_t store_id;       /* 0: every store the viewer sees */
	int64_t scope_user_id;  /* a store-bound viewer: only their stores; 0 = all */
};

/* Per period of the range (every period, empty ones too) {key,label,
 * customers,new_customers,returning_customers,member_orders,member_revenue,
 * orders,revenue,member_share_rate}; totals over the range. A customer is
 * active in a period with a sale there (not voided); new when their first
 * purchase in the stores in scope falls in the period, returning when it
 * came before. member_*: sales with a customer (orders less voids,
 * revenue net of refunds); orders and revenue: every sale of the stores;
 * member_share_rate = member_revenue / revenue (4 decimals, null when
 * revenue <= 0). Default range: the last 30 days. ERR_INVALID naming
 * from, to or group_by. */
int report_customers(struct db *db, struct arena *a, const struct customer_report_query *q,
		     json_t **out, struct err *e);

/* Cohorts by month of first purchase in the stores in scope, for first
 * purchases between from and to (default: the 12 months to this one):
 * items [{cohort:"YYYY-MM",size,retention:[{months_since,retained,
 * retained_rate}]}], one per month of the range, retention for months 0
 * up to to's month; retained = cohort customers with a sale in the stores
 * in scope in that month (and not after to); rate = retained / size. */
int report_cohorts(struct db *db, struct arena *a, const struct customer_report_query *q,
		   json_t **out, struct err *e);

/* The cohorts' items as flat rows for export: one per cohort × month
 * since {cohort,size,months_since,retained,retained_rate}. New reference. */
json_t *cohort_rows(const json_t *items);

/* The month number y × 12 + m - 1 of 'YYYY-MM...', or -1. */
int cohort_month(const char *day);
/* 'YYYY-MM' of a month number into out (8 bytes). */
void cohort_month_key(int month, char *out);

#endif
