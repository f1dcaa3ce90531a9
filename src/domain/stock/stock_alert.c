/* alert.c: low-stock and negative-stock alerts (raised by the stock ledger and
 * by reorder-rule changes, resolved on recovery) and the explained anomaly
 * alerts of the hourly job; listed and acknowledged with a note. */
#include "domain/stock/stock_alert.h"

#include <string.h>

#include "base/jx.h"
#include "base/money.h"
#include "base/timeutil.h"
#include "db/page.h"
#include "domain/org/audit.h"

const char *const alert_kinds[] = {"low_stock",	  "negative_stock",    "store_sales",
				   "product_sales",	  "cashier_voids",     "cashier_returns",
				   "cashier_discounts", "stock_adjustment", NULL};
const char *const alert_statuses[] = {"open", "acknowledged", "resolved", NULL};

#define ALERT_COLS                                                             \
	"id, kind, store_id, product_id, status, message, quantity, threshold, " \
	"raised_at, resolved_at, acknowledged_at, acknowledged_by, details, ack_note, " \
	"updated_at"

static struct alert *alert_from_row(struct db_stmt *st, struct arena *a)
{
	struct alert *al = arena_calloc(a, 1, sizeof *al);
	al->id = db_col_int64(st, 0);
	al->kind = arena_strdup(a, db_col_text(st, 1));
	al->store_id = db_col_int64(st, 2);
	al->product_id = db_col_int64(st, 3);
	al->status = arena_strdup(a, db_col_text(st, 4));
	al->message = arena_strdup(a, db_col_text(st, 5));
	al->has_quantity = !db_col_null(st, 6);
	al->quantity = db_col_int64(st, 6);
	al->has_threshold = !db_col_null(st, 7);
	al->threshold = db_col_int64(st, 7);
	al->raised_at = db_col_int64(st, 8);
	al->resolved_at = db_col_int64(st, 9);
	al->acknowledged_at = db_col_int64(st, 10);
	al->acknowledged_by = db_col_int64(st, 11);
	al->details = db_col_null(st, 12) ? NULL : arena_strdup(a, db_col_text(st, 12));
	al->note = db_col_null(st, 13) ? NULL : arena_strdup(a, db_col_text(st, 13));
	al->updated_at = db_col_int64(st, 14);
	return al;
}

json_t *alert_to_json(const struct alert *al)
{
	json_t *details = al->details ? json_loads(al->details, 0, NULL) : NULL;
	return json_pack("{s:I,s:s,s:I,s:o,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
			 "id", (json_int_t)al->id, "kind", al->kind,
			 "store_id", (json_int_t)al->store_id,
			 "product_id", al->product_id ? json_integer(al->product_id) : json_null(),
			 "status", al->status, "message", al->message,
			 "quantity", al->has_quantity ? jx_qty_value(al->quantity) : json_null(),
			 "threshold", al->has_threshold ? jx_qty_value(al->threshold) : json_null(),
			 "raised_at", jx_time(al->raised_at),
			 "resolved_at", jx_time(al->resolved_at),
			 "acknowledged_at", jx_time(al->acknowledged_at),
			 "acknowledged_by",
			 al->acknowledged_by ? json_integer(al->acknowledged_by) : json_null(),
			 "note", jx_strn(al->note), "details", details ? details : json_null(),
			 "updated_at", jx_time(al->updated_at));
}

