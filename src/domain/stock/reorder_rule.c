/* reorder.c: reorder rules per store x product; saving or removing one brings
 * the pair's low-stock alert in line at once. */
#include "domain/stock/reorder_rule.h"

#include "base/jx.h"
#include "base/timeutil.h"
#include "db/page.h"
#include "domain/stock/stock_alert.h"
#include "domain/org/audit.h"

#define RULE_COLS                                                              \
	"store_id, product_id, min_qty, max_qty, safety_stock, lead_time_days, " \
	"order_multiple, created_at, updated_at"

static struct reorder_rule *rule_from_row(struct db_stmt *st, struct arena *a)
{
	struct reorder_rule *r = arena_calloc(a, 1, sizeof *r);
	r->store_id = db_col_int64(st, 0);
	r->product_id = db_col_int64(st, 1);
	r->min_qty = db_col_int64(st, 2);
	r->max_qty = db_col_int64(st, 3);
	r->safety_stock = db_col_int64(st, 4);
	r->lead_time_days = db_col_null(st, 5) ? -1 : db_col_int64(st, 5);
	r->order_multiple = db_col_int64(st, 6);
	r->created_at = db_col_int64(st, 7);
	r->updated_at = db_col_int64(st, 8);
	return r;
}

json_t *reorder_to_json(const struct reorder_rule *r)
{
	return json_pack("{s:I,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
			 "store_id", (json_int_t)r->store_id,
			 "product_id", (json_int_t)r->product_id,
			 "min", jx_qty_value(r->min_qty), "max", jx_qty_value(r->max_qty),
			 "safety_stock", jx_qty_value(r->safety_stock),
			 "lead_time_days",
			 r->lead_time_days >= 0 ? json_integer(r->lead_time_days) : json_null(),
			 "order_multiple", jx_qty_value(r->order_multiple),
			 "created_at", jx_time(r->created_at), "updated_at", jx_time(r->updated_at));
}

void reorder_check(const struct reorder_input *in, int has_min, int has_max,
		   struct err *e)
{
	if (!has_min)
		err_field(e, "min", "is required");
	else if (in->min_qty < 0)
		err_field(e, "min", "must not be negative");
	if (!has_max)
		err_field(e, "max", "is required");
	else if (in->max_qty < 0)
		err_field(e, "max", "must not be negative");
	else if (has_min && in->min_qty >= 0 && in->max_qty < in->min_qty)
		err_field(e, "max", "must not be below min");
	if (in->safety_stock < 0)
		err_field(e, "safety_stock", "must not be negative");
	if (in->lead_time_days < -1 || in->lead_time_days > 3650)
		err_field(e, "lead_time_days", "must be between 0 and 3650");
	if (in->order_multiple <= 0)
		err_field(e, "order_multiple", "must be positive");
}

int reorder_get(struct db *db, struct arena *a, int64_t store_id,
		int64_t product_id, struct reorder_rule **out, struct err *e)
{
	static const char sql[] =
		"SELECT " RULE_COLS " FROM reorder_rules WHERE store_id = ? AND product_id = ?";
	struct db_stmt *st = db_query(db, e, sql, "ii", store_id, product_id);
	if (!st)
		return db_fail(e);
	int rc = db_step(st, e);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return err_set(e, ERR_NOT_FOUND, "no reorder rule for product %lld in store %lld",
			       (long long)product_id, (long long)store_id);
	*out = rule_from_row(st, a);
	db_reset(st);
	return 0;
}

/* Locks the pair's balance row (creating it at 0) and reads on_hand, so that
 * the alert evaluation cannot interleave with a concurrent move. */
static int lock_balance(struct db *db, int64_t store_id, int64_t product_id,
			int64_t *on_hand, struct err *e)
{
	static const char ins[] =
		"INSERT INTO stock_balances (store_id, product_id, on_hand, updated_at) "
		"VALUES (?, ?, 0, ?) ON CONFLICT (store_id, product_id) DO NOTHING";
	static const char upd[] =
		"UPDATE stock_balances SET on_hand = on_hand "
		"WHERE store_id = ? AND product_id = ? RETURNING on_hand";
	struct db_stmt *st = db_query(db, e, ins, "iii", store_id, product_id, ts_now_ms());
	if (!st || db_run(st, e) < 0)
		return db_fail(e);
	if (!(st = db_query(db, e, upd, "ii", store_id, product_id)))
		return e->code;
	int rc = db_step(st, e);
	*on_hand = rc == DB_ROW ? db_col_int64(st, 0) : 0;
	db_reset(st);
	return rc < 0 ? rc : 0;
}

