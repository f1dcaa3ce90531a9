/* count.h: stock counts (stocktakes): open -> applied | cancelled. Expected
 * quantities are taken when the count opens; counted quantities arrive in
 * batches; applying writes a `count` move of counted - expected per counted
 * line, so moves made during the count are kept. */
#ifndef TERSA_COUNT_H
#define TERSA_COUNT_H

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

/* open applied cancelled; NULL-terminated. */
extern const char *const count_statuses[];
/* add set; NULL-terminated. */
extern const char *const count_modes[];

#define COUNT_MAX_BATCH 2000
#define COUNT_NOTE_MAX 500

struct count_line {
	int64_t product_id;
	const char *sku, *name, *barcode; /* barcode may be NULL */
	int64_t expected;  /* thousandths, at the snapshot */
	int64_t counted;   /* -1 = not counted */
	int64_t unit_cost; /* -1 = unknown */
};

struct stock_count {
	int64_t id, store_id;
	int64_t category_id; /* 0 = every product */
	const char *status;
	int64_t snapshot_move_id;
	const char *note;   /* may be NULL */
	int64_t created_by; /* 0: the system */
	int64_t created_at, applied_at, cancelled_at, updated_at;
	int64_t lines_total, lines_counted;
	struct count_line *lines; /* NULL unless loaded */
	int nlines;
	int with_totals; /* render "totals" (the full review) */
};

struct count_input {
	int64_t store_id;    /* 0 when missing */
	int64_t category_id; /* 0 = every product */
	const char *note;
};

/* One scanned entry: product_id or barcode (exactly one), quantity >= 0.
 * Errors about the product name the field it was given by
 * ("lines[i].barcode" or "lines[i].product_id"). */
struct count_entry {
	int64_t product_id;  /* 0 when a barcode is given */
	const char *barcode; /* NULL when product_id is given */
	int64_t quantity;    /* -1 when missing */
};

/* Writes check store scoping (a store-bound user: their stores only, else
 * ERR_FORBIDDEN), status (ERR_STATE) and values (ERR_INVALID naming each
 * field, "lines[2].barcode"); each writes an audit row (entity
 * "stock_count"). */

/* Snapshots every product in scope (the category and its sub-categories, or
 * all) that is active or has stock at the store: expected = the balance now,
 * unit_cost = the product's cost; snapshot_move_id = the last move. */
int count_create(struct db *db, struct arena *a, const struct actor *who,
		 const struct count_input *in, struct stock_count **out,
		 struct err *e);
/* Adds (set_mode 0) or sets (1) counted quantities; the same product twice in
 * a batch adds up either way. A product in the count's category scope that
 * had no line (inactive, no stock) gets one, expected = its balance at the
 * snapshot. *out holds the header and the lines this batch changed. */
int count_add_lines(struct db *db, struct arena *a, const struct actor *who,
		    int64_t id, const struct count_entry *entries, int n,
		    int set_mode, struct stock_count **out, struct err *e);
/* Writes a `count` move (counted - expected, negative stock allowed) for
 * every counted line that differs; uncounted lines are left alone.
 * *moves and *uncounted (may be NULL) get the numbers. */
int count_apply(struct db *db, struct arena *a, const struct actor *who,
		int64_t id, struct stock_count **out, int64_t *moves,
		int64_t *uncounted, struct err *e);
int count_cancel(struct db *db, struct arena *a, const struct actor *who,
		 int64_t id, struct stock_count **out, struct err *e);

/* The full review (every line, with totals). ERR_NOT_FOUND when absent or
 * when `who` does not see its store. */
int count_get(struct db *db, struct arena *a, const struct actor *who,
	      int64_t id, struct stock_count **out, struct err *e);

struct count_filter {
	int64_t store_id;   /* 0 any */
	const char *status; /* NULL any */
	int64_t after_id;
	int limit;
};
/* Counts of the stores `u` sees (NULL: all), without lines. */
int count_list(struct db *db, struct arena *a, const struct user *u,
	       const struct count_filter *f, struct stock_count ***out, int *n,
	       int *more, struct err *e);

/* The count as JSON (replies and audit rows): the header with lines_total
 * and lines_counted, plus "lines" when loaded and "totals" for the full
 * review. Line: {product_id, sku, name, barcode, expected, counted,
 * variance, unit_cost, variance_value}. Caller owns it. */
json_t *count_to_json(const struct stock_count *c);

#endif
