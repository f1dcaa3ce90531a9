/* price_history.h: a product's price and cost changes, read from its audit
 * rows (every change of price or cost writes one in the same transaction). */
#ifndef TERSA_PRICE_HISTORY_H
#define TERSA_PRICE_HISTORY_H

#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"

/* One change. A side that did not change has changed = 0 and its values
 * are meaningless. Money in minor units; -1 = none (a cost never known, or
 * no value before the product was created). */
struct price_change {
	int64_t id;           /* the audit row; the page cursor */
	int64_t at;           /* ms */
	const char *username; /* NULL: the system (an import by a job, a receipt) */
	const char *action;   /* "create", "update", ... as audited */
	int price_changed, cost_changed;
	int64_t price_before, price_after;
	int64_t cost_before, cost_after;
};

/* The changes of product id's price or cost, newest first, at most limit
 * (1..500), older than before_id when > 0. *more = 1 when older changes
 * remain. Rows and strings live in a. ERR_NOT_FOUND when the product does
 * not exist; else 0 or a negative db error. */
int product_price_history(struct db *db, struct arena *a, int64_t id, int64_t before_id,
			  int limit, struct price_change **out, int *n, int *more,
			  struct err *e);

#endif
