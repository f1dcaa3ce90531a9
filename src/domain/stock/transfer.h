/* transfer.h: stock transfers between stores: draft -> shipped (stock leaves
 * the source) -> received (what arrived enters the destination; a shortfall
 * is kept per line and reported) -> closed; cancelled only from draft. */
#ifndef TERSA_TRANSFER_H
#define TERSA_TRANSFER_H

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

/* draft shipped received closed cancelled; NULL-terminated. */
extern const char *const transfer_statuses[];

#define TRANSFER_MAX_LINES 1000
#define TRANSFER_NOTE_MAX 500

struct transfer_line {
	int64_t id, product_id;
	int64_t quantity;          /* thousandths, > 0 */
	int64_t received_quantity; /* -1 until received */
	int64_t unit_cost;         /* -1 unknown (set from the product at ship) */
};

struct transfer {
	int64_t id, from_store_id, to_store_id;
	const char *status;
	const char *note;   /* may be NULL */
	int64_t created_by; /* 0: the system */
	int64_t created_at, shipped_at, received_at, closed_at, cancelled_at;
	int64_t updated_at;
	int64_t line_count;
	struct transfer_line *lines; /* NULL in lists */
	int nlines;
};

struct transfer_line_input {
	int64_t product_id; /* 0 when missing */
	int64_t quantity;
};

struct transfer_input {
	int64_t from_store_id, to_store_id; /* 0 when missing */
	const char *note;
	const struct transfer_line_input *lines;
	int nlines;
};

/* One line of a receipt: line_id of the transfer, quantity that arrived. */
struct transfer_receipt_line {
	int64_t line_id;
	int64_t quantity; /* -1 when missing */
};

/* Every write takes the acting user: a store-bound user may create, ship and
 * cancel only transfers from their stores, receive only into their stores,
 * and close one that touches their stores (else ERR_FORBIDDEN). A wrong
 * status for the action: ERR_STATE. Each change writes an audit row (entity
 * "transfer") in its transaction. Value errors name the field
 * ("lines[2].quantity") and are all reported at once (ERR_INVALID). */
int transfer_create(struct db *db, struct arena *a, const struct actor *who,
		    const struct transfer_input *in, struct transfer **out,
		    struct err *e);
/* Writes a transfer_out move per line at the source (refused by the store's
 * negative-stock setting) with the product's current cost as unit cost. Any
 * line short of stock refuses the whole shipment: ERR_INSUFFICIENT_STOCK with
 * each short line named. */
int transfer_ship(struct db *db, struct arena *a, const struct actor *who,
		  int64_t id, struct transfer **out, struct err *e);
/* lines NULL (or n 0): everything arrived as shipped; lines not named arrive
 * as shipped. A transfer_in move at the destination per line for what
 * arrived; a line with less records the difference (discrepancy) and an
 * audit row "discrepancy". More than shipped: ERR_INVALID. */
int transfer_receive(struct db *db, struct arena *a, const struct actor *who,
		     int64_t id, const struct transfer_receipt_line *lines,
		     int n, struct transfer **out, struct err *e);
int transfer_close(struct db *db, struct arena *a, const struct actor *who,
		   int64_t id, struct transfer **out, struct err *e);
int transfer_cancel(struct db *db, struct arena *a, const struct actor *who,
		    int64_t id, struct transfer **out, struct err *e);

/* With its lines. ERR_NOT_FOUND when absent or when `who` sees neither
 * store. */
int transfer_get(struct db *db, struct arena *a, const struct actor *who,
		 int64_t id, struct transfer **out, struct err *e);

struct transfer_filter {
	int64_t store_id;   /* 0 any; else from or to this store */
	const char *status; /* NULL any */
	int64_t after_id;
	int limit;
};
/* Transfers touching the stores `u` sees (NULL: all), without lines. */
int transfer_list(struct db *db, struct arena *a, const struct user *u,
		  const struct transfer_filter *f, struct transfer ***out,
		  int *n, int *more, struct err *e);

/* One received line that arrived short. */
struct transfer_discrepancy {
	int64_t line_id, transfer_id, from_store_id, to_store_id, product_id;
	const char *sku, *name;
	int64_t quantity, received_quantity, discrepancy; /* thousandths */
	int64_t unit_cost; /* -1 unknown */
	int64_t value;     /* discrepancy at unit cost; -1 unknown */
	int64_t received_at;
};

struct transfer_discrepancy_filter {
	int64_t store_id; /* 0 any; else from or to this store */
	int64_t from, to; /* received_at in [from, to); 0 open */
	int64_t after_id; /* line id */
	int limit;
};
int transfer_discrepancies(struct db *db, struct arena *a,
			   const struct user *u,
			   const struct transfer_discrepancy_filter *f,
			   struct transfer_discrepancy **out, int *n,
			   int *more, struct err *e);

/* The transfer as JSON (replies and audit rows): with "lines" when they are
 * loaded, else with "line_count". Caller owns it. */
json_t *transfer_to_json(const struct transfer *t);
json_t *transfer_discrepancy_to_json(const struct transfer_discrepancy *d);

#endif
