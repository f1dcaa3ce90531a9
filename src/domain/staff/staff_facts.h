/* staff_facts.h: sales and returns credited to salespeople, per business
 * day, store and person: a sale goes to its sale_salespeople rows by
 * share_bp or, without rows, wholly to COALESCE(salesperson_id,
 * cashier_id); a return counts negative the same way on the day of the
 * return. Read by targets (actuals) and the KPIs and leaderboards. */
#ifndef TERSA_STAFF_FACTS_H
#define TERSA_STAFF_FACTS_H

#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"

/* Amounts ending in _x are credited amounts × 10000 (share_bp times the
 * amount), summed before dividing so shared sales lose no fen in a group:
 * staff_x_round turns them into money. units in thousandths. */
struct staff_fact {
	char day[11];
	int64_t store_id, user_id;
	int64_t revenue_x;  /* line totals paid, VAT included, less refunds */
	int64_t vat_x;
	int64_t cost_x;
	int64_t discount_x; /* discount of the sales (returns do not reduce it) */
	int64_t gross_x;    /* gross of the sales' lines (for the discount rate) */
	int64_t units_x;    /* thousandths, less returned */
	int64_t refunded_x; /* refunds of returns (positive) */
	int64_t txns;       /* sales the person is credited with (any share) */
	int64_t txn_x;      /* Σ share_bp of those sales: a store's sales × 10000 */
	int64_t returns;    /* returns of the person's sales on this day */
};

/* Every credited row of [from, to] (business days, inclusive), store_id 0:
 * every store, category_id 0: every category (else only lines of it),
 * user_id 0: every person. Ordered by day, store, person. One query. */
int staff_facts_load(struct db *db, struct arena *a, const char *from, const char *to,
		     int64_t store_id, int64_t category_id, int64_t user_id,
		     struct staff_fact **out, int *n, struct err *e);

/* A credited sum × 10000 as money: divided by 10000, half away from zero. */
int64_t staff_x_round(int64_t x);

#endif
