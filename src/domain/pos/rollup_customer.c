/* rollup_customer.c: upserts into rollup_day_store_customer, and the
 * SELECT that recomputes it from the sales. */
#include "domain/pos/rollup_customer.h"

static const char SQL_UPSERT[] =
	"INSERT INTO rollup_day_store_customer (day, store_id, customer_id, orders, revenue) "
	"VALUES (?, ?, ?, ?, ?) ON CONFLICT (day, store_id, customer_id) DO UPDATE SET "
	"orders = rollup_day_store_customer.orders + excluded.orders, "
	"revenue = rollup_day_store_customer.revenue + excluded.revenue";

int rollup_customer(struct db *db, const struct rollup_delta *d, int64_t customer_id,
		    struct err *e)
{
	struct db_stmt *st = db_query(db, e, SQL_UPSERT, "tiiii", d->day, d->store_id, customer_id,
				      d->orders, d->revenue);
	return st && db_run(st, e) == 0 ? 0 : db_fail(e);
}

static const char SQL_MERGE[] =
	"INSERT INTO rollup_day_store_customer (day, store_id, customer_id, orders, revenue) "
	"SELECT day, store_id, ?, orders, revenue FROM rollup_day_store_customer "
	"WHERE customer_id = ? ON CONFLICT (day, store_id, customer_id) DO UPDATE SET "
	"orders = rollup_day_store_customer.orders + excluded.orders, "
	"revenue = rollup_day_store_customer.revenue + excluded.revenue";
static const char SQL_MERGE_DROP[] = "DELETE FROM rollup_day_store_customer WHERE customer_id = ?";

int rollup_customer_merge(struct db *db, int64_t keep_id, int64_t from_id, struct err *e)
{
	if (db_run(db_query(db, e, SQL_MERGE, "ii", keep_id, from_id), e) < 0 ||
	    db_run(db_query(db, e, SQL_MERGE_DROP, "i", from_id), e) < 0)
		return db_fail(e);
	return 0;
}

/* A sale counts on its day in its store; a return on the return's day in
 * the sale's store (as sale_effects books it). */
const char rollup_customer_recompute[] =
	"SELECT x.day, x.store_id, x.customer_id, SUM(x.orders), SUM(x.revenue) FROM ("
	"SELECT s.day AS day, s.store_id AS store_id, s.customer_id AS customer_id, "
	"CASE WHEN s.status = 'voided' THEN 0 ELSE 1 END AS orders, "
	"CASE WHEN s.status = 'voided' THEN 0 ELSE s.paid END AS revenue "
	"FROM sales s WHERE s.customer_id IS NOT NULL "
	"UNION ALL "
	"SELECT r.day, s.store_id, s.customer_id, 0, -r.refund_total "
	"FROM sale_returns r JOIN sales s ON s.id = r.sale_id WHERE s.customer_id IS NOT NULL"
	") x GROUP BY x.day, x.store_id, x.customer_id";
