/* count.c: stock counts: the snapshot of expected quantities, counted
 * quantities in scanner batches, the review, and applying the variances as
 * `count` moves measured against the snapshot. */
#include "domain/stock/stock_count.h"

#include <stdio.h>
#include <string.h>

#include "base/jx.h"
#include "base/money.h"
#include "base/timeutil.h"
#include "db/page.h"
#include "domain/org/doc_state.h"
#include "domain/org/audit.h"
#include "domain/stock/stock.h"

const char *const count_statuses[] = {"open", "applied", "cancelled", NULL};
const char *const count_modes[] = {"add", "set", NULL};

static const char *line_field(char *buf, size_t n, int i, const char *name)
{
	snprintf(buf, n, "lines[%d].%s", i, name);
	return buf;
}

static json_t *opt_int(int64_t v)
{
	return v >= 0 ? json_integer((json_int_t)v) : json_null();
}

#define COUNT_COLS                                                             \
	"c.id, c.store_id, c.category_id, c.status, c.snapshot_move_id, c.note, " \
	"c.created_by, c.created_at, c.applied_at, c.cancelled_at, c.updated_at, " \
	"(SELECT COUNT(*) FROM stock_count_lines l WHERE l.count_id = c.id), "     \
	"(SELECT COUNT(l.counted) FROM stock_count_lines l WHERE l.count_id = c.id)"

static struct stock_count *count_from_row(struct db_stmt *st, struct arena *a)
{
	struct stock_count *c = arena_alloc(a, sizeof *c);
	c->id = db_col_int64(st, 0);
	c->store_id = db_col_int64(st, 1);
	c->category_id = db_col_int64(st, 2);
	c->status = arena_strdup(a, db_col_text(st, 3));
	c->snapshot_move_id = db_col_int64(st, 4);
	c->note = arena_strdup(a, db_col_text(st, 5));
	c->created_by = db_col_int64(st, 6);
	c->created_at = db_col_int64(st, 7);
	c->applied_at = db_col_int64(st, 8);
	c->cancelled_at = db_col_int64(st, 9);
	c->updated_at = db_col_int64(st, 10);
	c->lines_total = db_col_int64(st, 11);
	c->lines_counted = db_col_int64(st, 12);
	return c;
}

/* Variance value of a counted line at its unit cost; -1 when unknown (no
 * cost, not counted, or past the money range). *variance gets the variance. */
static int line_value(const struct count_line *l, int64_t *variance, int64_t *value)
{
	*variance = l->counted - l->expected;
	*value = 0;
	if (l->counted < 0 || l->unit_cost < 0)
		return -1;
	return money_mul_qty(l->unit_cost, *variance, value);
}

static json_t *line_to_json(const struct count_line *l)
{
	int64_t var, val;
	int valued = line_value(l, &var, &val) == 0;
	json_t *o = json_object();
	json_object_set_new(o, "product_id", json_integer(l->product_id));
	json_object_set_new(o, "sku", jx_strn(l->sku));
	json_object_set_new(o, "name", jx_strn(l->name));
	json_object_set_new(o, "barcode", jx_strn(l->barcode));
	json_object_set_new(o, "expected", jx_qty_value(l->expected));
	json_object_set_new(o, "counted", l->counted >= 0 ? jx_qty_value(l->counted) : json_null());
	json_object_set_new(o, "variance", l->counted >= 0 ? jx_qty_value(var) : json_null());
	json_object_set_new(o, "unit_cost", opt_int(l->unit_cost));
	json_object_set_new(o, "variance_value", valued ? json_integer(val) : json_null());
	return o;
}

/* Totals of the review: counted lines and the value of their variances
 * (surplus >= 0, shortage <= 0); lines whose variance has no value (no
 * cost) are counted in "unvalued". */
