/* purchase.h: purchase orders to suppliers: draft -> sent ->
 * partially_received -> received, or cancelled (from draft or sent).
 * Receiving writes receipt moves at the order's cost and updates the
 * product's moving-average cost. */
#ifndef TERSA_PURCHASE_H
#define TERSA_PURCHASE_H

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

/* draft sent partially_received received cancelled; NULL-terminated. */
extern const char *const purchase_statuses[];

#define PURCHASE_LINES_MAX 500
#define PURCHASE_NOTE_MAX 500

struct purchase_line {
	int64_t id, product_id;
	int64_t quantity, received_quantity; /* thousandths */
	int64_t unit_cost, total;            /* minor units */
};

struct purchase_order {
	int64_t id, supplier_id, store_id;
	const char *status;
	const char *expected_at; /* 'YYYY-MM-DD' or NULL */
	const char *note;        /* may be NULL */
	int64_t total;
	struct purchase_line *lines;
	int nlines;              /* -1 when lines were not loaded (lists) */
	int64_t line_count;
	int64_t created_by;      /* 0 = the system */
	int64_t created_at, sent_at, received_at, cancelled_at, updated_at;
};

struct purchase_line_input {
	int64_t product_id; /* 0 = missing */
	int64_t quantity;   /* thousandths, > 0 (0 = missing) */
	int64_t unit_cost; /* -1: the product–supplier cost, else the product's */
};

/* For create supplier_id, store_id and lines are read (0 / NULL = missing);
 * for update only lines, note and expected_at with set_* = 1. */
struct purchase_input {
	int64_t supplier_id, store_id;
	const char *expected_at, *note;
	struct purchase_line_input *lines;
	int nlines;
	unsigned set_lines : 1, set_note : 1, set_expected : 1;
	unsigned missing_lines : 1; /* the lines could not be read (noted) */
	/* A line's unit_cost becomes the product's cost when received, so
	 * naming one needs this (the catalog permission): without it a line
	 * with a unit_cost is refused with ERR_FORBIDDEN, and lines take the
	 * supplier's agreed cost or the product's own. */
	unsigned may_name_cost : 1;
};

struct purchase_receive_line {
	int64_t line_id;
	int64_t quantity; /* thousandths, > 0 */
};

struct purchase_filter {
	int64_t store_id, supplier_id; /* 0 = any */
	const char *status;            /* NULL = any */
	const struct user *user;       /* store-bound: only their stores */
	int64_t after_id;
	int newest_first;              /* 1: by id descending (after_id: below it) */
	int limit;
};

/* The order as JSON; lines and line_count when loaded. Caller owns it. */
json_t *purchase_to_json(const struct purchase_order *po);

/* Creates a draft. A store that is not the actor's: ERR_FORBIDDEN. Unknown
 * store, supplier or product, bad quantities, a line without a cost to
 * default to, or totals past MONEY_MAX: ERR_INVALID naming every field
 * (lines[i].product_id, ...). */
int purchase_create(struct db *db, struct arena *a, const struct actor *who,
		    const struct purchase_input *in, struct purchase_order **out,
		    struct err *e);
/* The same inside the caller's write transaction (audit row included);
 * *id gets the new order's id. */
int purchase_insert(struct db *db, struct arena *a, const struct actor *who,
		    const struct purchase_input *in, int64_t *id, struct err *e);
/* Changes a draft's lines (all replaced), note, expected_at. ERR_STATE
 * when it is not a draft. */
int purchase_update(struct db *db, struct arena *a, const struct actor *who,
		    int64_t id, const struct purchase_input *in,
		    struct purchase_order **out, struct err *e);
/* The order with its lines. ERR_NOT_FOUND also for another store's order
 * when the actor is store-bound. */
int purchase_get(struct db *db, struct arena *a, const struct actor *who,
		 int64_t id, struct purchase_order **out, struct err *e);
/* Orders without lines (line_count set), by id (newest last, or first with
 * f->newest_first), keyset by id. */
int purchase_list(struct db *db, struct arena *a, const struct purchase_filter *f,
		  struct purchase_order ***out, int *n, int *more, struct err *e);
/* draft -> sent. ERR_STATE from another status; ERR_FORBIDDEN for another
 * store's order; ERR_NOT_FOUND. */
int purchase_send(struct db *db, struct arena *a, const struct actor *who,
		  int64_t id, struct purchase_order **out, struct err *e);
/* draft | sent -> cancelled. */
int purchase_cancel(struct db *db, struct arena *a, const struct actor *who,
		    int64_t id, struct purchase_order **out, struct err *e);
/* Receives quantities against lines of a sent or partially received order
 * (ERR_STATE otherwise): a receipt move per line at the line's cost, the
 * products' moving-average cost, received_quantity, and the status
 * (received once every line has all it ordered). More than ordered is
 * refused (ERR_INVALID naming lines[i].quantity) unless allow_over. */
int purchase_receive(struct db *db, struct arena *a, const struct actor *who,
		     int64_t id, const struct purchase_receive_line *lines, int n,
		     int allow_over, struct purchase_order **out, struct err *e);

#endif
