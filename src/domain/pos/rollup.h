/* rollup.h: day rollups (day × store, × product, × category, × staff) that every sale
 * and return keeps current in its own transaction, so that reports read a
 * few rows instead of scanning sale lines. */
#ifndef TERSA_ROLLUP_H
#define TERSA_ROLLUP_H

#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

/* A contribution to one rollup row (negative amounts for a return). The
 * caller sums a sale per store, per product and per staff member first, so
 * that orders counts each sale once in each rollup. */
struct rollup_delta {
	const char *day;
	int64_t store_id, product_id, staff_id; /* staff 0: none */
	int64_t category_id;                    /* 0: no category */
	int64_t revenue, vat, cost, discount, units;
	int64_t orders;
	int64_t returns, refunded; /* a return: 1 per row, the money given back */
};

/* Add d to day × store, day × store × product (d->product_id), day × store
 * × category (d->category_id) and day × store × staff (d->staff_id), inside
 * the caller's transaction. */
int rollup_store(struct db *db, const struct rollup_delta *d, struct err *e);
int rollup_product(struct db *db, const struct rollup_delta *d, struct err *e);
int rollup_category(struct db *db, const struct rollup_delta *d, struct err *e);
/* Sums d into the row of its category among rows[0..*n) (room for one
 * more): a new row takes d whole, orders included; later ones add only the
 * amounts, so that a sale counts once per category. rollup_categories then
 * upserts the rows. */
void rollup_collect(struct rollup_delta *rows, int *n, const struct rollup_delta *d);
int rollup_categories(struct db *db, const struct rollup_delta *rows, int n, struct err *e);
int rollup_staff(struct db *db, const struct rollup_delta *d, struct err *e);

#endif
