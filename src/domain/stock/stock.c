/* stock.c: the stock ledger: one move per change of stock and the balance per
 * store × product, updated by one conditional statement in the same
 * transaction; the recomputation behind `tersa check-stock`. */
#include "domain/stock/stock.h"

#include <stdlib.h>
#include <string.h>

#include "base/jx.h"
#include "base/log.h"
#include "base/money.h"
#include "base/timeutil.h"
#include "db/page.h"
#include "domain/stock/stock_alert.h"
#include "domain/org/audit.h"

const char *const stock_kinds[] = {
#define X(n, s) s,
	STOCK_KIND_MAP(X)
#undef X
	NULL};

const char *const stock_manual_kinds[] = {"receipt", "adjustment", "damage", NULL};

static int kind_known(const char *kind)
{
	for (int i = 0; kind && stock_kinds[i]; i++)
		if (strcmp(kind, stock_kinds[i]) == 0)
			return 1;
	return 0;
}

/* Reads the product's sku and name into the caller's buffers: 1 found, 0 not,
 * negative on error. */
static int product_label(struct db *db, int64_t id, char *sku, size_t skun,
			 char *name, size_t namen, struct err *e)
{
	static const char sql[] = "SELECT sku, name FROM products WHERE id = ?";
	struct db_stmt *st = db_query(db, e, sql, "i", id);
	if (!st)
		return db_fail(e);
	int rc = db_step(st, e);
	if (rc == DB_ROW) {
		snprintf(sku, skun, "%s", db_col_text(st, 0) ? db_col_text(st, 0) : "");
		snprintf(name, namen, "%s", db_col_text(st, 1) ? db_col_text(st, 1) : "");
	}
	db_reset(st);
	return rc < 0 ? rc : rc == DB_ROW;
}

/* Reads the store's allow_negative_stock into *allow: 1 found, 0 not,
 * negative on error. */
static int store_negative(struct db *db, int64_t id, int *allow, struct err *e)
{
	static const char sql[] = "SELECT allow_negative_stock FROM stores WHERE id = ?";
	int64_t v;
	int rc = db_int(db_query(db, e, sql, "i", id), &v, e);
	if (rc == 1)
		*allow = v != 0;
	return rc;
}

static const char SQL_BALANCE_ROW[] =
	"INSERT INTO stock_balances (store_id, product_id, on_hand, updated_at) "
	"VALUES (?, ?, 0, ?) ON CONFLICT (store_id, product_id) DO NOTHING";

/* One statement: the balance changes only if the result is allowed, so that
 * concurrent moves serialise on the row and none is lost. */
static const char SQL_BALANCE_ADD[] =
	"UPDATE stock_balances SET on_hand = on_hand + ?, updated_at = ? "
	"WHERE store_id = ? AND product_id = ? "
	"AND (CAST(? AS BIGINT) = 1 OR CAST(? AS BIGINT) > 0 OR on_hand + ? >= 0) "
	"RETURNING on_hand, (SELECT r.min_qty FROM reorder_rules r "
	"WHERE r.store_id = stock_balances.store_id AND r.product_id = stock_balances.product_id)";

static const char SQL_MOVE_INSERT[] =
	"INSERT INTO stock_moves (store_id, product_id, quantity, kind, doc_type, "
	"doc_id, user_id, unit_cost, note, balance_after, at) "
	"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";