static json_t *totals_to_json(const struct stock_count *c)
{
	int64_t counted = 0, with_var = 0, unvalued = 0, surplus = 0, shortage = 0;
	for (int i = 0; i < c->nlines; i++) {
		const struct count_line *l = &c->lines[i];
		int64_t var, val;
		if (l->counted < 0)
			continue;
		counted++;
		int valued = line_value(l, &var, &val) == 0;
		if (var == 0)
			continue;
		with_var++;
		if (!valued)
			unvalued++;
		else if (val > 0 && money_add(surplus, val, &surplus) < 0)
			unvalued++;
		else if (val < 0 && money_add(shortage, val, &shortage) < 0)
			unvalued++;
	}
	int64_t total = 0;
	if (money_add(surplus, shortage, &total) < 0)
		total = 0;
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "lines", (json_int_t)c->nlines,
			 "counted", (json_int_t)counted,
			 "uncounted", (json_int_t)(c->nlines - counted),
			 "with_variance", (json_int_t)with_var,
			 "variance_value", (json_int_t)total, "surplus_value", (json_int_t)surplus,
			 "shortage_value", (json_int_t)shortage, "unvalued", (json_int_t)unvalued);
}

json_t *count_to_json(const struct stock_count *c)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(c->id));
	json_object_set_new(o, "store_id", json_integer(c->store_id));
	json_object_set_new(o, "category_id",
			    c->category_id ? json_integer(c->category_id) : json_null());
	json_object_set_new(o, "status", jx_strn(c->status));
	json_object_set_new(o, "note", jx_strn(c->note));
	json_object_set_new(o, "snapshot_move_id", json_integer(c->snapshot_move_id));
	json_object_set_new(o, "lines_total", json_integer(c->lines_total));
	json_object_set_new(o, "lines_counted", json_integer(c->lines_counted));
	json_object_set_new(o, "created_by",
			    c->created_by ? json_integer(c->created_by) : json_null());
	json_object_set_new(o, "created_at", jx_time(c->created_at));
	json_object_set_new(o, "applied_at", jx_time(c->applied_at));
	json_object_set_new(o, "cancelled_at", jx_time(c->cancelled_at));
	if (c->lines) {
		json_t *lines = json_array();
		for (int i = 0; i < c->nlines; i++)
			json_array_append_new(lines, line_to_json(&c->lines[i]));
		json_object_set_new(o, "lines", lines);
	}
	if (c->with_totals)
		json_object_set_new(o, "totals", totals_to_json(c));
	return o;
}

static const char SQL_COUNT_GET[] =
	"SELECT " COUNT_COLS " FROM stock_counts c WHERE c.id = ?";

/* The header only; ERR_NOT_FOUND if absent (no scoping). */
static int count_header(struct db *db, struct arena *a, int64_t id,
			struct stock_count **out, struct err *e)
{
	struct db_stmt *st = db_query(db, e, SQL_COUNT_GET, "i", id);
	int rc = db_get_row(st, "stock count", id, e);
	if (rc < 0)
		return rc;
	*out = count_from_row(st, a);
	db_reset(st);
	return 0;
}

#define LINE_COLS                                                              \
	"l.product_id, p.sku, p.name, p.barcode, l.expected, l.counted, l.unit_cost"
static const char SQL_COUNT_LINES[] =
	"SELECT " LINE_COLS " FROM stock_count_lines l "
	"JOIN products p ON p.id = l.product_id WHERE l.count_id = ? ORDER BY l.product_id";
static const char SQL_COUNT_LINE[] =
	"SELECT " LINE_COLS " FROM stock_count_lines l "
	"JOIN products p ON p.id = l.product_id WHERE l.count_id = ? AND l.product_id = ?";

static void line_from_row(struct db_stmt *st, struct arena *a, struct count_line *l)
{
	l->product_id = db_col_int64(st, 0);
	l->sku = arena_strdup(a, db_col_text(st, 1));
	l->name = arena_strdup(a, db_col_text(st, 2));
	l->barcode = arena_strdup(a, db_col_text(st, 3));
	l->expected = db_col_int64(st, 4);
	l->counted = db_col_null(st, 5) ? -1 : db_col_int64(st, 5);
	l->unit_cost = db_col_null(st, 6) ? -1 : db_col_int64(st, 6);
}

/* Every line of c, ordered by product id. */
static int count_load_lines(struct db *db, struct arena *a, struct stock_count *c,
			    struct err *e)
{
	struct db_stmt *st = db_query(db, e, SQL_COUNT_LINES, "i", c->id);
	if (!st)
		return db_fail(e);
	struct page pg;
	page_init_all(&pg, a, sizeof *c->lines);
	int rc;
	while ((rc = page_step(&pg, st, e)) == DB_ROW)
		line_from_row(st, a, page_add(&pg));
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	/* Loaded, even when empty: count_to_json shows the lines then. */
	c->lines = pg.rows ? pg.rows : arena_calloc(a, 1, sizeof *c->lines);
	c->nlines = pg.n;
	return 0;
}

