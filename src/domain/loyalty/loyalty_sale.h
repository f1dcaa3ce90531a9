/* loyalty_sale.h: the customer's part of a sale, its returns and its void
 * — the tier discount, points redeemed as a `points` tender, `stored_value`
 * tenders, points earned, the customer's aggregates and tier — planned
 * outside the writer and written inside the sale's own transaction (or
 * savepoint), so that a sale and its loyalty effects stand or fall
 * together. sale.c, sale_return.c and sale_void.c call these. */
#ifndef TERSA_LOYALTY_SALE_H
#define TERSA_LOYALTY_SALE_H

#include <stdint.h>

#include "base/err.h"
#include "db/db.h"
#include "domain/loyalty/program.h"
#include "domain/org/actor.h"
#include "domain/pos/sale.h"
#include "domain/pos/sale_return.h"

/* What the plan decided; all 0 for a sale without a customer. */
struct loyalty_sale {
	int64_t customer_id;
	struct loyalty_program prog;
	int64_t tier_id;           /* the tier the customer is in (0: none) */
	int64_t tier_discount_bp;  /* its discount at the till */
	int64_t multiplier_bp;     /* its points multiplier (10000 without a tier) */
	int64_t points_balance;    /* as read by the plan (re-checked by the write) */
	int64_t points_redeemed;   /* the points the sale spends */
	int64_t points_value;      /* what they pay: points_redeemed x point_value */
	int64_t sv_amount;         /* the stored_value tenders together */
	int64_t points_earned;
	/* What the plan saw, so that the write can skip the tier check when
	 * this sale cannot reach the next tier: the customer's stored tier and
	 * orders, the spend of the last 365 days before this sale, and the
	 * lowest threshold above the customer's tier (-1: none above). */
	int64_t tier_seen, orders_seen, spend_before, next_min_spend;
};

/* Plan, first step: the customer (it must be visible to who: else field
 * customer_id "no such customer"), the program, the tier, the balances;
 * field errors for points_redeemed or stored_value tenders without a
 * customer; ERR_INSUFFICIENT_BALANCE when the stored_value tenders exceed
 * the balance. Other problems are noted as field errors (the caller ends
 * them); a negative return is an error to answer at once. */
int loyalty_sale_load(struct db *db, const struct actor *who, const struct sale_input *in,
		      struct loyalty_sale *ls, struct err *e);

/* Plan, once the total is known: checks points_redeemed against the
 * program (min_redeem, max_redeem_points, max_redeem_bp of total; field
 * points_redeemed) and the balance (ERR_INSUFFICIENT_POINTS) and sets
 * points_value. */
int loyalty_sale_redeem(struct loyalty_sale *ls, int64_t total, struct err *e);

/* Plan, last step: the points the sale earns on what was paid in money
 * (paid less the points and stored_value tenders), with the tier's
 * multiplier, rounded as the program says. */
void loyalty_sale_earn(struct loyalty_sale *ls, int64_t paid);

/* Write, inside the sale's transaction after the sale row: redeems the
 * points (ERR_INSUFFICIENT_POINTS if spent meanwhile), spends the stored
 * value (ERR_INSUFFICIENT_BALANCE), earns (settling debt first), updates
 * the customer's lifetime spend, orders, first and last purchase, links
 * the customer to the store, upgrades the tier. */
int loyalty_sale_write(struct db *db, const struct loyalty_sale *ls, int64_t sale_id,
		       int64_t store_id, int64_t user_id, int64_t at, int64_t paid,
		       struct err *e);

/* A return or void of a sale with a customer, as the reversal sees it. */
struct loyalty_reversal {
	int64_t sale_id, return_id; /* return_id 0 for a void */
	int64_t customer_id, store_id, user_id, at;
	int64_t points_earned, points_redeemed, paid;
	int64_t refunded_before; /* refunded by earlier returns */
	int64_t refund;          /* this return's refund */
	const struct refund_tender *tenders; /* where this return's refund goes */
	int ntenders;
};

/* Checks a return's refund tenders before anything is written: points and
 * stored_value need the sale's customer, and points go back only for the
 * points the sale redeemed (field refund_method). */
void loyalty_return_check(const struct sale_locked *s, const struct refund_tender *tenders,
			  int ntenders, const struct refund_tender *left, int nleft,
			  struct err *e);

/* A return: takes back round(points_earned x refund / paid) of the earned
 * points (cumulated over the sale's returns, so that a sale returned in
 * full takes back exactly what it earned; what the balance lacks becomes
 * points owed), gives redeemed points back for a `points` refund tender
 * and stored value for a `stored_value` one (paid and bonus in the
 * proportion the sale spent them), and lowers the lifetime spend.
 * *reversed: the earned points reversed. No customer: nothing. */
int loyalty_return(struct db *db, const struct loyalty_reversal *r, int64_t *reversed,
		   struct err *e);

/* A void: everything the sale did is undone — earned points taken back
 * (the owed rule), redeemed points and stored value given back, the
 * aggregates lowered and first/last purchase recomputed. */
int loyalty_void(struct db *db, const struct loyalty_reversal *r, struct err *e);

#endif