int stock_move_add(struct db *db, const struct actor *who,
		   const struct stock_move_input *in, int64_t *balance_after,
		   int64_t *move_id, struct err *e)
{
	char sku[128] = "", name[256] = "";
	int allow_store = 0, rc;

	if (in->quantity == 0)
		err_field(e, "quantity", "must not be zero");
	if (!kind_known(in->kind))
		err_field(e, "kind", "is not a known move kind");
	if (in->store_id <= 0)
		err_field(e, "store_id", "is required");
	if (in->product_id <= 0)
		err_field(e, "product_id", "is required");
	if (in->checked)
		allow_store = in->store_allows_negative;
	if (in->product_id > 0 && !in->checked) {
		rc = product_label(db, in->product_id, sku, sizeof sku, name, sizeof name, e);
		if (rc < 0)
			return rc;
		if (rc == 0)
			err_field(e, "product_id", "no such product");
	}
	if (in->store_id > 0 && !in->checked) {
		rc = store_negative(db, in->store_id, &allow_store, e);
		if (rc < 0)
			return rc;
		if (rc == 0)
			err_field(e, "store_id", "no such store");
	}
	if (err_fields_done(e))
		return e->code;

	int allow = in->negative == STOCK_NEG_ALLOW ||
		    (in->negative == STOCK_NEG_STORE && allow_store);
	int64_t now = ts_now_ms();
	struct db_stmt *st;
	/* The balance row usually exists: update it, and create it only when
	 * the update found nothing, then update again. */
	for (int attempt = 0;; attempt++) {
		st = db_query(db, e, SQL_BALANCE_ADD, "iiiiiii", in->quantity, now, in->store_id,
			      in->product_id, (int64_t)allow, in->quantity, in->quantity);
		if (!st)
			return db_fail(e);
		if ((rc = db_step(st, e)) < 0)
			return rc;
		if (rc == DB_ROW || attempt == 1)
			break;
		db_reset(st);
		struct db_stmt *ins = db_query(db, e, SQL_BALANCE_ROW, "iii", in->store_id,
					       in->product_id, now);
		/* Whether this made the row or found it (another transaction's,
		 * committed meanwhile), the second update decides. */
		if (!ins || db_run(ins, e) < 0)
			return db_fail(e);
	}
	if (rc == DB_DONE) {
		int64_t have = 0;
		char hq[32], wq[32];
		db_reset(st);
		if (stock_on_hand(db, in->store_id, in->product_id, &have, e) < 0)
			return db_fail(e);
		qty_format(have, hq, sizeof hq);
		qty_format(-in->quantity, wq, sizeof wq);
		err_field(e, "quantity", "only %s of %s on hand", hq, sku);
		e->code = ERR_INSUFFICIENT_STOCK;
		snprintf(e->msg, sizeof e->msg,
			 "insufficient stock of %.48s (%.80s): %s on hand, %s needed", sku, name,
			 hq, wq);
		return e->code;
	}
	/* The reorder rule's min comes with the balance, for the alerts. */
	int64_t after = db_col_int64(st, 0);
	int has_rule = !db_col_null(st, 1);
	int64_t min_qty = db_col_int64(st, 1);
	db_reset(st);

	st = db_query(db, e, SQL_MOVE_INSERT, "iiittIIItii", in->store_id, in->product_id,
		      in->quantity, in->kind, in->doc_type, in->doc_id,
		      who && who->user ? who->user->id : 0, (int64_t)0, in->note, after, now);
	if (!st)
		return db_fail(e);
	/* unit_cost: -1 = unknown (NULL); bind it explicitly (0 is a cost). */
	if (in->unit_cost >= 0)
		db_bind_int64(st, 8, in->unit_cost);
	else
		db_bind_null(st, 8);
	rc = db_step(st, e);
	if (rc != DB_ROW) {
		db_reset(st);
		return rc < 0 ? rc : err_set(e, ERR_DB, "move not recorded");
	}
	int64_t id = db_col_int64(st, 0);
	db_reset(st);

	if (alert_stock_level(db, in->store_id, in->product_id, after - in->quantity, after, 0,
			      has_rule, min_qty, e) < 0)
		return db_fail(e);
	if (balance_after)
		*balance_after = after;
	if (move_id)
		*move_id = id;
	return 0;
}

int stock_on_hand(struct db *db, int64_t store_id, int64_t product_id,
		  int64_t *out, struct err *e)
{
	static const char sql[] =
		"SELECT on_hand FROM stock_balances WHERE store_id = ? AND product_id = ?";
	int rc = db_int(db_query(db, e, sql, "ii", store_id, product_id), out, e);
	return rc < 0 ? rc : 0;
}