int count_get(struct db *db, struct arena *a, const struct actor *who,
	      int64_t id, struct stock_count **out, struct err *e)
{
	struct stock_count *c;
	int rc = count_header(db, a, id, &c, e);
	if (rc < 0)
		return rc;
	if (!actor_sees_store(who, c->store_id))
		return err_set(e, ERR_NOT_FOUND, "no stock count %lld", (long long)id);
	if ((rc = count_load_lines(db, a, c, e)) < 0)
		return rc;
	c->with_totals = 1;
	*out = c;
	return 0;
}

static const char SQL_COUNT_LIST[] =
	"SELECT " COUNT_COLS " FROM stock_counts c WHERE c.id > ? "
	"AND (CAST(? AS BIGINT) IS NULL OR c.store_id = ?) "
	"AND (CAST(? AS TEXT) IS NULL OR c.status = ?) "
	"AND (? = 0 OR c.store_id IN (SELECT store_id FROM user_stores WHERE user_id = ?)) "
	"ORDER BY c.id LIMIT ?";

int count_list(struct db *db, struct arena *a, const struct user *u,
	       const struct count_filter *f, struct stock_count ***out, int *n,
	       int *more, struct err *e)
{
	int limit = f->limit > 0 ? f->limit : 50;
	int64_t scoped = u && (u->role & ROLE_STORE_BOUND) ? 1 : 0;
	struct page pg;
	page_init(&pg, a, limit, sizeof(struct stock_count *));
	struct db_stmt *st = db_query(db, e, SQL_COUNT_LIST, "iIIttiii", f->after_id,
				      f->store_id, f->store_id, f->status, f->status, scoped,
				      u ? u->id : 0, page_fetch(&pg));
	if (!st)
		return db_fail(e);
	int rc;
	while ((rc = page_step(&pg, st, e)) == DB_ROW)
		*(struct stock_count **)page_add(&pg) = count_from_row(st, a);
	rc = page_end(&pg, st, rc);
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	return rc;
}

static const char SQL_COUNT_LOCK[] =
	"UPDATE stock_counts SET status = status WHERE id = ? "
	"RETURNING status, store_id, store_id";

/* The steps of a count: while open it takes lines, then is applied or
 * cancelled. */
static const struct doc_step COUNT_STEPS[] = {
	{"scan", "scanned", {"open"}, DOC_EITHER},
	{"apply", "applied", {"open"}, DOC_EITHER},
	{"cancel", "cancelled", {"open"}, DOC_EITHER},
	{NULL, NULL, {NULL}, DOC_EITHER},
};
static const struct doc_flow COUNT_FLOW = {
	"stock count", SQL_COUNT_LOCK, {NULL, NULL}, COUNT_STEPS};

/* Opens count id for `action` (doc_open) and loads its header. */
static int count_open(struct db *db, struct arena *a, const struct actor *who,
		      int64_t id, const char *action, struct stock_count **out,
		      struct err *e)
{
	struct doc_ref ref;
	int rc = doc_open(db, &COUNT_FLOW, action, who, id, &ref, e);
	return rc < 0 ? rc : count_header(db, a, id, out, e);
}

/* A scope query shared by the snapshot and the scanner: the category's
 * subtree (empty when the count covers every product). */
#define SUBTREE                                                                \
	"WITH RECURSIVE sub(id, depth) AS ("                                   \
	" SELECT id, 0 FROM categories WHERE id = CAST(? AS BIGINT)"          \
	" UNION ALL"                                                           \
	" SELECT k.id, sub.depth + 1 FROM categories k"                        \
	" JOIN sub ON k.parent_id = sub.id WHERE sub.depth < 1000) "

static const char SQL_STORE_EXISTS[] = "SELECT 1 FROM stores WHERE id = ?";
static const char SQL_CATEGORY_EXISTS[] = "SELECT 1 FROM categories WHERE id = ?";
/* Takes the store row's lock on PostgreSQL (SQLite: the write transaction is
 * already exclusive), so two counts of one store open one after the other. */
