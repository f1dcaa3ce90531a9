/* alert.h: alerts per store: low_stock (balance at or below the reorder
 * rule's min, raised once until stock recovers above it) and negative_stock
 * (balance below zero where that was allowed), and the explained anomaly
 * kinds of the hourly job (store_sales, product_sales, cashier_voids,
 * cashier_returns, cashier_discounts, stock_adjustment: a sentence with its
 * figures as details, one alert per dedupe key). Status: open ->
 * acknowledged; open or acknowledged -> resolved when stock recovers. */
#ifndef TERSA_ALERT_H
#define TERSA_ALERT_H

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

extern const char *const alert_kinds[];    /* low_stock negative_stock, then the anomaly kinds */
#define ALERT_KIND_NAMES                                                              \
	"low_stock, negative_stock, store_sales, product_sales, cashier_voids, "       \
	"cashier_returns, cashier_discounts, stock_adjustment"
#define ALERT_NOTE_MAX 500 /* characters of an acknowledgement note */
extern const char *const alert_statuses[]; /* open acknowledged resolved */

struct alert {
	int64_t id;
	const char *kind;
	int64_t store_id;
	int64_t product_id; /* 0 = none */
	const char *status;
	const char *message;
	int64_t quantity, threshold; /* thousandths */
	int has_quantity, has_threshold;
	int64_t raised_at, resolved_at, acknowledged_at; /* 0 = not yet */
	int64_t acknowledged_by;                         /* 0 = nobody */
	const char *details;  /* JSON text of the figures, or NULL */
	const char *note;     /* the acknowledgement note, or NULL */
	int64_t updated_at;   /* figures last changed, 0 = never since raised */
};

/* Raises a low_stock alert for the pair unless one is open or acknowledged.
 * Runs inside the caller's write transaction. 1 raised, 0 not, negative. */
int alert_raise_low_stock(struct db *db, int64_t store_id, int64_t product_id,
			  int64_t on_hand, int64_t min_qty, struct err *e);
/* Raises a negative_stock alert for the pair unless one is still open or
 * acknowledged. 1 raised, 0 not, negative. */
int alert_raise_negative(struct db *db, int64_t store_id, int64_t product_id,
			 int64_t on_hand, struct err *e);
/* Marks the pair's open and acknowledged alerts of `kind` resolved. Returns
 * the number resolved or negative. */
int alert_resolve(struct db *db, const char *kind, int64_t store_id,
		  int64_t product_id, struct err *e);

/* Brings the pair's alerts in line with a balance that went from `before` to
 * `after` (inside the caller's write transaction, with the balance row
 * locked): low_stock against the reorder rule's min (none without a rule),
 * negative_stock against zero. force: evaluate even if nothing crossed (a
 * rule changed). 0 or negative. */
int alert_stock_changed(struct db *db, int64_t store_id, int64_t product_id,
			int64_t before, int64_t after, int force, struct err *e);
/* The same when the caller already has the rule: has_rule 0 (none) or 1
 * with its min_qty (the stock ledger reads it with the balance). */
int alert_stock_level(struct db *db, int64_t store_id, int64_t product_id, int64_t before,
		      int64_t after, int force, int has_rule, int64_t min_qty, struct err *e);

/* Raises an explained alert (the anomaly job), or updates the message,
 * details (JSON text) and quantity of the alert with the same dedupe_key
 * (whatever its status). product_id 0 = none; quantity (thousandths) < 0 =
 * none. *raised: 1 new, 0 updated.
 * Own transaction unless the caller holds one. 0 or negative. */
int alert_raise_explained(struct db *db, const char *kind, int64_t store_id, int64_t product_id,
			  const char *dedupe_key, const char *message, const char *details,
			  int64_t quantity, int *raised, struct err *e);

struct alert_filter {
	const char *kind;   /* NULL = any */
	const char *status; /* NULL = any */
	int64_t store_id;   /* 0 = any */
	int64_t product_id; /* 0 = any */
	int64_t raised_from; /* ms, raised at or after; 0 = any */
	int64_t raised_to;   /* ms, raised before; 0 = any */
	int64_t before_id;  /* keyset, newest first; 0 = from the newest */
	int limit;
};
/* Alerts visible to u (store-bound users: their stores only), newest first. */
int alert_list(struct db *db, struct arena *a, const struct user *u,
	       const struct alert_filter *f, struct alert ***out, int *n,
	       int *more, struct err *e);
/* ERR_NOT_FOUND if absent or in a store u does not see. */
int alert_get(struct db *db, struct arena *a, const struct user *u, int64_t id,
	      struct alert **out, struct err *e);
/* open -> acknowledged (ERR_STATE otherwise) with an optional note (NULL
 * or "" for none; the caller checks its length), with an audit row. */
int alert_acknowledge(struct db *db, struct arena *a, const struct actor *who,
		      int64_t id, const char *note, struct alert **out, struct err *e);

json_t *alert_to_json(const struct alert *al); /* caller owns */

#endif
