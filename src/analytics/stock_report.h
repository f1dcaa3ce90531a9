/* stock_report.h: inventory reports — stock value at cost by store or
 * category, turnover and days of cover, sell-through per category — read
 * from the stock balances, the stock ledger from a period's start on, and
 * the day rollups (never from sale lines). */
#ifndef TERSA_STOCK_REPORT_H
#define TERSA_STOCK_REPORT_H

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"

struct stock_report_query {
	const char *from, *to;  /* business days, to inclusive; NULL: the last 30 days */
	const char *group_by;   /* per report; NULL: its first */
	int64_t store_id;       /* 0: every store the viewer sees */
	int64_t category_id;    /* 0: the whole tree; else that subtree, by its children */
	int64_t scope_user_id;  /* a store-bound viewer: only their stores; 0 = all */
};

/* group_by store|category. {"group_by","category_id","items":[{key,label,
 * value,quantity,skus,negative_skus,zero_skus,uncosted_skus,negative_rate,
 * zero_rate}],"totals":{...}}: value = Σ on hand × the product's cost,
 * rounded once per item (half away from zero), as GET /stock/value;
 * negative stock counts negative; unknown cost counts 0 and in
 * uncosted_skus; skus = the store ×
 * product balances; the rates are shares of skus. Category items are the
 * children of category_id (top-level categories without it), each with its
 * subtree, plus the category itself and, for the whole tree, "no
 * category" (key null): items add up to the totals (but for each item's
 * rounding of fractional quantities). Bad parameters:
 * ERR_INVALID naming group_by or category_id. *out is the caller's. */
int report_stock_value(struct db *db, struct arena *a, const struct stock_report_query *q,
		       json_t **out, struct err *e);

/* group_by store|category|product. Items {key,label,cost,opening_value,
 * closing_value,avg_value,turnover,days_of_cover}: cost = cost of goods
 * sold over the period (day rollups, net of returns); opening and closing
 * value = the quantities at the start of from and the end of to (balance
 * less the ledger's later moves) at the products' cost today; avg_value =
 * (opening + closing) / 2; turnover = cost / avg_value; days_of_cover =
 * closing_value / (cost / days); both to 2 decimals, null when the divisor
 * is not positive. */
int report_turnover(struct db *db, struct arena *a, const struct stock_report_query *q,
		    json_t **out, struct err *e);

/* Per category (drill-down as above). Items {key,label,units_sold,
 * units_received,on_hand,sell_through_rate}: units_sold over the period
 * (net of returns), units_received (receipts and transfers in), on_hand at
 * the end of to; sell_through_rate = sold / (sold + max(on_hand, 0)). */
int report_sell_through(struct db *db, struct arena *a, const struct stock_report_query *q,
			json_t **out, struct err *e);

/* turnover × 100 = round(cost × 100 / avg_value); 0 or -1 (avg <= 0). */
int stock_turnover_x100(int64_t cost, int64_t avg_value, int64_t *out);
/* days of cover × 100 = round(closing × days × 100 / cost); 0 or -1. */
int stock_cover_x100(int64_t closing_value, int days, int64_t cost, int64_t *out);
/* (opening + closing) / 2, half away from zero. */
int64_t stock_avg_value(int64_t opening, int64_t closing);

#endif