static const char SQL_STORE_LOCK[] = "UPDATE stores SET updated_at = updated_at WHERE id = ?";
static const char SQL_LAST_MOVE[] = "SELECT COALESCE(MAX(id), 0) FROM stock_moves";
static const char SQL_COUNT_INSERT[] =
	"INSERT INTO stock_counts (store_id, category_id, status, snapshot_move_id, note, "
	"created_by, created_at, updated_at) VALUES (?, ?, 'open', ?, ?, ?, ?, ?) RETURNING id";
static const char SQL_COUNT_SNAPSHOT[] =
	SUBTREE
	"INSERT INTO stock_count_lines (count_id, product_id, expected, unit_cost) "
	"SELECT ?, p.id, COALESCE(b.on_hand, 0), p.cost FROM products p "
	"LEFT JOIN stock_balances b ON b.store_id = ? AND b.product_id = p.id "
	"WHERE (CAST(? AS BIGINT) IS NULL OR p.category_id IN (SELECT id FROM sub)) "
	"AND (p.active = 1 OR COALESCE(b.on_hand, 0) <> 0)";
/* Another open count of the store holding one of this count's products. */
static const char SQL_COUNT_OVERLAP[] =
	"SELECT c.id FROM stock_count_lines l JOIN stock_counts c ON c.id = l.count_id "
	"WHERE c.store_id = ? AND c.status = 'open' AND c.id <> ? "
	"AND l.product_id IN (SELECT product_id FROM stock_count_lines WHERE count_id = ?) "
	"ORDER BY c.id LIMIT 1";

