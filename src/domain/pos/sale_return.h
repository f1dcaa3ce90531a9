/* sale_return.h: returns against a sale (per line, up to what is left,
 * refunding what the customer paid for those units) and the void of a sale
 * of the still-open shift (full reversal). Both put the stock back, move the
 * day rollups, append to the journal and write an audit row in one
 * transaction. */
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

/* ---- returns and voids ---- */

struct sale_return_line_input {
	int64_t line_id;  /* a sale_lines id of this sale */
	int64_t quantity; /* thousandths, > 0 */
};

struct sale_return_input {
	struct sale_return_line_input *lines;
	int nlines;
	const char *refund_method; /* cash card wechat alipay voucher */
	const char *reason;        /* 1-200 characters */
	const char *register_id;   /* the till whose open shift takes the return; "1" when NULL */
};

/* The store of a sale, for the caller's scope check. ERR_NOT_FOUND. */
int sale_return_store_of(struct db *db, int64_t sale_id, int64_t *store_id, struct err *e);

/* Records a return against sale_id. key (may be NULL: no idempotency) and
 * request_hash work as for sale_create: the same key and hash again answer
 * the stored result with *replayed = 1, another hash
 * ERR_IDEMPOTENCY_CONFLICT, a refused request stores nothing. Field errors
 * name lines, lines[i].line_id, lines[i].quantity, refund_method, reason;
 * a voided or fully returned sale: ERR_STATE. *out is the sale as sale_get
 * renders it (caller owns it). */
int sale_return_create(struct db *db, struct arena *a, const struct actor *who,
		       int64_t sale_id, const char *key, const char *request_hash,
		       const struct sale_return_input *in, json_t **out, int *replayed,
		       struct err *e);

/* Voids sale_id: only a completed sale (no returns) of a shift that is
 * still open (else ERR_STATE). Puts every line's stock back, takes the
 * sale's contributions off its day's rollups, marks it voided with who,
 * when and why (reason: field "reason", 1-200 characters). *out as for
 * sale_return_create. */
int sale_void(struct db *db, struct arena *a, const struct actor *who, int64_t sale_id,
	      const char *reason, json_t **out, struct err *e);

#endif