int alert_raise_explained(struct db *db, const char *kind, int64_t store_id, int64_t product_id,
			  const char *dedupe_key, const char *message, const char *details,
			  int64_t quantity, int *raised, struct err *e)
{
	static const char find[] = "SELECT id FROM alerts WHERE dedupe_key = ?";
	static const char upd[] =
		"UPDATE alerts SET message = ?, details = ?, quantity = ?, updated_at = ? "
		"WHERE id = ?";
	static const char ins[] =
		"INSERT INTO alerts (kind, store_id, product_id, status, message, quantity, "
		"raised_at, details, dedupe_key) VALUES (?, ?, ?, 'open', ?, ?, ?, ?, ?)";
	int own = !db_in_tx(db);
	int rc = own ? db_begin(db, 1, e) : 0;
	if (rc < 0)
		return rc;
	int64_t id = 0, now = ts_now_ms();
	rc = db_int(db_query(db, e, find, "t", dedupe_key), &id, e);
	if (rc < 0)
		goto fail;
	struct db_stmt *st;
	if (rc == 1) {
		st = db_query(db, e, upd, "ttMii", message, details, quantity, now, id);
		*raised = 0;
	} else {
		st = db_query(db, e, ins, "tiItMitt", kind, store_id, product_id, message, quantity,
			      now, details, dedupe_key);
		*raised = 1;
	}
	if (!st || db_run(st, e) < 0)
		goto fail;
	if (own && db_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	if (own)
		db_rollback(db);
	return db_fail(e);
}

/* 1 if the pair has an open or acknowledged alert of kind, 0 if not. */
static int alert_pending(struct db *db, const char *kind, int64_t store_id,
			 int64_t product_id, struct err *e)
{
	static const char sql[] =
		"SELECT 1 FROM alerts WHERE store_id = ? AND product_id = ? AND kind = ? "
		"AND status IN ('open', 'acknowledged')";
	struct db_stmt *st = db_query(db, e, sql, "iit", store_id, product_id, kind);
	if (!st)
		return db_fail(e);
	int rc = db_step(st, e);
	db_reset(st);
	return rc < 0 ? rc : rc == DB_ROW;
}

/* "SKU name" of the product into out ("product N" if absent). */
static int product_text(struct db *db, int64_t id, char *out, size_t n,
			struct err *e)
{
	static const char sql[] = "SELECT sku, name FROM products WHERE id = ?";
	struct db_stmt *st = db_query(db, e, sql, "i", id);
	if (!st)
		return db_fail(e);
	int rc = db_step(st, e);
	if (rc == DB_ROW)
		snprintf(out, n, "%s %s", db_col_text(st, 0), db_col_text(st, 1));
	else
		snprintf(out, n, "product %lld", (long long)id);
	db_reset(st);
	return rc < 0 ? rc : 0;
}

static int alert_insert(struct db *db, const char *kind, int64_t store_id,
			int64_t product_id, const char *message, int64_t quantity,
			int64_t threshold, int has_threshold, struct err *e)
{
	static const char sql[] =
		"INSERT INTO alerts (kind, store_id, product_id, status, message, quantity, "
		"threshold, raised_at) VALUES (?, ?, ?, 'open', ?, ?, ?, ?)";
	struct db_stmt *st = db_query(db, e, sql, "tiitiii", kind, store_id, product_id,
				      message, quantity, threshold, ts_now_ms());
	if (!st)
		return db_fail(e);
	if (!has_threshold)
		db_bind_null(st, 6);
	return db_run(st, e);
}

int alert_raise_low_stock(struct db *db, int64_t store_id, int64_t product_id,
			  int64_t on_hand, int64_t min_qty, struct err *e)
{
	int rc = alert_pending(db, "low_stock", store_id, product_id, e);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	char prod[400], q[32], m[32], msg[512];
	if ((rc = product_text(db, product_id, prod, sizeof prod, e)) < 0)
		return rc;
	qty_format(on_hand, q, sizeof q);
	qty_format(min_qty, m, sizeof m);
	snprintf(msg, sizeof msg, "Low stock: %s: %s on hand, minimum %s", prod, q, m);
	rc = alert_insert(db, "low_stock", store_id, product_id, msg, on_hand, min_qty, 1, e);
	return rc < 0 ? rc : 1;
}

int alert_raise_negative(struct db *db, int64_t store_id, int64_t product_id,
			 int64_t on_hand, struct err *e)
{
	int rc = alert_pending(db, "negative_stock", store_id, product_id, e);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	char prod[400], q[32], msg[512];
	if ((rc = product_text(db, product_id, prod, sizeof prod, e)) < 0)
		return rc;
	qty_format(on_hand, q, sizeof q);
	snprintf(msg, sizeof msg, "Negative stock: %s: %s on hand", prod, q);
	rc = alert_insert(db, "negative_stock", store_id, product_id, msg, on_hand, 0, 0, e);
	return rc < 0 ? rc : 1;
}

int alert_resolve(struct db *db, const char *kind, int64_t store_id,
		  int64_t product_id, struct err *e)
{
	static const char sql[] =
		"UPDATE alerts SET status = 'resolved', resolved_at = ? "
		"WHERE store_id = ? AND product_id = ? AND kind = ? "
		"AND status IN ('open', 'acknowledged')";
	struct db_stmt *st = db_query(db, e, sql, "iiit", ts_now_ms(), store_id,
				      product_id, kind);
	if (!st)
		return db_fail(e);
	int rc = db_run(st, e);
	return rc < 0 ? rc : (int)db_changes(st);
}

/* The reorder rule's min for the pair: 1 found, 0 no rule, negative. */
static int rule_min(struct db *db, int64_t store_id, int64_t product_id,
		    int64_t *min_qty, struct err *e)
{
	static const char sql[] =
		"SELECT min_qty FROM reorder_rules WHERE store_id = ? AND product_id = ?";
	return db_int(db_query(db, e, sql, "ii", store_id, product_id), min_qty, e);
}

int alert_stock_changed(struct db *db, int64_t store_id, int64_t product_id,
			int64_t before, int64_t after, int force, struct err *e)
{
	int64_t min_qty = 0;
	int rc = rule_min(db, store_id, product_id, &min_qty, e);
	if (rc < 0)
		return rc;
	return alert_stock_level(db, store_id, product_id, before, after, force, rc, min_qty, e);
}

int alert_stock_level(struct db *db, int64_t store_id, int64_t product_id, int64_t before,
		      int64_t after, int force, int has_rule, int64_t min_qty, struct err *e)
{
	int rc;
	if (!has_rule) {
		/* no rule: nothing low (a removed rule resolves its alert) */
		if (force && (rc = alert_resolve(db, "low_stock", store_id, product_id, e)) < 0)
			return rc;
	} else if (after <= min_qty) {
		/* while stock stays low the pending alert is found and kept */
		if ((rc = alert_raise_low_stock(db, store_id, product_id, after, min_qty, e)) < 0)
			return rc;
	} else if (force || before <= min_qty) {
		if ((rc = alert_resolve(db, "low_stock", store_id, product_id, e)) < 0)
			return rc;
	}
	if (after < 0) {
		if ((rc = alert_raise_negative(db, store_id, product_id, after, e)) < 0)
			return rc;
	} else if (after >= 0 && (force || before < 0)) {
		if ((rc = alert_resolve(db, "negative_stock", store_id, product_id, e)) < 0)
			return rc;
	}
	return 0;
}

int alert_list(struct db *db, struct arena *a, const struct user *u,
	       const struct alert_filter *f, struct alert ***out, int *n,
	       int *more, struct err *e)
{
	static const char sql[] =
		"SELECT " ALERT_COLS " FROM alerts WHERE id < ? "
		"AND (CAST(? AS TEXT) IS NULL OR kind = ?) "
		"AND (CAST(? AS TEXT) IS NULL OR status = ?) "
		"AND (CAST(? AS BIGINT) IS NULL OR store_id = ?) "
		"AND (CAST(? AS BIGINT) IS NULL OR product_id = ?) "
		"AND raised_at >= ? AND raised_at < ? "
		"AND (? = 0 OR store_id IN (SELECT store_id FROM user_stores WHERE user_id = ?)) "
		"ORDER BY id DESC LIMIT ?";
	int64_t before = f->before_id > 0 ? f->before_id : INT64_MAX;
	int64_t scoped = u && (u->role & ROLE_STORE_BOUND) ? 1 : 0;
	struct page pg;
	page_init(&pg, a, f->limit, sizeof(struct alert *));
	struct db_stmt *st = db_query(db, e, sql, "ittttIIIIiiiii", before, f->kind, f->kind,
				      f->status, f->status, f->store_id, f->store_id,
				      f->product_id, f->product_id, f->raised_from,
				      f->raised_to > 0 ? f->raised_to : INT64_MAX, scoped,
				      u ? u->id : 0, page_fetch(&pg));
	if (!st)
		return db_fail(e);
	int rc;
	while ((rc = page_step(&pg, st, e)) == DB_ROW)
		*(struct alert **)page_add(&pg) = alert_from_row(st, a);
	rc = page_end(&pg, st, rc);
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	return rc;
}

int alert_get(struct db *db, struct arena *a, const struct user *u, int64_t id,
	      struct alert **out, struct err *e)
{
	static const char sql[] = "SELECT " ALERT_COLS " FROM alerts WHERE id = ?";
	struct db_stmt *st = db_query(db, e, sql, "i", id);
	if (!st)
		return db_fail(e);
	int rc = db_step(st, e);
	if (rc < 0)
		return rc;
	struct alert *al = rc == DB_ROW ? alert_from_row(st, a) : NULL;
	db_reset(st);
	if (!al || !user_sees_store(u, al->store_id))
		return err_set(e, ERR_NOT_FOUND, "no alert %lld", (long long)id);
	*out = al;
	return 0;
}

int alert_acknowledge(struct db *db, struct arena *a, const struct actor *who,
		      int64_t id, const char *note, struct alert **out, struct err *e)
{
	static const char sql[] =
		"UPDATE alerts SET status = 'acknowledged', acknowledged_at = ?, "
		"acknowledged_by = ?, ack_note = ? WHERE id = ? AND status = 'open'";
	const struct user *u = who ? who->user : NULL;
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	struct alert *old, *al;
	if (alert_get(db, a, u, id, &old, e) < 0)
		goto fail;
	struct db_stmt *st = db_query(db, e, sql, "iIti", ts_now_ms(), u ? u->id : 0,
				      note && *note ? note : NULL, id);
	if (!st || db_run(st, e) < 0)
		goto fail;
	if (db_changes(st) == 0) {
		err_set(e, ERR_STATE, "alert %lld is %s, not open", (long long)id, old->status);
		goto fail;
	}
	if (alert_get(db, a, u, id, &al, e) < 0)
		goto fail;
	json_t *before = alert_to_json(old), *after = alert_to_json(al);
	rc = audit_commit(db, who, "acknowledge", "alert", id, al->store_id, before, after, e);
	if (rc < 0)
		goto fail;
	*out = al;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}
