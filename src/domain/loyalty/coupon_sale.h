/* coupon_sale.h: coupons in a sale. The plan checks each code and computes
 * what it gives on the lines (outside the writer, no writes); the write
 * redeems the coupons with one conditional UPDATE each, so that of two
 * sales using one coupon at once exactly one succeeds; a void gives them
 * back. */
#ifndef TERSA_COUPON_SALE_H
#define TERSA_COUPON_SALE_H

#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"

#define COUPON_MAX_PER_SALE 5

/* One line of a sale as the coupons see it. */
struct coupon_sale_line {
	int64_t category_id; /* 0 = none */
	int64_t value;       /* left to pay on the line so far; lowered by each coupon */
	int promoted;        /* carries a promotion discount */
	int is_gift;         /* a gift line: never discounted further */
};

/* What one coupon gives: a discount spread over the lines (parts, one per
 * line of the plan's lines) or, for a gift coupon, gift_product_id. */
struct coupon_use {
	int64_t coupon_id, template_id;
	const char *code;
	int64_t discount;         /* the sale sets a gift's value once it priced it */
	int64_t *parts;           /* NULL for a gift */
	int64_t gift_product_id;  /* 0 unless a gift */
};

struct coupon_sale {
	struct coupon_use *uses;
	int n;
	int64_t at; /* the sale's time, the coupons' validity checked at it */
};

/* Checks codes[0..ncodes) for a sale in store_id by customer_id (0: none)
 * at `at` and works out each coupon's share, in the order given, each on
 * what the coupons before it left (lines[].value is lowered). Rules: at most
 * COUPON_MAX_PER_SALE codes, each once, at most one coupon per template;
 * the coupon must be issued, not expired, valid from its template's
 * valid_from, for this store, of this customer when it is named; a
 * non-stackable coupon applies only to lines without a promotion discount;
 * the eligible lines (not gifts, in the template's categories or their
 * subcategories) must reach min_spend and hold some value; a gift
 * coupon's product must still be sold. Every refused
 * code is noted on coupon_codes[i] (ERR_INVALID). *out in a. */
int coupon_sale_plan(struct db *db, struct arena *a, const char *const *codes, int ncodes,
		     int64_t store_id, int64_t customer_id, int64_t at,
		     struct coupon_sale_line *lines, int nlines, struct coupon_sale **out,
		     struct err *e);

/* Inside the sale's write transaction: marks each coupon redeemed by
 * sale_id in store_id at now, only if it is still issued and unexpired at
 * the sale's time; else ERR_CONFLICT ("coupon X was used meanwhile"), and
 * the caller rolls the sale back. cs may be NULL (no coupons). */
int coupon_sale_redeem(struct db *db, const struct coupon_sale *cs, int64_t sale_id,
		       int64_t store_id, int64_t now, struct err *e);

/* Inside a void's transaction: the coupons redeemed by sale_id become
 * issued again (an expired one is then marked by the expiry job). */
int coupon_sale_give_back(struct db *db, int64_t sale_id, struct err *e);

#endif
