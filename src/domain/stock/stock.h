/* stock.h: the stock ledger. Every change of stock is a move (store,
 * product, signed quantity in thousandths, kind, document); the balance per
 * store × product changes in the same statement-level transaction, with one
 * conditional UPDATE so that concurrent moves lose nothing and never go below
 * zero where that is forbidden. */
#ifndef TERSA_STOCK_H
#define TERSA_STOCK_H

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

/* Move kinds. */
#define STOCK_KIND_MAP(X)                                                      \
	X(RECEIPT, "receipt")                                                  \
	X(SALE, "sale")                                                        \
	X(RETURN, "return")                                                    \
	X(TRANSFER_OUT, "transfer_out")                                        \
	X(TRANSFER_IN, "transfer_in")                                          \
	X(TRANSFER_LOSS, "transfer_loss")                                      \
	X(ADJUSTMENT, "adjustment")                                            \
	X(DAMAGE, "damage")                                                    \
	X(COUNT, "count")

extern const char *const stock_kinds[];        /* NULL-terminated */
extern const char *const stock_manual_kinds[]; /* receipt adjustment damage */

/* STOCK_NEG_* decide what a move that would end below zero does. */
enum stock_negative {
	STOCK_NEG_STORE = 0, /* refuse unless the store allows negative stock */
	STOCK_NEG_REFUSE,    /* always refuse */
	STOCK_NEG_ALLOW,     /* always allow, and raise a negative_stock alert
				(offline sales) */
};

struct stock_move_input {
	int64_t store_id, product_id;
	int64_t quantity;      /* signed thousandths, != 0 */
	const char *kind;      /* one of stock_kinds */
	const char *doc_type;  /* "transfer", "count", "purchase_order", "sale"...; may be NULL */
	int64_t doc_id;        /* 0 = none */
	int64_t unit_cost;     /* -1 = unknown */
	const char *note;      /* may be NULL */
	enum stock_negative negative;
	/* Set by callers that have already checked the store and product
	 * (a sale): skips those lookups; store_allows_negative then stands
	 * for the store's allow_negative_stock. */
	int checked;
	int store_allows_negative;
	/* stock_move_manual only: a receipt's unit_cost moves the product's
	 * company-wide average cost only when set (the actor holds the
	 * catalog permission); else the cost is recorded on the move alone. */
	int may_move_cost;
};

/* Appends one move inside the caller's write transaction (db_begin(db,1)
 * must be active) and updates the balance with one conditional statement:
 * ERR_INSUFFICIENT_STOCK (e->msg names the product, field "quantity") if the
 * balance would go below zero where that is refused. Raises or resolves
 * low-stock alerts against the reorder rule. Writes no audit row (the
 * document that caused it does). *balance_after (may be NULL) gets the new
 * balance, *move_id (may be NULL) the move's id. */
int stock_move_add(struct db *db, const struct actor *who,
		   const struct stock_move_input *in, int64_t *balance_after,
		   int64_t *move_id, struct err *e);

/* Lock order: a document that moves stock of several products in one
 * transaction moves them in ascending product id, so that two documents on
 * the same products lock balance rows in one order and cannot deadlock on
 * PostgreSQL. Fills order[0..n) with the indexes of n records stride bytes
 * apart, whose product ids start at first_product_id, sorted by product id
 * (ties in index order). */
void stock_order_by_product(const int64_t *first_product_id, size_t stride, int n,
			    int *order);

/* On hand for store × product (0 when no balance row). */
int stock_on_hand(struct db *db, int64_t store_id, int64_t product_id,
		  int64_t *out, struct err *e);

/* Recomputes every balance from the moves; *bad gets the number of
 * store × product pairs whose balance differs (each logged). 0 or negative. */
int stock_check(struct db *db, int64_t *bad, struct err *e);

/* ---- reading the ledger, and manual moves (POST /stock/moves) */

struct stock_move {
	int64_t id, store_id, product_id, quantity;
	const char *kind, *doc_type, *note; /* doc_type, note may be NULL */
	int64_t doc_id, user_id;            /* 0 = none */
	int64_t unit_cost;                  /* -1 = unknown */
	int64_t balance_after, at;
};

