/* replenish.h: replenishment suggestions. replenish_suggest() and
 * replenish_group() are pure arithmetic (no database); the rest reads the
 * reorder rules, balances, open purchase orders and preferred suppliers of
 * a store, and turns one supplier's suggestions into a draft order.
 *
 * The rule, decided here: when on_hand + on_order <= min, order up to max
 * (target = max; safety stock is not added: min is the level that already
 * protects it, and adding it again would order past the shelf's max);
 * quantity = max - on_hand - on_order, rounded UP to the order multiple,
 * then up to the supplier's pack size, then raised to the minimum order
 * quantity (itself rounded up to the pack size). Otherwise nothing. On hand
 * below the safety stock is named in the reason as urgent. on_order counts
 * what open orders (draft, sent, partially received) still expect, so a
 * draft made from the suggestions removes them.
 *
 * Those are the lines of rule "manual". The products without a reorder rule
 * can be judged by a layer above (the reorder points from the forecast,
 * analytics/reorder_store.h) through replenish_suggestions_with(); their
 * lines say rule "forecast" and carry their figures. */
#ifndef TERSA_REPLENISH_H
#define TERSA_REPLENISH_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

/* Quantities in thousandths. */
struct replenish_rule {
	int64_t min, max, safety_stock;
	int64_t order_multiple; /* <= 0: none */
};

struct replenish_terms {
	int64_t pack_size;     /* <= 0: none */
	int64_t min_order_qty; /* <= 0: none */
};

#define REPLENISH_REASON_MAX 320

/* The quantity to order (thousandths, 0 = nothing) into *qty and why into
 * reason (always written, NUL-terminated). terms may be NULL (no supplier).
 * 0, or -1 if a quantity would overflow. */
int replenish_suggest(const struct replenish_rule *rule, int64_t on_hand,
		      int64_t on_order, const struct replenish_terms *terms,
		      int64_t *qty, char *reason, size_t reason_size);

/* The figures of a line proposed from the stored daily forecast (rule
 * "forecast"; see src/analytics/reorder.h). Quantities in thousandths. */
struct replenish_forecast {
	int64_t lead_time_days, review_days;
	int64_t service_level; /* percent × 1000 */
	double z;
	int64_t lead_time_demand, sigma_lead_time, safety_stock;
	int64_t reorder_point, order_up_to, position;
	const char *model;
	int64_t fitted_at; /* Unix ms */
};

/* One suggestion. */
struct replenish_line {
	int64_t product_id;
	int64_t supplier_id;       /* 0: no (active) preferred supplier */
	const char *supplier_name; /* NULL when supplier_id is 0 */
	const char *sku, *name;
	int64_t on_hand, on_order, min, max, quantity; /* thousandths */
	int64_t unit_cost;         /* minor units; -1 unknown */
	int64_t total;             /* quantity × unit_cost; -1 unknown */
	const char *reason;
	const char *rule;       /* "manual" (a reorder rule) or "forecast" */
	int64_t safety_stock;   /* manual: the rule's; forecast: z × σ_L */
	const struct replenish_forecast *forecast; /* NULL for manual lines */
};

struct replenish_group {
	int64_t supplier_id;
	const char *supplier_name;
	struct replenish_line *lines; /* points into the sorted array */
	int nlines;
	int64_t total;                /* sum of the known line totals */
};

/* Sorts lines in place (no supplier first, then by supplier name and id;
 * in a group by SKU, then product id) and groups them: groups (room for n)
 * gets one entry per supplier, *unassigned / *nunassigned the lines without
 * a supplier. Returns the number of groups, or -1 if a total overflows. */
int replenish_group(struct replenish_line *lines, int n,
		    struct replenish_group *groups,
		    struct replenish_line **unassigned, int *nunassigned);

struct replenish_report {
	int64_t store_id;
	struct replenish_group *groups;
	int ngroups;
	struct replenish_line *unassigned;
	int nunassigned;
};

/* The store's suggestions (every product with a reorder rule that needs
 * ordering). ERR_NOT_FOUND for an unknown store. Lives in arena a. */
int replenish_suggestions(struct db *db, struct arena *a, int64_t store_id,
			  struct replenish_report *out, struct err *e);

/* Lines a layer above adds for a store (the forecast-driven ones, for the
 * products without a reorder rule): *lines (n, in arena a) with every
 * field set. 0 or negative. */
typedef int (*replenish_more_fn)(struct db *db, struct arena *a, int64_t store_id,
				 struct replenish_line **lines, int *n, struct err *e);

/* replenish_suggestions plus the lines more (may be NULL) adds. */
int replenish_suggestions_with(struct db *db, struct arena *a, int64_t store_id,
			       replenish_more_fn more, struct replenish_report *out,
			       struct err *e);

/* Turns the suggestions for supplier_id into a draft purchase order, in
 * one transaction (the store row is locked so that two calls do not make
 * two drafts). ERR_INVALID: unknown store or supplier, or nothing to order
 * (field supplier_id); ERR_FORBIDDEN for another store. *out gets the new
 * order with its lines. */
struct purchase_order;
int replenish_order(struct db *db, struct arena *a, const struct actor *who,
		    int64_t store_id, int64_t supplier_id,
		    struct purchase_order **out, struct err *e);
/* replenish_order over replenish_suggestions_with(more). */
int replenish_order_with(struct db *db, struct arena *a, const struct actor *who,
			 int64_t store_id, int64_t supplier_id, replenish_more_fn more,
			 struct purchase_order **out, struct err *e);

json_t *replenish_line_to_json(const struct replenish_line *l);
json_t *replenish_to_json(const struct replenish_report *r);

#endif
