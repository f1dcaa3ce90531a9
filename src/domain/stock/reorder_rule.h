/* reorder.h: reorder rules per store x product (min, max, safety stock, lead
 * time, order multiple), which drive low-stock alerts and replenishment. */
#ifndef TERSA_REORDER_H
#define TERSA_REORDER_H

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

struct reorder_rule {
	int64_t store_id, product_id;
	int64_t min_qty, max_qty, safety_stock; /* thousandths */
	int64_t lead_time_days;                 /* -1 = not set */
	int64_t order_multiple;                 /* thousandths, > 0 */
	int64_t created_at, updated_at;
};

/* A whole rule (PUT): quantities in thousandths. */
struct reorder_input {
	int64_t min_qty, max_qty;
	int64_t safety_stock;   /* 0 when not given */
	int64_t lead_time_days; /* -1 = not set */
	int64_t order_multiple; /* 1000 (one unit) when not given */
};

/* Checks a rule: min and max required (has_min/has_max), all >= 0,
 * min <= max, order_multiple > 0, lead time 0..3650. Adds field errors named
 * "min", "max", "safety_stock", "lead_time_days", "order_multiple". */
void reorder_check(const struct reorder_input *in, int has_min, int has_max,
		   struct err *e);

/* Creates or replaces the rule (ERR_NOT_FOUND for an unknown store or
 * product), re-evaluates the pair's low-stock alert and writes an audit row
 * (entity "reorder_rule", id = product id). *created is 1 for a new rule. */
int reorder_put(struct db *db, struct arena *a, const struct actor *who,
		int64_t store_id, int64_t product_id, const struct reorder_input *in,
		struct reorder_rule **out, int *created, struct err *e);
/* ERR_NOT_FOUND if there is no rule. */
int reorder_get(struct db *db, struct arena *a, int64_t store_id,
		int64_t product_id, struct reorder_rule **out, struct err *e);
/* Removes the rule (ERR_NOT_FOUND if none) and resolves its low-stock
 * alert, with an audit row. */
int reorder_delete(struct db *db, const struct actor *who, int64_t store_id,
		   int64_t product_id, struct err *e);

struct reorder_filter {
	int64_t store_id, product_id;       /* 0 = any */
	int64_t after_store, after_product; /* keyset over (store, product) */
	int limit;
};
/* Rules in stores u sees (NULL: all), by store then product. */
int reorder_list(struct db *db, struct arena *a, const struct user *u,
		 const struct reorder_filter *f, struct reorder_rule ***out,
		 int *n, int *more, struct err *e);

json_t *reorder_to_json(const struct reorder_rule *r); /* caller owns */

#endif
