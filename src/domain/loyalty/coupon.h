/* coupon.h: coupon templates (what a coupon gives, where, for how long) and
 * the coupons issued from them: to a customer or unnamed in printed
 * batches, each with an unguessable code, single use, with an expiry. The
 * sale's part (checking codes, the discount, redeeming, giving back on a
 * void) is in coupon_sale.h. */
#ifndef TERSA_COUPON_H
#define TERSA_COUPON_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

#define COUPON_NAME_MAX 100
#define COUPON_MAX_IDS 1000     /* store_ids, category_ids */
#define COUPON_BATCH_MAX 10000  /* codes per batch */
#define COUPON_VALID_DAYS_MAX 3650
#define COUPON_CODE_LEN 17      /* XXXXX-XXXXX-XXXXX */

extern const char *const coupon_kinds[];    /* amount_off percent_off gift */
extern const char *const coupon_statuses[]; /* issued redeemed expired cancelled */

struct coupon_template {
	int64_t id;
	const char *name, *kind;
	int64_t value;        /* minor units, basis points, or a product id */
	int64_t min_spend;    /* on the eligible lines; 0 = none */
	int64_t max_discount; /* percent_off cap; 0 = none */
	int64_t valid_days;   /* 0 = dates */
	const char *valid_from, *valid_to; /* days, NULL = open */
	int64_t *store_ids, *category_ids; /* empty = all */
	int nstore_ids, ncategory_ids;
	int64_t per_customer_limit; /* 0 = none */
	int stackable, active;
	int64_t created_at, updated_at;
};

/* Create reads every field (absent: defaults); update only those with
 * set_* = 1. Null clears an optional field. */
struct coupon_template_input {
	const char *name, *kind;
	int64_t value, min_spend, max_discount, valid_days, per_customer_limit;
	const char *valid_from, *valid_to;
	const int64_t *store_ids, *category_ids;
	int nstore_ids, ncategory_ids;
	int stackable, active; /* -1 unchanged (create: 1) */
	unsigned set_name : 1, set_kind : 1, set_value : 1, set_min_spend : 1,
	    set_max_discount : 1, set_valid_days : 1, set_valid_from : 1, set_valid_to : 1,
	    set_store_ids : 1, set_category_ids : 1, set_per_customer_limit : 1;
};

/* Create and update check every field and name each bad one (ERR_INVALID):
 * the kind's value (amount_off: 1.. minor units; percent_off: 1..10000
 * basis points; gift: an existing product), validity as valid_days or
 * valid_to (not both, valid_from <= valid_to), existing stores and
 * categories. Audited in the same transaction. ERR_NOT_FOUND on update. */
int coupon_template_create(struct db *db, struct arena *a, const struct actor *who,
			   const struct coupon_template_input *in,
			   struct coupon_template **out, struct err *e);
int coupon_template_update(struct db *db, struct arena *a, const struct actor *who,
			   int64_t id, const struct coupon_template_input *in,
			   struct coupon_template **out, struct err *e);
int coupon_template_get(struct db *db, struct arena *a, int64_t id,
			struct coupon_template **out, struct err *e);

struct coupon_template_filter {
	int active; /* -1 any */
	const char *q;
	int64_t after_id;
	int limit;
};
int coupon_template_list(struct db *db, struct arena *a, const struct coupon_template_filter *f,
			 struct coupon_template ***out, int *n, int *more, struct err *e);
json_t *coupon_template_to_json(const struct coupon_template *t);

/* 1 if the template applies in store_id (its store list is empty or holds
 * it). */
int coupon_template_in_store(const struct coupon_template *t, int64_t store_id);

struct coupon {
	int64_t id;
	const char *code;
	int64_t template_id, customer_id, batch_id; /* 0 = none */
	const char *status; /* as stored */
	int64_t issued_at, expires_at, issued_by;
	const char *reason;
	int64_t sale_id, redeemed_at, store_id, discount;
};

/* The coupon as JSON; status "expired" for an issued coupon past its
 * expiry at now (0: the status as it is). Caller owns it. */
json_t *coupon_to_json(const struct coupon *c, int64_t now);

/* A fresh random code XXXXX-XXXXX-XXXXX (libsodium's randombytes) over 31
 * characters without 0/O, 1/I/L: 74 bits. out needs COUPON_CODE_LEN + 1. */
