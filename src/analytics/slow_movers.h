/* slow.h: slow movers: products with stock in a store and no sale for N
 * days, with their value at cost, last sale and days of cover (on hand ÷
 * average daily sales over the last 28 days). Reads sale moves of the
 * stock ledger; writes nothing. */
#ifndef TERSA_SLOW_H
#define TERSA_SLOW_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

#define SLOW_DAYS_MAX 730
#define SLOW_COVER_DAYS 28

struct slow_filter {
	int64_t store_id;        /* 0 = every store the user sees */
	const struct user *user; /* store-bound: only their stores; NULL = all */
	int days;                /* no sale within this many days: 1..730 */
	int64_t now_ms;          /* the instant the windows end at */
	int64_t offset;          /* rows to skip (the list cursor) */
	int limit;
};

struct slow_item {
	int64_t store_id, product_id;
	const char *sku, *name;
	int64_t on_hand;      /* thousandths, > 0 */
	int64_t unit_cost;    /* the product's cost; -1 unknown */
	int64_t value;        /* on_hand × unit_cost; -1 unknown */
	int64_t last_sale_at; /* ms; 0 = never */
	int64_t sold_28d;     /* thousandths sold in the last 28 days */
	int64_t cover_tenths; /* days of cover × 10; -1 when nothing sold */
};

/* Days of cover × 10, rounded half up: on_hand × 28 / sold_28d; -1 when
 * sold_28d <= 0 (or the result does not fit). */
int64_t slow_cover_tenths(int64_t on_hand, int64_t sold_28d);

/* One page ordered by store, then product. *more when rows follow. */
int slow_movers(struct db *db, struct arena *a, const struct slow_filter *f,
		struct slow_item **out, int *n, int *more, struct err *e);

json_t *slow_item_to_json(const struct slow_item *it);

#endif
