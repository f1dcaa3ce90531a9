/* stored_value.h: stored value (储值卡) — top-ups with bonus rules, spending
 * as a sale tender, returns back to it, refunds of the unused paid part. A
 * ledger (stored_value_ledger) keeps the paid and bonus parts apart, with
 * both balances on the customer row: sum(paid_amount) = sv_paid_balance and
 * sum(bonus_amount) = sv_bonus_balance, neither ever below zero.
 *
 * Rules of the parts: a sale spends the paid part first and the bonus part
 * last (loyalty_program.sv_bonus_spent = "last", the default) or the other
 * way round ("first"); a return gives back to each part in proportion to
 * what the sale took from it; a refund pays out only the paid part, and the
 * refund that takes the paid part to zero forfeits the bonus left (the
 * bonus was given for the deposit). */
#ifndef TERSA_STORED_VALUE_H
#define TERSA_STORED_VALUE_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"
#include "db/db.h"
#include "domain/loyalty/points.h"
#include "domain/org/actor.h"

extern const char *const sv_methods[]; /* cash card wechat alipay */

/* The active bonus rules, lowest min_amount first: [{id, min_amount,
 * bonus, created_at}]. */
int sv_rules_list(struct db *db, json_t **out, struct err *e);
/* A rule (min_amount >= 1, 0 <= bonus <= min_amount; another rule with the
 * same min_amount: ERR_DUPLICATE), audited. */
int sv_rule_create(struct db *db, const struct actor *who, int64_t min_amount, int64_t bonus,
		   json_t **out, struct err *e);
/* Deletes a rule (ERR_NOT_FOUND), audited. */
int sv_rule_delete(struct db *db, const struct actor *who, int64_t id, struct err *e);

/* Moves the customer's balances by the two deltas and writes a ledger row
 * of kind, inside the caller's write transaction; a part that would go
 * below zero: ERR_INSUFFICIENT_BALANCE (nothing written). */
int sv_write(struct db *db, int64_t customer_id, const char *kind, int64_t paid_delta,
	     int64_t bonus_delta, const char *method, const struct loyalty_ref *ref,
	     struct err *e);
/* Spends amount (> 0) in a sale: the parts split by the program's rule
 * under the row's lock; ERR_INSUFFICIENT_BALANCE when the balance is short. */
int sv_spend(struct db *db, int64_t customer_id, int64_t amount, int bonus_first,
	     const struct loyalty_ref *ref, struct err *e);

struct sv_top_up_input {
	int64_t amount;     /* > 0 */
	const char *method; /* sv_methods */
	int64_t store_id;   /* the till's store (the caller checks it is the user's) */
	const char *register_id; /* the till; NULL: any open shift of the store */
};
/* A top-up at the till, in a transaction of its own: the bonus of the best
 * rule (highest min_amount <= amount), the open shift of the store if any,
 * the customer linked to the store, audited. Field errors: amount, method,
 * store_id; an invisible customer: ERR_NOT_FOUND. *out: {id, customer_id,
 * amount, bonus, method, store_id, shift_id, at, paid_balance,
 * bonus_balance, balance}. */
int sv_top_up(struct db *db, const struct actor *who, int64_t customer_id,
	      const struct sv_top_up_input *in, json_t **out, struct err *e);

struct sv_refund_input {
	int64_t amount;     /* -1: the whole paid part */
	const char *method; /* sv_methods: how the money goes back */
	int64_t store_id;
	const char *register_id; /* as for a top-up */
	const char *reason; /* 1-200 characters */
};
/* Pays out unused paid stored value (more than the paid part: field
 * "amount"); the bonus left is forfeited when the paid part reaches zero.
 * In a transaction of its own, audited. *out as for a top-up, with
 * "forfeited_bonus". */
int sv_refund(struct db *db, const struct actor *who, int64_t customer_id,
	      const struct sv_refund_input *in, json_t **out, struct err *e);

/* The ledger page, newest first: {balance, paid_balance, bonus_balance,
 * items:[...]}. */
int sv_ledger_page(struct db *db, int64_t customer_id, int64_t before_id, int limit,
		   json_t **out, int *more, int64_t *last_id, struct err *e);

#endif
