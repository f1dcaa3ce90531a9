/* sale.h: the sale at the terminal — priced by the server, discounted by the
 * promotion engine, paid by several tenders, written with its stock moves,
 * rollups and journal record in one transaction; idempotent per user and
 * key. Returns and voids reverse it. */
#ifndef TERSA_SALE_H
#define TERSA_SALE_H

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

extern const char *const sale_payment_methods[]; /* cash card wechat alipay voucher points stored_value */

struct sale_line_input {
	int64_t product_id;  /* 0 when barcode is given */
	const char *barcode; /* EAN/UPC, or an in-store scale barcode (20–29) */
	int64_t quantity;    /* thousandths; 0 = taken from a scale barcode */
	int64_t unit_price;  /* -1 = catalog price; else needs price_override */
};

struct sale_payment_input {
	const char *method;
	int64_t amount;
	const char *reference; /* card slip, wallet transaction id; may be NULL */
};

/* One salesperson a sale is credited to; share_bp -1 when not given. */
struct sale_person_input {
	int64_t user_id;
	int64_t share_bp;
};
#define SALE_MAX_SALESPEOPLE 4

struct sale_input {
	int64_t store_id;
	const char *register_id;  /* the till; "1" when absent */
	int64_t customer_id;      /* 0 = none */
	int64_t salesperson_id;   /* 0 = none */
	/* Shared credit (0 rows = none): 1..4 distinct active users of the
	 * store, the shares all given summing to 10000 or all omitted (even
	 * split, the remainder to the first). salesperson_id becomes the
	 * first; a different one given is refused. Written to
	 * sale_salespeople in the sale's transaction. */
	struct sale_person_input *salespeople;
	int nsalespeople;
	struct sale_line_input *lines;
	int nlines;
	struct sale_payment_input *payments;
	int npayments;
	const char *const *coupon_codes;
	int ncoupons;
	int64_t points_redeemed;
	int64_t manual_discount_bp; /* order discount typed by the cashier, basis points */
	const char *approver_username; /* store manager approving a discount above the cap */
	const char *approver_password;
	const char *note;
	int64_t offline_at;       /* ms when the sale was made offline; 0 = online */
	int may_override_price;   /* the caller holds price_override */
	/* 1: no automatic promotions or tier discount (apply_promotions false
	 * in the API: a till that could not see them). The lines keep the
	 * prices given or the catalog's; coupons and points are refused. */
	int skip_promotions;
};

/* A sale in steps. key (1–64 chars) and request_hash identify the request
 * for the acting user. sale_replay looks the key up (1 and *id: answer that
 * sale as it is now, with Idempotent-Replayed; 0: new; the same key with
 * another hash: ERR_IDEMPOTENCY_CONFLICT). sale_plan reads and checks
 * everything — store, products, promotions, discount approval, totals,
 * tenders — and writes nothing, so it runs on any connection, outside the
 * writer. sale_write then claims the key and writes the plan inside the
 * caller's open write transaction (*replayed when a request with the same
 * key made it meanwhile; on failure the caller rolls back, so a refused
 * request stores nothing, its key included); sale_commit does that in a
 * transaction of its own. The answer is rendered afterwards with sale_get.
 * The plan lives in a. */
struct sale_plan;
int sale_replay(struct db *db, const struct actor *who, const char *key,
		const char *request_hash, int64_t *id, struct err *e);
int sale_plan(struct db *db, struct arena *a, const struct actor *who,
	      const struct sale_input *in, struct sale_plan **out, struct err *e);
int sale_write(struct db *db, struct arena *a, const struct actor *who,
	       const char *key, const char *request_hash,
	       const struct sale_plan *p, int64_t *id, int *replayed,
	       struct err *e);
int sale_commit(struct db *db, struct arena *a, const struct actor *who,
		const char *key, const char *request_hash,
		const struct sale_plan *p, int64_t *id, int *replayed,
		struct err *e);

/* The sale that sale_plan + sale_commit would make of in, as JSON in the
 * shape of sale_get (id 0, number "", shift_id null, line ids 0, no
 * returns), writing nothing. Payments may be absent: then nothing is
 * settled (rounding and change 0, paid = total). Errors as the sale's:
 * field errors, ERR_INSUFFICIENT_STOCK from a read of the stock. Caller
 * owns *out. */
int sale_preview(struct db *db, struct arena *a, const struct actor *who,
		 const struct sale_input *in, json_t **out, struct err *e);

/* What a code scanned at the till stands for, decoded exactly as a sale
 * line's `barcode` is: a product's own barcode (quantity 0: the cashier's
 * count), else an in-store scale label (EAN-13 prefix 20–29, the item's SKU
 * in digits 3–7): grams for prefixes 20–24 (quantity in thousandths of a
 * kg), the price in minor units for 25–29 (amount; quantity follows from
 * the shelf price as the sale computes it). ERR_NOT_FOUND when no product
 * answers; field `code` when it is no longer sold or the label carries no
 * quantity. */
enum sale_scan_kind { SALE_SCAN_BARCODE, SALE_SCAN_SCALE_WEIGHT, SALE_SCAN_SCALE_PRICE };
struct sale_scan {
	int64_t product_id;
	enum sale_scan_kind kind;
	int64_t quantity; /* thousandths; 0 for a plain barcode */
	int64_t amount;   /* a price label's value; 0 otherwise */
};
int sale_scan(struct db *db, struct arena *a, const char *code, struct sale_scan *out,
	      struct err *e);

/* The sale as JSON with its lines, payments and returns; ERR_NOT_FOUND.
 * *store_id gets the sale's store (for the caller's scope check). */
int sale_get(struct db *db, int64_t id, json_t **out, int64_t *store_id,
	     struct err *e);

struct sale_filter {
	int64_t scope_user_id;    /* a store-bound user: only their stores; 0 = all */
	int64_t store_id, customer_id; /* 0 = any */
	int64_t from, to;              /* ms; 0 = open */
	const char *status;
	const char *number;            /* the receipt number (a return scans it); NULL = any */
	int64_t before_id;             /* keyset, newest first */
	int limit;
};
/* A sale's header, without lines; an absent id or time is 0. */
struct sale_head {
	int64_t id, store_id, shift_id, customer_id, cashier_id, salesperson_id;
	int64_t at; /* ms */
	const char *number, *day, *status;
	int64_t subtotal, discount_total, rounding, vat_total, total, paid, change_due;
	int64_t points_earned, points_redeemed, manual_discount_bp;
	int64_t approved_by, offline_at, refunded_total, voided_by, voided_at;
	int negative_stock;
	int promotions_applied; /* 0: recorded with apply_promotions false */
	const char *note, *void_reason; /* NULL = none */
};
/* The header as JSON, the fields sale_get answers without its lines,
 * payments and returns. Caller owns it. */
json_t *sale_head_to_json(const struct sale_head *h);

/* Sales without lines (headers), newest first: a keyset page of *n rows in
 * a (*more: another page follows). ERR_DB. */
int sale_list(struct db *db, struct arena *a, const struct sale_filter *f,
	      struct sale_head **out, int *n, int *more, struct err *e);

#endif
