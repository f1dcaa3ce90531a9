/* rollup.c: upserts into the day rollups. */
#include "domain/pos/rollup.h"

#define ADD(t, c) c " = " t "." c " + excluded." c
#define AMOUNTS(t)                                                             \
	ADD(t, "revenue") ", " ADD(t, "vat") ", " ADD(t, "cost") ", "          \
	ADD(t, "discount") ", " ADD(t, "orders") ", " ADD(t, "units") ", "     \
	ADD(t, "returns") ", " ADD(t, "refunded")

static const char SQL_STORE[] =
	"INSERT INTO rollup_day_store (day, store_id, revenue, vat, cost, discount, orders, "
	"units, returns, refunded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
	"ON CONFLICT (day, store_id) DO UPDATE SET " AMOUNTS("rollup_day_store");
static const char SQL_PRODUCT[] =
	"INSERT INTO rollup_day_store_product (day, store_id, product_id, revenue, vat, cost, "
	"discount, orders, units, returns, refunded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
	"ON CONFLICT (day, store_id, product_id) DO UPDATE SET "
	AMOUNTS("rollup_day_store_product");
static const char SQL_CATEGORY[] =
	"INSERT INTO rollup_day_store_category (day, store_id, category_id, revenue, vat, cost, "
	"discount, orders, units, returns, refunded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
	"ON CONFLICT (day, store_id, category_id) DO UPDATE SET "
	AMOUNTS("rollup_day_store_category");
static const char SQL_STAFF[] =
	"INSERT INTO rollup_day_store_staff (day, store_id, user_id, revenue, vat, cost, "
	"discount, orders, units, returns, refunded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
	"ON CONFLICT (day, store_id, user_id) DO UPDATE SET " AMOUNTS("rollup_day_store_staff");

int rollup_store(struct db *db, const struct rollup_delta *d, struct err *e)
{
	struct db_stmt *st = db_query(db, e, SQL_STORE, "tiiiiiiiii", d->day, d->store_id,
				      d->revenue, d->vat, d->cost, d->discount, d->orders,
				      d->units, d->returns, d->refunded);
	return st && db_run(st, e) == 0 ? 0 : db_fail(e);
}

/* One upsert of d's amounts keyed by (day, store, id). */
static int upsert(struct db *db, const char *sql, int64_t id, const struct rollup_delta *d,
		  struct err *e)
{
	struct db_stmt *st = db_query(db, e, sql, "tiiiiiiiiii", d->day, d->store_id, id,
				      d->revenue, d->vat, d->cost, d->discount, d->orders, d->units,
				      d->returns, d->refunded);
	return st && db_run(st, e) == 0 ? 0 : db_fail(e);
}

int rollup_product(struct db *db, const struct rollup_delta *d, struct err *e)
{
	return upsert(db, SQL_PRODUCT, d->product_id, d, e);
}

int rollup_category(struct db *db, const struct rollup_delta *d, struct err *e)
{
	return upsert(db, SQL_CATEGORY, d->category_id, d, e);
}

int rollup_staff(struct db *db, const struct rollup_delta *d, struct err *e)
{
	return upsert(db, SQL_STAFF, d->staff_id, d, e);
}

void rollup_collect(struct rollup_delta *rows, int *n, const struct rollup_delta *d)
{
	int c = 0;
	while (c < *n && rows[c].category_id != d->category_id)
		c++;
	if (c == *n) {
		rows[(*n)++] = *d;
		return;
	}
	rows[c].revenue += d->revenue;
	rows[c].vat += d->vat;
	rows[c].cost += d->cost;
	rows[c].discount += d->discount;
	rows[c].units += d->units;
	rows[c].refunded += d->refunded;
}

int rollup_categories(struct db *db, const struct rollup_delta *rows, int n, struct err *e)
{
	int rc = 0;
	for (int c = 0; c < n && rc == 0; c++)
		rc = rollup_category(db, &rows[c], e);
	return rc;
}