void coupon_code_new(char *out);
/* The canonical form of a typed code (upper case, spaces and dashes
 * dropped, regrouped); 0, or -1 when it cannot be a code. out needs
 * COUPON_CODE_LEN + 1. */
int coupon_code_normalize(const char *in, char *out);

/* When a coupon of t issued at now expires: the end of the company day
 * valid_days - 1 days after the issue day, or of valid_to (the earlier if
 * both). ERR_INVALID (field template_id) when that is not after now. */
int coupon_expiry(const struct coupon_template *t, int64_t now, int64_t *expires_at,
		  struct err *e);

/* Issues one coupon of template t to customer_id inside the caller's write
 * transaction (no audit row): the per-customer limit (coupons of t the
 * customer got, cancelled ones not counted) is checked with the customer's
 * row locked. *out (in a) or, when the limit is reached, ERR_CONFLICT.
 * ERR_INVALID (template_id) when t is inactive or its validity ended. */
int coupon_issue_tx(struct db *db, struct arena *a, const struct actor *who,
		    const struct coupon_template *t, int64_t customer_id, const char *reason,
		    int64_t now, struct coupon **out, struct err *e);

/* POST /coupons: a coupon of template_id for customer_id, who must see the
 * customer (customer_visible: else ERR_INVALID on customer_id, a customer
 * the actor cannot see is reported as absent). Own transaction, audited. */
int coupon_issue(struct db *db, struct arena *a, const struct actor *who, int64_t template_id,
		 int64_t customer_id, const char *reason, struct coupon **out, struct err *e);

/* count (1..COUPON_BATCH_MAX) unnamed coupons of template_id in one
 * transaction, audited once. *out: {batch_id, template_id, count,
 * expires_at, codes:[...]} (caller owns). */
int coupon_batch_create(struct db *db, struct arena *a, const struct actor *who,
			int64_t template_id, int64_t count, json_t **out, struct err *e);

/* By id, or by a typed code (normalized). ERR_NOT_FOUND. */
int coupon_get(struct db *db, struct arena *a, int64_t id, struct coupon **out, struct err *e);
int coupon_get_by_code(struct db *db, struct arena *a, const char *code, struct coupon **out,
		       struct err *e);
/* 1 if who may see c: not store-bound, unnamed, or its customer visible. */
int coupon_visible(struct db *db, const struct actor *who, const struct coupon *c,
		   struct err *e);

struct coupon_filter {
	const char *code;        /* exact, normalized by the caller's call */
	int64_t template_id, customer_id, batch_id; /* 0 = any */
	const char *status;      /* as coupon_to_json shows it; NULL = any */
	int64_t scope_user_id;   /* store-bound: unnamed or their customers */
	int64_t now;
	int64_t after_id;
	int limit;
};
/* Coupons by id, a keyset page in a; an issued coupon past its expiry at
 * f->now reads status "expired". */
int coupon_list(struct db *db, struct arena *a, const struct coupon_filter *f,
		struct coupon **out, int *n, int *more, struct err *e);

/* Cancels an issued coupon (audited). ERR_NOT_FOUND (also out of who's
 * scope), ERR_STATE when it is not issued. */
int coupon_cancel(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		  struct coupon **out, struct err *e);

/* What the till asks before a sale: the coupon with its template and
 * whether it may be used now in store_id (0: any) by customer_id (0:
 * none): *out {coupon, template, usable, reason} (caller owns).
 * ERR_NOT_FOUND for an unknown code. */
int coupon_lookup(struct db *db, struct arena *a, const char *code, int64_t store_id,
		  int64_t customer_id, int64_t now, json_t **out, struct err *e);

/* Marks issued coupons past their expiry at now as expired, in slices of
 * slice rows (one transaction each) until none is left; *n gets the count. 0 or negative. */
int coupon_expire_due(struct db *db, int64_t now, int slice, int64_t *n, struct err *e);

/* The consistency check for check-db: *bad gets the count of coupons that
 * disagree with their sale (redeemed without a sale, or by a missing or
 * voided one; not redeemed yet naming a sale). 0 or negative. */
int coupon_check(struct db *db, int64_t *bad, struct err *e);

#endif
