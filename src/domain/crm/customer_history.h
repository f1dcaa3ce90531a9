/* customer_history.h: what happened with a customer: the sales, the whole
 * timeline in time order (sales, returns, points, stored value, coupons,
 * contacts, tasks, tier and consent changes) and the export of everything
 * held about the person (personal-data rights). */
#ifndef TERSA_CUSTOMER_HISTORY_H
#define TERSA_CUSTOMER_HISTORY_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"
#include "domain/pos/sale.h"

/* The customer's sales, newest first (a store-bound actor sees those of
 * its stores). ERR_NOT_FOUND when who does not see the customer. */
int customer_sales(struct db *db, struct arena *a, const struct actor *who,
		   int64_t id, int64_t before_id, int limit,
		   struct sale_head **out, int *n, int *more, struct err *e);

/* One event of the timeline. kind: sale, return, points, stored_value,
 * coupon_issued, coupon_redeemed, contact, task, tier_change, consent.
 * ref_id is the row's id in its table; amount and the two texts depend on
 * the kind (see customer_event_to_json). */
struct customer_event {
	int64_t at, ref_id, amount;
	int has_amount;
	const char *kind, *text1, *text2;
};
json_t *customer_event_to_json(const struct customer_event *ev);

/* The timeline, newest first, paged by the cursor "at:kind:ref_id" of the
 * last event (NULL: the first page). ERR_NOT_FOUND as above; ERR_INVALID
 * (field cursor) for a bad cursor. *next gets the next page's cursor or
 * NULL. */
int customer_timeline(struct db *db, struct arena *a, const struct actor *who,
		      int64_t id, const char *cursor, int limit,
		      struct customer_event **out, int *n, const char **next,
		      struct err *e);

/* Everything held about the customer as one JSON object (profile,
 * consents, tags, stores, sales, ledgers, coupons, contacts, tasks,
 * opportunities, outbox, tier history, reads); logs the read. ERR_NOT_FOUND
 * as above. *out owned by the caller. */
int customer_export(struct db *db, struct arena *a, const struct actor *who,
		    int64_t id, int64_t now, json_t **out, struct err *e);

#endif
