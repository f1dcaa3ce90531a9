/* slow.c: the slow-movers report over stock balances and the sale moves of
 * the stock ledger, and days of cover. */
#include "analytics/slow_movers.h"

#include "base/jx.h"
#include "base/money.h"
#include "db/page.h"

#define DAY_MS INT64_C(86400000)

int64_t slow_cover_tenths(int64_t on_hand, int64_t sold_28d)
{
	__int128 num, q;

	if (sold_28d <= 0)
		return -1;
	/* on_hand / (sold / 28) days, in tenths, half up. */
	num = (__int128)on_hand * SLOW_COVER_DAYS * 10;
	if (num < 0)
		return -1;
	q = (2 * num + sold_28d) / (2 * (__int128)sold_28d);
	return q > INT64_MAX ? -1 : (int64_t)q;
}

json_t *slow_item_to_json(const struct slow_item *it)
{
	json_t *o = json_object();

	json_object_set_new(o, "store_id", json_integer(it->store_id));
	json_object_set_new(o, "product_id", json_integer(it->product_id));
	json_object_set_new(o, "sku", jx_strn(it->sku));
	json_object_set_new(o, "name", jx_strn(it->name));
	json_object_set_new(o, "on_hand", jx_qty_value(it->on_hand));
	json_object_set_new(o, "unit_cost",
			    it->unit_cost >= 0 ? json_integer(it->unit_cost) : json_null());
	json_object_set_new(o, "value", it->value >= 0 ? json_integer(it->value) : json_null());
	json_object_set_new(o, "last_sale_at", jx_time(it->last_sale_at));
	json_object_set_new(o, "sold_28d", jx_qty_value(it->sold_28d));
	json_object_set_new(o, "days_of_cover",
			    it->cover_tenths >= 0 ? json_real((double)it->cover_tenths / 10)
						  : json_null());
	return o;
}

/* Balances with stock and no sale move since the cutoff; the last sale
 * ever and the quantity sold in the cover window. Sale moves are negative. */
static const char SQL_SLOW[] =
	"SELECT b.store_id, b.product_id, p.sku, p.name, p.cost, b.on_hand,"
	" (SELECT MAX(m.at) FROM stock_moves m WHERE m.store_id = b.store_id"
	"   AND m.product_id = b.product_id AND m.kind = 'sale'),"
	" (SELECT COALESCE(-SUM(m.quantity), 0) FROM stock_moves m"
	"   WHERE m.store_id = b.store_id AND m.product_id = b.product_id"
	"   AND m.kind = 'sale' AND m.at >= ?)"
	" FROM stock_balances b JOIN products p ON p.id = b.product_id"
	" WHERE b.on_hand > 0"
	" AND (? = 0 OR b.store_id = ?)"
	" AND (? = 0 OR b.store_id IN (SELECT store_id FROM user_stores WHERE user_id = ?))"
	" AND NOT EXISTS (SELECT 1 FROM stock_moves m WHERE m.store_id = b.store_id"
	"   AND m.product_id = b.product_id AND m.kind = 'sale' AND m.at >= ?)"
	" ORDER BY b.store_id, b.product_id LIMIT ? OFFSET ?";

int slow_movers(struct db *db, struct arena *a, const struct slow_filter *f,
		struct slow_item **out, int *n, int *more, struct err *e)
{
	int64_t scoped = f->user && (f->user->role & ROLE_STORE_BOUND) ? 1 : 0;
	int64_t cutoff = f->now_ms - (int64_t)f->days * DAY_MS;
	int64_t cover_from = f->now_ms - SLOW_COVER_DAYS * DAY_MS;
	struct db_stmt *st;
	struct page pg;
	int rc;

	if (f->days < 1 || f->days > SLOW_DAYS_MAX) {
		err_field(e, "days", "must be between 1 and %d", SLOW_DAYS_MAX);
		return err_fields_done(e);
	}
	page_init(&pg, a, f->limit, sizeof(struct slow_item));
	st = db_query(db, e, SQL_SLOW, "iiiiiiii", cover_from, f->store_id, f->store_id,
		      scoped, f->user ? f->user->id : 0, cutoff, page_fetch(&pg),
		      f->offset);
	if (!st)
		return db_fail(e);
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		struct slow_item *it = page_add(&pg);

		it->store_id = db_col_int64(st, 0);
		it->product_id = db_col_int64(st, 1);
		it->sku = arena_strdup(a, db_col_text(st, 2));
		it->name = arena_strdup(a, db_col_text(st, 3));
		it->unit_cost = db_col_null(st, 4) ? -1 : db_col_int64(st, 4);
		it->on_hand = db_col_int64(st, 5);
		it->last_sale_at = db_col_null(st, 6) ? 0 : db_col_int64(st, 6);
		it->sold_28d = db_col_int64(st, 7);
		it->value = -1;
		if (it->unit_cost >= 0 &&
		    money_mul_qty(it->unit_cost, it->on_hand, &it->value) < 0)
			it->value = -1;
		it->cover_tenths = slow_cover_tenths(it->on_hand, it->sold_28d);
	}
	rc = page_end(&pg, st, rc);
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	return rc;
}