int count_create(struct db *db, struct arena *a, const struct actor *who,
		 const struct count_input *in, struct stock_count **out,
		 struct err *e)
{
	if (in->store_id > 0 && !actor_sees_store(who, in->store_id))
		return err_set(e, ERR_FORBIDDEN, "store %lld is not one of yours",
			       (long long)in->store_id);
	if (in->store_id <= 0)
		err_field(e, "store_id", "is required");
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	if (in->store_id > 0) {
		if ((rc = db_exists(db_query(db, e, SQL_STORE_EXISTS, "i", in->store_id), e)) < 0)
			goto fail;
		if (!rc)
			err_field(e, "store_id", "no such store");
	}
	if (in->category_id > 0) {
		if ((rc = db_exists(db_query(db, e, SQL_CATEGORY_EXISTS, "i", in->category_id), e)) < 0)
			goto fail;
		if (!rc)
			err_field(e, "category_id", "no such category");
	}
	if (err_fields_done(e) < 0)
		goto fail;
	struct db_stmt *st = db_query(db, e, SQL_STORE_LOCK, "i", in->store_id);
	if (!st || db_run(st, e) < 0)
		goto fail;
	int64_t snap, now = ts_now_ms();
	if (db_int(db_query(db, e, SQL_LAST_MOVE, ""), &snap, e) < 0)
		goto fail;
	st = db_query(db, e, SQL_COUNT_INSERT, "iIitIii", in->store_id, in->category_id, snap,
		      in->note, who && who->user ? who->user->id : 0, now, now);
	if (!st || db_step(st, e) != DB_ROW)
		goto fail;
	int64_t id = db_col_int64(st, 0);
	db_reset(st);
	st = db_query(db, e, SQL_COUNT_SNAPSHOT, "IiiI", in->category_id, id, in->store_id,
		      in->category_id);
	if (!st || db_run(st, e) < 0)
		goto fail;
	int64_t other;
	rc = db_int(db_query(db, e, SQL_COUNT_OVERLAP, "iii", in->store_id, id, id), &other, e);
	if (rc < 0)
		goto fail;
	if (rc) {
		err_set(e, ERR_CONFLICT,
			"open stock count %lld of this store already counts some of these products: "
			"apply or cancel it first", (long long)other);
		goto fail;
	}
	struct stock_count *c;
	if (count_header(db, a, id, &c, e) < 0)
		goto fail;
	json_t *after = count_to_json(c);
	rc = audit_commit(db, who, "create", "stock_count", id, c->store_id, NULL, after, e);
	if (rc < 0)
		goto fail;
	*out = c;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

static const char SQL_COUNT_TOUCH[] =
	"UPDATE stock_counts SET updated_at = ? WHERE id = ? AND status = 'open'";
static const char SQL_PRODUCT_BY_BARCODE[] = "SELECT id FROM products WHERE barcode = ?";
static const char SQL_LINE_EXISTS[] =
	"SELECT 1 FROM stock_count_lines WHERE count_id = ? AND product_id = ?";
/* Row when the product exists: in the count's scope (1/0), its cost. */
static const char SQL_PRODUCT_SCOPE[] =
	SUBTREE
	"SELECT CASE WHEN CAST(? AS BIGINT) IS NULL OR p.category_id IN (SELECT id FROM sub) "
	"THEN 1 ELSE 0 END, p.cost FROM products p WHERE p.id = ?";
static const char SQL_OPEN_ELSEWHERE[] =
	"SELECT c.id FROM stock_count_lines l JOIN stock_counts c ON c.id = l.count_id "
	"WHERE c.store_id = ? AND c.status = 'open' AND c.id <> ? AND l.product_id = ? "
	"ORDER BY c.id LIMIT 1";
/* The balance at the snapshot: the moves up to snapshot_move_id. */
static const char SQL_BALANCE_AT[] =
	"SELECT COALESCE(SUM(quantity), 0) FROM stock_moves "
	"WHERE store_id = ? AND product_id = ? AND id <= ?";
static const char SQL_LINE_INSERT[] =
	"INSERT INTO stock_count_lines (count_id, product_id, expected, unit_cost) "
	"VALUES (?, ?, ?, ?)";
static const char SQL_LINE_ADD[] =
	"UPDATE stock_count_lines SET counted = COALESCE(counted, 0) + ? "
	"WHERE count_id = ? AND product_id = ? AND COALESCE(counted, 0) + ? <= ?";
static const char SQL_LINE_SET[] =
	"UPDATE stock_count_lines SET counted = ? WHERE count_id = ? AND product_id = ?";

/* Finds entry i's product in count c, adding an in-scope product that had no
 * line. *pid = 0 when the entry is refused (its field noted). */
static int resolve_entry(struct db *db, const struct stock_count *c,
			 const struct count_entry *en, int i, int64_t *pid,
			 struct err *e)
{
	char f[48];
	const char *field = en->barcode ? "barcode" : "product_id";
	int64_t id = en->product_id;
	int rc;
	*pid = 0;
	line_field(f, sizeof f, i, field);
	if (en->barcode) {
		rc = db_int(db_query(db, e, SQL_PRODUCT_BY_BARCODE, "t", en->barcode), &id, e);
		if (rc < 0)
			return rc;
		if (!rc) {
			err_field(e, f, "no product has this barcode");
			return 0;
		}
	} else if (id <= 0) {
		return 0; /* noted by the caller */
	}
	int64_t one;
	rc = db_int(db_query(db, e, SQL_LINE_EXISTS, "ii", c->id, id), &one, e);
	if (rc < 0)
		return rc;
	if (rc) {
		*pid = id;
		return 0;
	}
	struct db_stmt *st = db_query(db, e, SQL_PRODUCT_SCOPE, "III", c->category_id,
				      c->category_id, id);
	if (!st)
		return db_fail(e);
	rc = db_step(st, e);
	int in_scope = rc == DB_ROW && db_col_int64(st, 0) == 1;
	int64_t cost = rc == DB_ROW && !db_col_null(st, 1) ? db_col_int64(st, 1) : -1;
	db_reset(st);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE) {
		err_field(e, f, "no such product");
		return 0;
	}
	if (!in_scope) {
		err_field(e, f, "is not in this count (outside its category)");
		return 0;
	}
	int64_t other;
	rc = db_int(db_query(db, e, SQL_OPEN_ELSEWHERE, "iii", c->store_id, c->id, id),
		       &other, e);
	if (rc < 0)
		return rc;
	if (rc) {
		err_field(e, f, "is being counted in open stock count %lld", (long long)other);
		return 0;
	}
	int64_t expected;
	rc = db_int(db_query(db, e, SQL_BALANCE_AT, "iii", c->store_id, id,
				c->snapshot_move_id), &expected, e);
	if (rc < 0)
		return rc;
	st = db_prepare(db, SQL_LINE_INSERT, e);
	if (!st)
		return db_fail(e);
	db_bind_int64(st, 1, c->id);
	db_bind_int64(st, 2, id);
	db_bind_int64(st, 3, expected);
	if (cost >= 0)
		db_bind_int64(st, 4, cost);
	else
		db_bind_null(st, 4);
	if ((rc = db_run(st, e)) < 0)
		return rc;
	*pid = id;
	return 0;
}

