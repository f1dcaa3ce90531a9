/* points.h: a customer's points — a ledger (points_ledger) with the balance
 * on the customer row, earnings kept as lots spent first in, first out (the
 * oldest expiry first), and points owed: what a return or void could not
 * take back because the balance was short, settled by the next earnings.
 *
 * The invariants, per customer, after every committed change:
 *   sum(points_ledger.points) = points_balance
 *   sum(points_ledger.remaining) = points_balance (every point held sits in
 *     exactly one lot: earn, refund, void give-back or positive adjustment)
 *   points_balance >= 0, points_owed >= 0, remaining >= 0.
 * Every function below that changes points runs inside the caller's write
 * transaction and first locks the customer's row (a conditional UPDATE),
 * so concurrent changes of one customer queue on both engines. */
#ifndef TERSA_POINTS_H
#define TERSA_POINTS_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

/* What a ledger row points at (0 / NULL: none). */
struct loyalty_ref {
	int64_t at; /* ms */
	int64_t sale_id, return_id, store_id, user_id, shift_id;
	const char *reason;
};

/* A customer's balances, read under the row's lock. */
struct loyalty_account {
	int64_t points_balance, points_owed, sv_paid, sv_bonus;
};

/* Locks the customer's row for the rest of the caller's write transaction
 * and reads its balances. ERR_NOT_FOUND ("no customer N"), ERR_DB. */
int loyalty_account_lock(struct db *db, int64_t customer_id, struct loyalty_account *out,
			 struct err *e);

/* Adds a lot of points (> 0) of kind (earn, refund, void, adjust) that
 * expires at expires_at (0 = never). */
int points_credit(struct db *db, int64_t customer_id, const char *kind, int64_t points,
		  int64_t expires_at, const struct loyalty_ref *ref, struct err *e);
/* Takes points (> 0) of kind (redeem, adjust, ...) from the balance and
 * its lots, first in first out: ERR_INSUFFICIENT_POINTS when the balance
 * holds fewer (nothing written). */
int points_debit(struct db *db, int64_t customer_id, const char *kind, int64_t points,
		 const struct loyalty_ref *ref, struct err *e);
/* Earns points (>= 0): what the customer owes is settled first (an "owed"
 * row after the "earn" row; the lot keeps the rest). *settled (may be
 * NULL) gets the points that went to the debt. */
int points_earn(struct db *db, int64_t customer_id, int64_t points, int64_t expires_at,
		const struct loyalty_ref *ref, int64_t *settled, struct err *e);
/* Takes back points earned earlier (>= 0; kind return or void): as many as
 * the balance holds, the rest added to points_owed. *taken and *owed (may
 * be NULL) get the two parts. */
int points_take_back(struct db *db, int64_t customer_id, const char *kind, int64_t points,
		     const struct loyalty_ref *ref, int64_t *taken, int64_t *owed,
		     struct err *e);

/* A manual adjustment by a manager, in a transaction of its own: points
 * signed, not 0 (field "points"), reason 1-200 characters (field
 * "reason"); taking the balance below zero is a field error on "points".
 * The customer must be visible to who (else ERR_NOT_FOUND). Audited as
 * "adjust" of "customer_points". *out: the ledger row written. */
int points_adjust(struct db *db, const struct actor *who, int64_t customer_id, int64_t points,
		  const char *reason, json_t **out, struct err *e);

/* A page of a customer's ledger rows, newest first: sql takes (customer_id,
 * before id, limit + 1) and selects the id first; row renders one row.
 * Fills page's "items", *more and *last_id (for the next cursor). */
int ledger_rows(struct db *db, const char *sql, int64_t customer_id, int64_t before_id,
		int limit, json_t *(*row)(struct db_stmt *st), json_t *page, int *more,
		int64_t *last_id, struct err *e);

/* The ledger page, newest first, of a customer (visibility is the
 * caller's): {balance, owed, items:[...]} in *out, *more and *last_id for
 * the next cursor. */
int points_ledger_page(struct db *db, int64_t customer_id, int64_t before_id, int limit,
		       json_t **out, int *more, int64_t *last_id, struct err *e);

/* The nightly expiry: every lot whose expires_at <= now loses what remains
 * of it, with an "expire" row per lot (in slices, a transaction each).
 * *expired (may be NULL) gets the number of lots. */
int points_expire_run(struct db *db, int64_t now, int64_t *expired, struct err *e);

/* Recomputes every customer's points and stored-value balances from their
 * ledgers and lots and checks that none is negative: each difference a
 * line appended to report, *problems their count. 0 or ERR_DB. */
int loyalty_check(struct db *db, struct buf *report, int64_t *problems, struct err *e);

#endif
