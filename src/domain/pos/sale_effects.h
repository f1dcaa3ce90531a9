/* sale_effects.h: what a sale, a return and a void do beyond their own
 * rows — the stock moves, the day rollups and the journal record — written
 * by one path, signed by direction, so the three cannot drift apart. */
#ifndef TERSA_SALE_EFFECTS_H
#define TERSA_SALE_EFFECTS_H

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

enum sale_effect_kind {
	SALE_FX_SALE,   /* +1: stock out (kind "sale"), counts as an order */
	SALE_FX_RETURN, /* -1: stock back (kind "return"), counts as a return */
	SALE_FX_VOID,   /* -1: stock back (kind "return"), takes the order back */
};

/* One line's share of the document, in positive amounts (the direction
 * gives the sign). */
struct sale_effect_line {
	int64_t product_id, category_id; /* category as sold; 0: none */
	int64_t quantity;                /* thousandths moved, > 0 */
	int64_t unit_cost;               /* for the stock move; -1 unknown */
	int64_t total;                   /* the line's total (after its discounts) */
	int64_t vat, cost, discount;     /* cost: unit cost x quantity, 0 unknown */
	int line_no;                     /* the caller's line index, for field names */
	const char *sku, *name;          /* for a refusal naming the product; may be NULL */
};

/* A document's effects. The store row's revenue is what the customer paid
 * (or got back): the lines' totals less their rounding; the rounding counts
 * as discount. */
struct sale_effects {
	enum sale_effect_kind kind;
	int64_t store_id;
	const char *day;      /* the rollup day: the sale's for a sale and a void,
				 today's for a return */
	int64_t staff_id;     /* the staff rollup; 0: none */
	int64_t customer_id;  /* the sale's customer (the customer rollup); 0: none */
	int64_t rounding;     /* the document's cash rounding (a return: its share) */
	const char *doc_type; /* the stock moves' document: "sale", "sale_return", "sale_void" */
	int64_t doc_id;
	int offline;          /* a sale made offline: stock may go negative, flagged */
	int store_allows_negative; /* the store's setting, already read (a sale) */
	const struct sale_effect_line *lines; /* in any order: moved by product id */
	int n;
	/* The journal record appended last (content is its canonical text). */
	const char *journal_kind; /* "sale", "return", "void" */
	int64_t journal_doc_id, journal_at;
	const char *journal_content;
};

/* The refusal of a sale whose line l would take the stock below zero where
 * the store does not allow it: ERR_INSUFFICIENT_STOCK with field
 * lines[<line_no>].quantity (e reset first). A sale preview, which moves
 * nothing, answers the same. */
int sale_effects_refused(const struct sale_effect_line *l, struct err *e);

/* Writes fx inside the caller's open write transaction: one stock move
 * per line in ascending product id (every caller that moves stock for
 * several products locks balance rows in that order, so two documents on
 * the same products cannot deadlock on PostgreSQL), the product, category
 * (ascending category id), store and staff day rollups, then the journal
 * record. *negative (may be NULL) is set when a sale took stock below zero.
 * A sale that would take stock below zero where that is refused:
 * ERR_INSUFFICIENT_STOCK with field lines[line_no].quantity. Sums that do
 * not fit the checked money range: ERR_INVALID with field "lines". Nothing
 * allocated outlives the call. */
int sale_effects_apply(struct db *db, const struct actor *who, const struct sale_effects *fx,
		       int *negative, struct err *e);

#endif
