/* stock.h: the stock ledger. Every change of stock is a move (store,
 * product, signed quantity in thousandths, kind, document); the balance per
 * store × product changes in the same statement-level transaction, with one
 * conditional UPDATE so that concurrent moves lose nothing and never go below
 * zero where that is forbidden. */
#ifndef TERSA_STOCK_H
#define TERSA_STOCK_H

#include "auth.h"

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

/* On hand for store × product (0 when no balance row). */
int stock_on_hand(struct db *db, int64_t store_id, int64_t product_id,
		  int64_t *out, struct err *e);

/* Recomputes every balance from the moves; *bad gets the number of
 * store × product pairs whose balance differs (each logged). 0 or negative. */
int stock_check(struct db *db, int64_t *bad, struct err *e);

#endif