int stock_check(struct db *db, int64_t *bad, struct err *e)
{
	/* Both directions: moves without a balance row and balance rows without
	 * moves meet in the union; a pair with no moves must have 0. */
	static const char sql[] =
		"SELECT store_id, product_id, SUM(moved), SUM(bal) FROM ("
		" SELECT store_id, product_id, quantity AS moved, 0 AS bal FROM stock_moves"
		" UNION ALL"
		" SELECT store_id, product_id, 0 AS moved, on_hand AS bal FROM stock_balances"
		") t GROUP BY store_id, product_id HAVING SUM(moved) <> SUM(bal) "
		"ORDER BY store_id, product_id";
	*bad = 0;
	int rc = db_begin(db, 0, e);
	if (rc < 0)
		return rc;
	struct db_stmt *st = db_query(db, e, sql, "");
	if (!st)
		goto fail;
	while ((rc = db_step(st, e)) == DB_ROW) {
		char mq[32], bq[32];
		qty_format(db_col_int64(st, 2), mq, sizeof mq);
		qty_format(db_col_int64(st, 3), bq, sizeof bq);
		log_warn("stock mismatch: store %lld product %lld: moves sum to %s, balance %s",
			 (long long)db_col_int64(st, 0), (long long)db_col_int64(st, 1), mq, bq);
		(*bad)++;
	}
	db_reset(st);
	if (rc < 0 || db_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

/* ---- reading the ledger, manual moves */

#define MOVE_COLS                                                              \
	"id, store_id, product_id, quantity, kind, doc_type, doc_id, user_id, " \
	"unit_cost, note, balance_after, at"

static struct stock_move *move_from_row(struct db_stmt *st, struct arena *a)
{
	struct stock_move *m = arena_calloc(a, 1, sizeof *m);
	m->id = db_col_int64(st, 0);
	m->store_id = db_col_int64(st, 1);
	m->product_id = db_col_int64(st, 2);
	m->quantity = db_col_int64(st, 3);
	m->kind = arena_strdup(a, db_col_text(st, 4));
	m->doc_type = arena_strdup(a, db_col_text(st, 5));
	m->doc_id = db_col_int64(st, 6);
	m->user_id = db_col_int64(st, 7);
	m->unit_cost = db_col_null(st, 8) ? -1 : db_col_int64(st, 8);
	m->note = arena_strdup(a, db_col_text(st, 9));
	m->balance_after = db_col_int64(st, 10);
	m->at = db_col_int64(st, 11);
	return m;
}

static json_t *id_or_null(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

json_t *stock_move_to_json(const struct stock_move *m)
{
	return json_pack("{s:I,s:I,s:I,s:o,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
			 "id", (json_int_t)m->id, "store_id", (json_int_t)m->store_id,
			 "product_id", (json_int_t)m->product_id,
			 "quantity", jx_qty_value(m->quantity), "kind", m->kind,
			 "doc_type", jx_strn(m->doc_type), "doc_id", id_or_null(m->doc_id),
			 "user_id", id_or_null(m->user_id),
			 "unit_cost", m->unit_cost >= 0 ? json_integer(m->unit_cost) : json_null(),
			 "note", jx_strn(m->note), "balance_after", jx_qty_value(m->balance_after),
			 "at", jx_time(m->at));
}

int stock_move_get(struct db *db, struct arena *a, int64_t id,
		   struct stock_move **out, struct err *e)
{
	static const char sql[] = "SELECT " MOVE_COLS " FROM stock_moves WHERE id = ?";
	struct db_stmt *st = db_query(db, e, sql, "i", id);
	int rc = db_get_row(st, "stock move", id, e);
	if (rc < 0)
		return rc;
	*out = move_from_row(st, a);
	db_reset(st);
	return 0;
}

int stock_avg_cost(int64_t old_total, int64_t old_cost, int64_t qty, int64_t unit_cost,
		   int64_t *out)
{
	__int128 num, den, q;

	if (qty <= 0 || unit_cost < 0)
		return -1;
	if (old_total <= 0 || old_cost < 0) {
		*out = unit_cost;
		return 0;
	}
	num = (__int128)old_total * old_cost + (__int128)qty * unit_cost;
	den = (__int128)old_total + qty;
	/* Half up: floor((2·num + den) / (2·den)); every term is >= 0. */
	q = (2 * num + den) / (2 * den);
	if (q > INT64_MAX)
		return -1;
	*out = (int64_t)q;
	return 0;
}

/* Locks the product row (no key update: inserts referencing it go on) and
 * reads its cost. */
static const char SQL_PRODUCT_LOCK_COST[] =
	"UPDATE products SET updated_at = updated_at WHERE id = ? RETURNING cost";
static const char SQL_ON_HAND_ALL[] =
	"SELECT COALESCE(SUM(on_hand), 0) FROM stock_balances WHERE product_id = ?";
static const char SQL_PRODUCT_SET_COST[] =
	"UPDATE products SET cost = ?, updated_at = ?"
	" WHERE id = ? AND (cost IS NULL OR cost <> ?)";

int stock_receive_cost(struct db *db, int64_t product_id, int64_t qty, int64_t unit_cost,
		       int64_t *before, int64_t *after, struct err *e)
{
	struct db_stmt *st;
	int64_t total;
	int rc;

	if (!(st = db_query(db, e, SQL_PRODUCT_LOCK_COST, "i", product_id)))
		return db_fail(e);
	if ((rc = db_step(st, e)) != DB_ROW)
		return rc < 0 ? rc : err_set(e, ERR_NOT_FOUND, "no product %lld",
					     (long long)product_id);
	*before = db_col_null(st, 0) ? -1 : db_col_int64(st, 0);
	db_reset(st);
	if (!(st = db_query(db, e, SQL_ON_HAND_ALL, "i", product_id)))
		return db_fail(e);
	if ((rc = db_step(st, e)) != DB_ROW)
		return rc < 0 ? rc : db_fail(e);
	total = db_col_int64(st, 0) - qty; /* before this receipt */
	db_reset(st);
	if (stock_avg_cost(total, *before, qty, unit_cost, after) < 0)
		return err_set(e, ERR_INTERNAL, "moving-average cost out of range");
	if (db_run(db_query(db, e, SQL_PRODUCT_SET_COST, "iiii", *after, ts_now_ms(), product_id,
			    *after), e) < 0)
		return db_fail(e);
	return 0;
}

/* The product's audit row for a cost moved by a receipt. */
static int audit_cost(struct db *db, const struct actor *who, int64_t product_id,
		      int64_t before, int64_t after, struct err *e)
{
	if (before == after)
		return 0;
	json_t *b = json_pack("{s:o}", "cost", before >= 0 ? json_integer(before) : json_null());
	json_t *n = json_pack("{s:I}", "cost", (json_int_t)after);
	int rc = audit_add(db, who, "update", "product", product_id, 0, b, n, e);
	json_decref(b);
	json_decref(n);
	return rc;
}

int stock_move_manual(struct db *db, struct arena *a, const struct actor *who,
		      const struct stock_move_input *in, struct stock_move **out,
		      struct err *e)
{
	int manual = 0;
	for (int i = 0; in->kind && stock_manual_kinds[i]; i++)
		manual |= strcmp(in->kind, stock_manual_kinds[i]) == 0;
	if (!manual)
		err_field(e, "reason", "must be one of: receipt, adjustment, damage");
	else if (strcmp(in->kind, "receipt") == 0 && in->quantity < 0)
		err_field(e, "quantity", "must be positive for a receipt");
	else if (strcmp(in->kind, "damage") == 0 && in->quantity > 0)
		err_field(e, "quantity", "must be negative for damage");
	if (err_fields_done(e))
		return e->code;
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	int64_t id, cost_before, cost_after;
	struct stock_move *m;
	if (stock_move_add(db, who, in, NULL, &id, e) < 0)
		goto fail;
	/* A receipt at a known cost moves the average like a purchase order's. */
	if (strcmp(in->kind, "receipt") == 0 && in->unit_cost >= 0 && in->may_move_cost &&
	    (stock_receive_cost(db, in->product_id, in->quantity, in->unit_cost, &cost_before,
				&cost_after, e) < 0 ||
	     audit_cost(db, who, in->product_id, cost_before, cost_after, e) < 0))
		goto fail;
	if (stock_move_get(db, a, id, &m, e) < 0)
		goto fail;
	json_t *after = stock_move_to_json(m);
	rc = audit_commit(db, who, "create", "stock_move", id, m->store_id, NULL, after, e);
	if (rc < 0)
		goto fail;
	*out = m;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

int stock_move_list(struct db *db, struct arena *a, const struct user *u,
		    const struct stock_move_filter *f, struct stock_move ***out,
		    int *n, int *more, struct err *e)
{
	static const char sql[] =
		"SELECT " MOVE_COLS " FROM stock_moves WHERE id < ? "
		"AND (CAST(? AS BIGINT) IS NULL OR store_id = ?) "
		"AND (CAST(? AS BIGINT) IS NULL OR product_id = ?) "
		"AND (CAST(? AS TEXT) IS NULL OR kind = ?) "
		"AND at >= ? AND at < ? "
		"AND (? = 0 OR store_id IN (SELECT store_id FROM user_stores WHERE user_id = ?)) "
		"ORDER BY id DESC LIMIT ?";
	int64_t before = f->before_id > 0 ? f->before_id : INT64_MAX;
	int64_t to = f->to > 0 ? f->to : INT64_MAX;
	int64_t scoped = u && (u->role & ROLE_STORE_BOUND) ? 1 : 0;
	struct page pg;
	page_init(&pg, a, f->limit, sizeof(struct stock_move *));
	struct db_stmt *st = db_query(db, e, sql, "iIIIIttiiiii", before, f->store_id,
				      f->store_id, f->product_id, f->product_id, f->kind,
				      f->kind, f->from, to, scoped, u ? u->id : 0,
				      page_fetch(&pg));
	if (!st)
		return db_fail(e);
	int rc;
	while ((rc = page_step(&pg, st, e)) == DB_ROW)
		*(struct stock_move **)page_add(&pg) = move_from_row(st, a);
	rc = page_end(&pg, st, rc);
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	return rc;
}

int64_t stock_round_value(int64_t v)
{
	return v >= 0 ? (v + 500) / 1000 : -((-v + 500) / 1000);
}

json_t *stock_item_to_json(const struct stock_item *it)
{
	return json_pack("{s:I,s:I,s:s,s:s,s:o,s:o,s:I,s:o,s:o}",
			 "store_id", (json_int_t)it->store_id,
			 "product_id", (json_int_t)it->product_id, "sku", it->sku,
			 "name", it->name, "on_hand", jx_qty_value(it->on_hand),
			 "unit_cost", it->cost >= 0 ? json_integer(it->cost) : json_null(),
			 "value", (json_int_t)it->value,
			 "min", it->has_rule ? jx_qty_value(it->min_qty) : json_null(),
			 "max", it->has_rule ? jx_qty_value(it->max_qty) : json_null());
}

/* The category subtree for ?category_id=, then the shared filters. Both list
 * statements bind the same parameters in the same order. */
#define STOCK_SUBTREE                                                          \
	"WITH RECURSIVE sub(id, depth) AS ("                                    \
	" SELECT id, 0 FROM categories WHERE id = CAST(? AS BIGINT)"            \
	" UNION ALL"                                                            \
	" SELECT c.id, sub.depth + 1 FROM categories c"                         \
	" JOIN sub ON c.parent_id = sub.id WHERE sub.depth < 1000) "
#define STOCK_FILTERS(S, P)                                                    \
	" AND (" S " > ? OR (" S " = ? AND " P " > ?))"                         \
	" AND (CAST(? AS BIGINT) IS NULL OR " S " = ?)"                         \
	" AND (CAST(? AS BIGINT) IS NULL OR " P " = ?)"                         \
	" AND (CAST(? AS BIGINT) IS NULL OR p.category_id IN (SELECT id FROM sub))" \
	" AND (CAST(? AS TEXT) IS NULL OR lower(p.sku) LIKE ? ESCAPE '\\'"      \
	"  OR lower(p.name) LIKE ? ESCAPE '\\' OR lower(p.barcode) LIKE ? ESCAPE '\\')" \
	" AND (? = 0 OR " S " IN (SELECT store_id FROM user_stores WHERE user_id = ?))" \
	" ORDER BY " S ", " P " LIMIT ?"
/* ?level=negative|none on the balance Q (enum stock_level). */
#define STOCK_LEVEL(Q)                                                         \
	" AND (? = 0 OR (? = 1 AND " Q " < 0) OR (? = 2 AND " Q " = 0))"

static const char SQL_STOCK_LIST[] =
	STOCK_SUBTREE
	"SELECT b.store_id, b.product_id, p.sku, p.name, b.on_hand, p.cost, "
	"r.min_qty, r.max_qty, r.store_id FROM stock_balances b "
	"JOIN products p ON p.id = b.product_id "
	"LEFT JOIN reorder_rules r ON r.store_id = b.store_id AND r.product_id = b.product_id "
	"WHERE 1 = 1" STOCK_LEVEL("b.on_hand") STOCK_FILTERS("b.store_id", "b.product_id");

static const char SQL_STOCK_BELOW_MIN[] =
	STOCK_SUBTREE
	"SELECT r.store_id, r.product_id, p.sku, p.name, COALESCE(b.on_hand, 0), p.cost, "
	"r.min_qty, r.max_qty, r.store_id FROM reorder_rules r "
	"JOIN products p ON p.id = r.product_id "
	"LEFT JOIN stock_balances b ON b.store_id = r.store_id AND b.product_id = r.product_id "
	"WHERE COALESCE(b.on_hand, 0) <= r.min_qty" STOCK_LEVEL("COALESCE(b.on_hand, 0)")
	STOCK_FILTERS("r.store_id", "r.product_id");

int stock_list(struct db *db, struct arena *a, const struct user *u,
	       const struct stock_filter *f, struct stock_item ***out, int *n,
	       int *more, struct err *e)
{
	const char *pat = db_like_pattern(a, f->q);
	int64_t scoped = u && (u->role & ROLE_STORE_BOUND) ? 1 : 0;
	int64_t level = f->level;
	struct page pg;
	page_init(&pg, a, f->limit, sizeof(struct stock_item *));
	struct db_stmt *st = db_query(db, e, f->below_min ? SQL_STOCK_BELOW_MIN : SQL_STOCK_LIST,
				      "IiiiiiiIIIIIttttiii", f->category_id, level, level, level,
				      f->after_store,
				      f->after_store, f->after_product, f->store_id, f->store_id,
				      f->product_id, f->product_id, f->category_id, pat, pat, pat,
				      pat, scoped, u ? u->id : 0, page_fetch(&pg));
	if (!st)
		return db_fail(e);
	int rc;
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		struct stock_item *it = arena_calloc(a, 1, sizeof *it);
		it->store_id = db_col_int64(st, 0);
		it->product_id = db_col_int64(st, 1);
		it->sku = arena_strdup(a, db_col_text(st, 2));
		it->name = arena_strdup(a, db_col_text(st, 3));
		it->on_hand = db_col_int64(st, 4);
		it->cost = db_col_null(st, 5) ? -1 : db_col_int64(st, 5);
		it->has_rule = !db_col_null(st, 8);
		it->min_qty = db_col_int64(st, 6);
		it->max_qty = db_col_int64(st, 7);
		if (it->cost < 0 || money_mul_qty(it->cost, it->on_hand, &it->value) < 0)
			it->value = 0;
		*(struct stock_item **)page_add(&pg) = it;
	}
	rc = page_end(&pg, st, rc);
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	return rc;
}

/* SUM(on_hand * cost) is rounded once per group (in C: the engines' integer
 * division differs for negative values). */
static const char SQL_VALUE_BY_STORE[] =
	"SELECT b.store_id, s.name, SUM(b.on_hand), SUM(b.on_hand * COALESCE(p.cost, 0)) "
	"FROM stock_balances b JOIN products p ON p.id = b.product_id "
	"JOIN stores s ON s.id = b.store_id "
	"WHERE (CAST(? AS BIGINT) IS NULL OR b.store_id = ?) "
	"AND (? = 0 OR b.store_id IN (SELECT store_id FROM user_stores WHERE user_id = ?)) "
	"GROUP BY b.store_id, s.name ORDER BY b.store_id";
static const char SQL_VALUE_BY_CATEGORY[] =
	"SELECT COALESCE(p.category_id, 0), c.name, SUM(b.on_hand), "
	"SUM(b.on_hand * COALESCE(p.cost, 0)) "
	"FROM stock_balances b JOIN products p ON p.id = b.product_id "
	"LEFT JOIN categories c ON c.id = p.category_id "
	"WHERE (CAST(? AS BIGINT) IS NULL OR b.store_id = ?) "
	"AND (? = 0 OR b.store_id IN (SELECT store_id FROM user_stores WHERE user_id = ?)) "
	"GROUP BY COALESCE(p.category_id, 0), c.name ORDER BY COALESCE(p.category_id, 0)";

int stock_value(struct db *db, struct arena *a, const struct user *u,
		int64_t store_id, int by_category, struct stock_value_row **out,
		int *n, struct err *e)
{
	int64_t scoped = u && (u->role & ROLE_STORE_BOUND) ? 1 : 0;
	struct db_stmt *st = db_query(db, e, by_category ? SQL_VALUE_BY_CATEGORY : SQL_VALUE_BY_STORE,
				      "IIii", store_id, store_id, scoped, u ? u->id : 0);
	if (!st)
		return db_fail(e);
	struct page pg;
	page_init_all(&pg, a, sizeof(struct stock_value_row));
	int rc;
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		struct stock_value_row *v = page_add(&pg);
		v->key = db_col_int64(st, 0);
		v->label = arena_strdup(a, db_col_text(st, 1));
		v->quantity = db_col_int64(st, 2);
		v->value = stock_round_value(db_col_int64(st, 3));
	}
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	/* Never NULL: no rows is an empty array. */
	*out = pg.rows ? pg.rows : arena_calloc(a, 1, sizeof **out);
	*n = pg.n;
	return 0;
}

/* ---- lock order ---- */

struct by_product_ctx {
	const char *base;
	size_t stride;
};

static int64_t product_at(const struct by_product_ctx *c, int i)
{
	int64_t v;
	memcpy(&v, c->base + (size_t)i * c->stride, sizeof v);
	return v;
}

static int cmp_by_product(const void *a, const void *b, void *ctx)
{
	int x = *(const int *)a, y = *(const int *)b;
	int64_t px = product_at(ctx, x), py = product_at(ctx, y);
	if (px != py)
		return px < py ? -1 : 1;
	return x < y ? -1 : x > y;
}

void stock_order_by_product(const int64_t *first_product_id, size_t stride, int n, int *order)
{
	struct by_product_ctx c = {(const char *)first_product_id, stride};
	for (int i = 0; i < n; i++)
		order[i] = i;
	if (n > 1)
		qsort_r(order, (size_t)n, sizeof *order, cmp_by_product, &c);
}
