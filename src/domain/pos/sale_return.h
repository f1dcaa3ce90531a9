/* sale_return.h: returns against a sale (per line, up to what is left,
 * refunding what the customer paid for those units, to the sale's own
 * tenders unless a manager overrides it): the stock back, the day rollups,
 * the journal and the audit row in one transaction. Also the locked read of
 * a sale that the void (sale_void.h) shares. */
#ifndef TERSA_SALE_RETURN_H
#define TERSA_SALE_RETURN_H

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

/* ---- the refund arithmetic (pure, no database) ---- */

/* One sale line as the refund arithmetic sees it. Amounts in minor units,
 * quantities in thousandths. */
struct refund_line {
	int64_t quantity; /* sold (> 0) */
	int64_t total;    /* the line's total after its discounts */
	int64_t rounding; /* the line's share of the sale's rounding (<= total) */
	int64_t discount; /* the line's discounts */
	int64_t vat;      /* VAT contained in total */
	int64_t cost;     /* unit cost x quantity; 0 when unknown */
	int64_t returned; /* returned before this return (0..quantity) */
};

/* The parts of a line's amounts that go with the returned units. */
struct refund_part {
	int64_t refund;   /* what the customer gets back: total - rounding */
	int64_t total;    /* part of the line total */
	int64_t rounding; /* part of the line's rounding share */
	int64_t discount, vat, cost;
};

/* The parts for returning qty more units of l. Each amount A is prorated
 * cumulatively: the units returned so far carry round(A x returned /
 * quantity) (half away from zero), all of them carry exactly A, and a
 * return gets the difference. So the returns of a line, however split, add
 * up to the line's amounts exactly, the last one taking the remainder. The
 * refund is prorated on total - rounding (never negative); total = refund +
 * rounding. -1 if qty is not in 1..quantity - returned or an amount is out
 * of range. */
int refund_compute(const struct refund_line *l, int64_t qty, struct refund_part *out);

/* Splits the sale's rounding over its lines by their totals (largest
 * remainder: each share is the exact proportion rounded down or up, ties to
 * the earlier line) so that the shares sum to rounding and none exceeds its
 * line's total. -1 if rounding is negative or above the sum of totals, or a
 * total is negative. */
int refund_rounding_shares(int64_t rounding, const int64_t *totals, int n, int64_t *shares);

/* One tender and an amount: what a sale's tender can still take back, or
 * what a return pays back to it. */
struct refund_tender {
	const char *method;
	int64_t amount;
};

/* Where a refund goes. left[0..nleft) holds the sale's tenders in the
 * sale's order, each with what it can still take back (paid to it, cash
 * net of change, less what earlier returns refunded to it). With method
 * NULL the refund goes back to those tenders in the sale's order, each
 * taking up to its amount left (so the returns of a sale, however split,
 * pay each tender back exactly what it paid). With a method, all of it
 * goes to that method. out (room for nleft + 1) gets the tenders with
 * amounts > 0, *nout their number. Returns 0; 1 when the refund overrides
 * the sale's tenders (a method the sale was not paid with, or more than
 * that tender can still take back), which needs a manager; -1 for a
 * negative refund or amount. */
int refund_tenders(const struct refund_tender *left, int nleft, int64_t refund,
		   const char *method, struct refund_tender *out, int *nout);

/* ---- returns ---- */

struct sale_return_line_input {
	int64_t line_id;  /* a sale_lines id of this sale */
	int64_t quantity; /* thousandths, > 0 */
};

struct sale_return_input {
	struct sale_return_line_input *lines;
	int nlines;
	const char *refund_method; /* NULL: back to the sale's own tenders; else
				      cash card wechat alipay voucher */
	const char *reason;        /* 1-200 characters */
	const char *register_id;   /* the till whose open shift takes the return; "1" when NULL */
	int may_override_refund;   /* the caller holds refund_override */
};

/* The store of a sale, for the caller's scope check. ERR_NOT_FOUND. */
int sale_return_store_of(struct db *db, int64_t sale_id, int64_t *store_id, struct err *e);

/* A return in steps, as the sale: sale_return_check notes the request's own
 * field errors (no database); sale_return_plan, inside the caller's write
 * transaction, locks the sale and computes everything the return will
 * write — lines, refund parts, refund tenders — writing nothing (a voided
 * or fully returned sale: ERR_STATE; a refund to other tenders than the
 * sale's without may_override_refund: ERR_FORBIDDEN); sale_return_write
 * writes the plan, its stock moves, rollups, journal record and audit rows
 * (a refund override gets its own audit row, action "refund_override").
 * The plan lives in a. */
struct sale_return_plan;
void sale_return_check(const struct sale_return_input *in, struct err *e);
int sale_return_plan(struct db *db, struct arena *a, int64_t sale_id,
		     const struct sale_return_input *in, struct sale_return_plan **out,
		     struct err *e);
int sale_return_write(struct db *db, struct arena *a, const struct actor *who,
		      const struct sale_return_plan *p, int64_t *return_id, struct err *e);

/* Records a return against sale_id in a transaction of its own: check,
 * plan, write. key (may be NULL: no idempotency) and request_hash work as
 * for the sale: the same key and hash again answer the stored result with
 * *replayed = 1, another hash ERR_IDEMPOTENCY_CONFLICT, a refused request
 * stores nothing. Field errors name lines, lines[i].line_id,
 * lines[i].quantity, refund_method, reason. *out is the sale as sale_get
 * renders it, its returns with their refund tenders (caller owns it). */
int sale_return_create(struct db *db, struct arena *a, const struct actor *who,
		       int64_t sale_id, const char *key, const char *request_hash,
		       const struct sale_return_input *in, json_t **out, int *replayed,
		       struct err *e);

/* ---- a sale locked for a change (shared by returns and the void) ---- */

struct sale_locked {
	int64_t id, store_id, shift_id, cashier_id, salesperson_id;
	int64_t rounding, total, paid, vat_total, discount_total, refunded_total, change_due;
	int64_t customer_id, points_earned, points_redeemed; /* customer_id 0: none */
	const char *status, *day;
};

struct sale_locked_line {
	int64_t id, product_id, quantity, total, discount, vat, unit_cost, returned, refunded;
	int64_t rounding;    /* share of the sale's rounding */
	int64_t cost;        /* unit_cost x quantity, as the sale counted it */
	int64_t category_id; /* the product's when sold; 0: none */
};

/* Locks the sale's row for the rest of the caller's write transaction (so
 * that concurrent returns and voids of one sale see each other on both
 * engines) and reads it with its lines (in a). ERR_NOT_FOUND. */
int sale_lock(struct db *db, struct arena *a, int64_t sale_id, struct sale_locked *s,
	      struct sale_locked_line **lines, int *n, struct err *e);

/* The staff member a sale's rollups are booked to. */
int64_t sale_locked_staff(const struct sale_locked *s);

/* Notes a field error on "reason" unless it is 1-200 characters, not blank. */
void sale_reason_check(const char *reason, struct err *e);

#endif