int reorder_put(struct db *db, struct arena *a, const struct actor *who,
		int64_t store_id, int64_t product_id, const struct reorder_input *in,
		struct reorder_rule **out, int *created, struct err *e)
{
	static const char sql_store[] = "SELECT 1 FROM stores WHERE id = ?";
	static const char sql_product[] = "SELECT 1 FROM products WHERE id = ?";
	static const char sql[] =
		"INSERT INTO reorder_rules (store_id, product_id, min_qty, max_qty, "
		"safety_stock, lead_time_days, order_multiple, created_at, updated_at) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (store_id, product_id) DO UPDATE "
		"SET min_qty = excluded.min_qty, max_qty = excluded.max_qty, "
		"safety_stock = excluded.safety_stock, lead_time_days = excluded.lead_time_days, "
		"order_multiple = excluded.order_multiple, updated_at = excluded.updated_at";
	reorder_check(in, 1, 1, e);
	if (err_fields_done(e))
		return e->code;
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	if ((rc = db_exists(db_query(db, e, sql_store, "i", store_id), e)) <= 0) {
		if (rc == 0)
			err_set(e, ERR_NOT_FOUND, "no store %lld", (long long)store_id);
		goto fail;
	}
	if ((rc = db_exists(db_query(db, e, sql_product, "i", product_id), e)) <= 0) {
		if (rc == 0)
			err_set(e, ERR_NOT_FOUND, "no product %lld", (long long)product_id);
		goto fail;
	}
	int64_t on_hand;
	if (lock_balance(db, store_id, product_id, &on_hand, e) < 0)
		goto fail;
	struct reorder_rule *old = NULL, *r;
	if (reorder_get(db, a, store_id, product_id, &old, e) < 0) {
		if (e->code != ERR_NOT_FOUND)
			goto fail;
		err_init(e);
		old = NULL;
	}
	int64_t now = ts_now_ms();
	struct db_stmt *st = db_query(db, e, sql, "iiiiiiiii", store_id, product_id, in->min_qty,
				      in->max_qty, in->safety_stock, in->lead_time_days,
				      in->order_multiple, now, now);
	if (!st)
		goto fail;
	if (in->lead_time_days < 0)
		db_bind_null(st, 6);
	if (db_run(st, e) < 0 || reorder_get(db, a, store_id, product_id, &r, e) < 0)
		goto fail;
	if (alert_stock_changed(db, store_id, product_id, on_hand, on_hand, 1, e) < 0)
		goto fail;
	json_t *before = old ? reorder_to_json(old) : NULL, *after = reorder_to_json(r);
	rc = audit_commit(db, who, old ? "update" : "create", "reorder_rule", product_id, store_id,
		       before, after, e);
	if (rc < 0)
		goto fail;
	*out = r;
	*created = old == NULL;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

int reorder_delete(struct db *db, const struct actor *who, int64_t store_id,
		   int64_t product_id, struct err *e)
{
	static const char sql[] =
		"DELETE FROM reorder_rules WHERE store_id = ? AND product_id = ?";
	struct arena *a = arena_new();
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		goto out;
	int64_t on_hand;
	struct reorder_rule *old;
	if (reorder_get(db, a, store_id, product_id, &old, e) < 0 ||
	    lock_balance(db, store_id, product_id, &on_hand, e) < 0)
		goto fail;
	struct db_stmt *st = db_query(db, e, sql, "ii", store_id, product_id);
	if (!st || db_run(st, e) < 0)
		goto fail;
	if (alert_stock_changed(db, store_id, product_id, on_hand, on_hand, 1, e) < 0)
		goto fail;
	json_t *before = reorder_to_json(old);
	rc = audit_commit(db, who, "delete", "reorder_rule", product_id, store_id, before, NULL, e);
	if (rc < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	db_rollback(db);
	rc = db_fail(e);
out:
	arena_free(a);
	return rc;
}

int reorder_list(struct db *db, struct arena *a, const struct user *u,
		 const struct reorder_filter *f, struct reorder_rule ***out,
		 int *n, int *more, struct err *e)
{
	static const char sql[] =
		"SELECT " RULE_COLS " FROM reorder_rules "
		"WHERE (store_id > ? OR (store_id = ? AND product_id > ?)) "
		"AND (CAST(? AS BIGINT) IS NULL OR store_id = ?) "
		"AND (CAST(? AS BIGINT) IS NULL OR product_id = ?) "
		"AND (? = 0 OR store_id IN (SELECT store_id FROM user_stores WHERE user_id = ?)) "
		"ORDER BY store_id, product_id LIMIT ?";
	int64_t scoped = u && (u->role & ROLE_STORE_BOUND) ? 1 : 0;
	struct page pg;
	page_init(&pg, a, f->limit, sizeof(struct reorder_rule *));
	struct db_stmt *st = db_query(db, e, sql, "iiiIIIIiii", f->after_store, f->after_store,
				      f->after_product, f->store_id, f->store_id, f->product_id,
				      f->product_id, scoped, u ? u->id : 0, page_fetch(&pg));
	if (!st)
		return db_fail(e);
	int rc;
	while ((rc = page_step(&pg, st, e)) == DB_ROW)
		*(struct reorder_rule **)page_add(&pg) = rule_from_row(st, a);
	rc = page_end(&pg, st, rc);
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	return rc;
}
