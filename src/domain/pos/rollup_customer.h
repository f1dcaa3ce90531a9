/* rollup_customer.h: the day × store × customer rollup behind the customer
 * reports, kept current by every sale, return and void of a sale with a
 * customer in its own transaction. */
#ifndef TERSA_ROLLUP_CUSTOMER_H
#define TERSA_ROLLUP_CUSTOMER_H

#include "base/err.h"
#include "db/db.h"
#include "domain/pos/rollup.h"

/* Adds d's orders and revenue (the store row's: a sale +1 and what was
 * paid, a void -1 and minus that, a return 0 and minus the refund) to the
 * row (d->day, d->store_id, customer_id), inside the caller's
 * transaction. customer_id > 0. 0 or a negative ERR_*. */
int rollup_customer(struct db *db, const struct rollup_delta *d, int64_t customer_id,
		    struct err *e);

/* Moves from_id's rows to keep_id (summed into rows keep_id already has
 * for the same day and store), for a merge of two customers that moves
 * their sales; in the caller's write transaction. 0 or negative. */
int rollup_customer_merge(struct db *db, int64_t keep_id, int64_t from_id, struct err *e);

/* The rollup recomputed from the stored sales and returns: yields exactly
 * rollup_day_store_customer's columns (day, store_id, customer_id, orders,
 * revenue). A voided sale leaves its row with zeros, as the writes do.
 * One of rollup_defs[]. */
extern const char rollup_customer_recompute[];

#endif
