/* rollup_rebuild.h: every rollup recomputed from the stored sales, sale
 * lines and returns — to fill them after a bulk load (the demo company) and
 * to check that the rollups every sale keeps current still equal the sales
 * (tersa check-db). */
#ifndef TERSA_ROLLUP_REBUILD_H
#define TERSA_ROLLUP_REBUILD_H

#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "db/db.h"

/* One rollup table and how to recompute it: `select` yields exactly the
 * table's `columns`, in that order, from the stored sales, lines, payments,
 * returns (and products, categories) alone; `keys` is how many leading
 * columns make the primary key (the rest are amounts); `nparams` how many
 * `?` the select has, each bound to the company zone's UTC offset in
 * seconds (the hour rollup). Every rollup table is in rollup_defs. */
struct rollup_def {
	const char *table;
	const char *columns; /* "day, store_id, revenue, ..." */
	int keys;
	const char *select;
	int nparams;
};
extern const struct rollup_def rollup_defs[];
extern const int rollup_ndefs;

/* Empties every table of rollup_defs and fills it again from its recompute
 * SELECT, inside the caller's write transaction (it begins none). 0 or
 * negative ERR_* with e filled. */
int rollup_rebuild(struct db *db, struct err *e);

/* Compares every rollup table with its recomputation, both ways (a stored
 * row the sales do not give, a recomputed row missing or different; rows
 * whose amounts are all 0 count as absent, as a sale and its void leave
 * them). *problems gets the number of differing rows; each is described in
 * report (if not NULL) by table and key, at most 20 per table. Reads in its
 * own read transaction unless the caller has one. 0 or negative ERR_*. */
int rollup_check(struct db *db, struct buf *report, int64_t *problems, struct err *e);
/* The same for one table, rollup_defs[i] (0 <= i < rollup_ndefs). */
int rollup_check_one(struct db *db, int i, struct buf *report, int64_t *problems,
		     struct err *e);

#endif