int count_add_lines(struct db *db, struct arena *a, const struct actor *who,
		    int64_t id, const struct count_entry *entries, int n,
		    int set_mode, struct stock_count **out, struct err *e)
{
	char f[48];
	struct stock_count *c;
	if (n <= 0)
		err_field(e, "lines", "must have at least one line");
	else if (n > COUNT_MAX_BATCH)
		err_field(e, "lines", "must have at most %d lines", COUNT_MAX_BATCH);
	if (n > COUNT_MAX_BATCH)
		n = 0;
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	if (count_open(db, a, who, id, "scan", &c, e) < 0 ||
	    db_run(db_query(db, e, SQL_COUNT_TOUCH, "ii", ts_now_ms(), id), e) < 0)
		goto fail;

	/* Resolve every entry, then add up per product in order of first
	 * appearance. */
	int64_t *pids = arena_calloc(a, (size_t)n + 1, sizeof *pids);
	int64_t *sums = arena_calloc(a, (size_t)n + 1, sizeof *sums);
	int *first = arena_calloc(a, (size_t)n + 1, sizeof *first);
	int np = 0;
	for (int i = 0; i < n; i++) {
		const struct count_entry *en = &entries[i];
		if ((rc = resolve_entry(db, c, en, i, &pids[i], e)) < 0)
			goto fail;
		if (en->quantity < 0)
			err_field(e, line_field(f, sizeof f, i, "quantity"), "must be at least 0");
		if (!pids[i] || en->quantity < 0)
			continue;
		int k = 0;
		while (k < np && pids[first[k]] != pids[i])
			k++;
		if (k == np)
			first[np++] = i;
		sums[k] += en->quantity;
		if (sums[k] > QTY_MAX)
			err_field(e, line_field(f, sizeof f, i, "quantity"), "adds up to too much");
	}
	if (err_fields_done(e) < 0)
		goto fail;

	json_t *done = json_array();
	c->lines = arena_calloc(a, (size_t)np + 1, sizeof *c->lines);
	c->nlines = 0;
	for (int k = 0; k < np; k++) {
		int64_t pid = pids[first[k]];
		struct db_stmt *st =
			set_mode ? db_query(db, e, SQL_LINE_SET, "iii", sums[k], id, pid)
				 : db_query(db, e, SQL_LINE_ADD, "iiiii", sums[k], id, pid,
					    sums[k], QTY_MAX);
		if (!st || db_run(st, e) < 0) {
			json_decref(done);
			goto fail;
		}
		if (db_changes(st) != 1)
			err_field(e, line_field(f, sizeof f, first[k], "quantity"),
				  "makes the counted quantity too large");
		st = db_query(db, e, SQL_COUNT_LINE, "ii", id, pid);
		if (!st || (rc = db_step(st, e)) != DB_ROW) {
			json_decref(done);
			goto fail;
		}
		line_from_row(st, a, &c->lines[c->nlines++]);
		db_reset(st);
		json_array_append_new(done, json_pack("{s:I,s:o,s:o}", "product_id", (json_int_t)pid,
						      "quantity", jx_qty_value(sums[k]),
						      "counted", jx_qty_value(c->lines[c->nlines - 1].counted)));
	}
	if (err_fields_done(e) < 0) {
		json_decref(done);
		goto fail;
	}
	json_t *d = json_pack("{s:s,s:o}", "mode", set_mode ? "set" : "add", "lines", done);
	rc = audit_add(db, who, "count_lines", "stock_count", id, c->store_id, NULL, d, e);
	json_decref(d);
	if (rc < 0)
		goto fail;
	struct stock_count *h;
	if (count_header(db, a, id, &h, e) < 0)
		goto fail;
	h->lines = c->lines;
	h->nlines = c->nlines;
	if (db_commit(db, e) < 0)
		goto fail;
	*out = h;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

static const char SQL_COUNT_APPLY[] =
	"UPDATE stock_counts SET status = 'applied', applied_at = ?, updated_at = ? "
	"WHERE id = ? AND status = 'open'";
static const char SQL_COUNT_CANCEL[] =
	"UPDATE stock_counts SET status = 'cancelled', cancelled_at = ?, updated_at = ? "
	"WHERE id = ? AND status = 'open'";
static const char SQL_VARIANCES[] =
	"SELECT product_id, expected, counted, unit_cost FROM stock_count_lines "
	"WHERE count_id = ? AND counted IS NOT NULL AND counted <> expected ORDER BY product_id";
static const char SQL_UNCOUNTED[] =
	"SELECT COUNT(*) FROM stock_count_lines WHERE count_id = ? AND counted IS NULL";

int count_apply(struct db *db, struct arena *a, const struct actor *who,
		int64_t id, struct stock_count **out, int64_t *moves,
		int64_t *uncounted, struct err *e)
{
	struct stock_count *c, *after;
	int64_t now = ts_now_ms(), nmoves = 0, nunc = 0;
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	if (count_open(db, a, who, id, "apply", &c, e) < 0 ||
	    db_run(db_query(db, e, SQL_COUNT_APPLY, "iii", now, now, id), e) < 0)
		goto fail;

	/* Read the variances first: the moves below use other statements. */
	struct db_stmt *st = db_query(db, e, SQL_VARIANCES, "i", id);
	if (!st)
		goto fail;
	struct page pg;
	page_init_all(&pg, a, sizeof(struct count_line));
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		struct count_line *l = page_add(&pg);
		l->product_id = db_col_int64(st, 0);
		l->expected = db_col_int64(st, 1);
		l->counted = db_col_int64(st, 2);
		l->unit_cost = db_col_null(st, 3) ? -1 : db_col_int64(st, 3);
	}
	if (page_end(&pg, st, rc) < 0)
		goto fail;
	const struct count_line *v = pg.rows;
	int n = pg.n;
	for (int i = 0; i < n; i++) {
		struct stock_move_input mi = {
			.store_id = c->store_id, .product_id = v[i].product_id,
			.quantity = v[i].counted - v[i].expected, .kind = "count",
			.doc_type = "count", .doc_id = id, .unit_cost = v[i].unit_cost,
			.negative = STOCK_NEG_ALLOW};
		if (stock_move_add(db, who, &mi, NULL, NULL, e) < 0)
			goto fail;
		nmoves++;
	}
	if (db_int(db_query(db, e, SQL_UNCOUNTED, "i", id), &nunc, e) < 0)
		goto fail;
	if (count_header(db, a, id, &after, e) < 0)
		goto fail;
	json_t *b = count_to_json(c), *af = count_to_json(after);
	json_object_set_new(af, "moves", json_integer(nmoves));
	json_object_set_new(af, "uncounted", json_integer(nunc));
	rc = audit_commit(db, who, "apply", "stock_count", id, c->store_id, b, af, e);
	if (rc < 0)
		goto fail;
	if (count_load_lines(db, a, after, e) < 0)
		return db_fail(e);
	after->with_totals = 1;
	*out = after;
	if (moves)
		*moves = nmoves;
	if (uncounted)
		*uncounted = nunc;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

int count_cancel(struct db *db, struct arena *a, const struct actor *who,
		 int64_t id, struct stock_count **out, struct err *e)
{
	struct stock_count *c, *after;
	int64_t now = ts_now_ms();
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	if (count_open(db, a, who, id, "cancel", &c, e) < 0 ||
	    db_run(db_query(db, e, SQL_COUNT_CANCEL, "iii", now, now, id), e) < 0)
		goto fail;
	if (count_header(db, a, id, &after, e) < 0)
		goto fail;
	json_t *b = count_to_json(c), *af = count_to_json(after);
	rc = audit_commit(db, who, "cancel", "stock_count", id, c->store_id, b, af, e);
	if (rc < 0)
		goto fail;
	*out = after;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}