/* The moving-average cost after receiving qty at unit_cost when old_total
 * (thousandths, summed over all stores) was on hand at old_cost (-1 =
 * unknown): (old_total × old_cost + qty × unit_cost) / (old_total + qty),
 * rounded half up, in 128-bit arithmetic; unit_cost itself when old_total
 * <= 0 or old_cost is unknown. qty > 0, costs >= 0. 0, or -1 when the
 * result does not fit. */
int stock_avg_cost(int64_t old_total, int64_t old_cost, int64_t qty,
		   int64_t unit_cost, int64_t *out);

/* Sets the product's moving-average cost for a receipt of qty at unit_cost,
 * inside the caller's write transaction and right after the receipt's move
 * (the rest of the stock on hand in every store weighs the old cost). Locks
 * the product row, after the balance row the move locked, so that
 * concurrent receipts average one after another. *before gets the old cost
 * (-1: none), *after the new one. */
int stock_receive_cost(struct db *db, int64_t product_id, int64_t qty, int64_t unit_cost,
		       int64_t *before, int64_t *after, struct err *e);

/* A receipt (quantity > 0), adjustment (!= 0) or damage (< 0) by a user, in
 * its own transaction with an audit row (entity "stock_move"); a receipt
 * with a unit_cost also moves the product's moving-average cost (with an
 * audit row for the product) when in->may_move_cost is set. Field errors
 * name "reason", "quantity", "store_id", "product_id"; below zero where the
 * store refuses it: ERR_INSUFFICIENT_STOCK. *out lives in a. */
int stock_move_manual(struct db *db, struct arena *a, const struct actor *who,
		      const struct stock_move_input *in, struct stock_move **out,
		      struct err *e);
/* ERR_NOT_FOUND if absent. */
int stock_move_get(struct db *db, struct arena *a, int64_t id,
		   struct stock_move **out, struct err *e);

struct stock_move_filter {
	int64_t store_id, product_id; /* 0 = any */
	const char *kind;             /* NULL = any */
	int64_t from, to;             /* ms, [from, to); 0 = open */
	int64_t before_id;            /* keyset, newest first; 0 = newest */
	int limit;
};
/* Moves in stores u sees (NULL: all), newest first. */
int stock_move_list(struct db *db, struct arena *a, const struct user *u,
		    const struct stock_move_filter *f, struct stock_move ***out,
		    int *n, int *more, struct err *e);

/* One balance with its product and reorder rule. */
struct stock_item {
	int64_t store_id, product_id;
	const char *sku, *name;
	int64_t on_hand;
	int64_t cost;             /* product cost; -1 = unknown */
	int64_t value;            /* on_hand x cost, rounded; 0 without cost */
	int has_rule;
	int64_t min_qty, max_qty; /* when has_rule */
};

/* A stock list filter on the balance itself (stock_filter.level). */
enum stock_level { STOCK_LEVEL_ANY = 0, STOCK_LEVEL_NEGATIVE = 1, STOCK_LEVEL_NONE = 2 };

struct stock_filter {
	int64_t store_id, product_id, category_id; /* 0 = any; category: subtree */
	const char *q;                             /* sku, name, barcode */
	int below_min; /* only pairs with a rule and on_hand <= min (also those
			  never moved, at 0) */
	int level; /* enum stock_level: only negative or zero balances */
	int64_t after_store, after_product; /* keyset over (store, product) */
	int limit;
};
/* Balances in stores u sees (NULL: all), by store then product. */
int stock_list(struct db *db, struct arena *a, const struct user *u,
	       const struct stock_filter *f, struct stock_item ***out, int *n,
	       int *more, struct err *e);

/* Stock value at cost grouped by store or by the product's category. */
struct stock_value_row {
	int64_t key;       /* store or category id; 0 = no category */
	const char *label; /* store or category name; NULL = no category */
	int64_t quantity;  /* thousandths */
	int64_t value;     /* minor units, rounded once per group */
};
int stock_value(struct db *db, struct arena *a, const struct user *u,
		int64_t store_id, int by_category, struct stock_value_row **out,
		int *n, struct err *e);

/* Rounds a sum of quantity (thousandths) x cost (minor units) to minor
 * units, half away from zero. */
int64_t stock_round_value(int64_t qty_times_cost);

/* JSON for replies and audit rows; caller owns. */
json_t *stock_move_to_json(const struct stock_move *m);
json_t *stock_item_to_json(const struct stock_item *it);

#endif
