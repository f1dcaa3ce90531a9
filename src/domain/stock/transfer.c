/* transfer.c: transfers between stores and their stock moves: transfer_out at
 * the source on ship; on receive, transfer_in of what was shipped at the
 * destination and a transfer_loss move for what did not arrive, which also
 * stays on the line (received < shipped) and is reported. */
#include "domain/stock/transfer.h"

#include <stdio.h>
#include <string.h>

#include "base/jx.h"
#include "base/money.h"
#include "base/timeutil.h"
#include "db/page.h"
#include "domain/org/doc_state.h"
#include "domain/org/audit.h"
#include "domain/stock/stock.h"

const char *const transfer_statuses[] = {"draft", "shipped", "received", "closed",
					 "cancelled", NULL};

/* Store scoping for the acting user; the system (no user) sees everything. */
/* "lines[i].name" into buf. */
static const char *line_field(char *buf, size_t n, int i, const char *name)
{
	snprintf(buf, n, "lines[%d].%s", i, name);
	return buf;
}

#define TRANSFER_COLS                                                          \
	"id, from_store_id, to_store_id, status, note, created_by, created_at, " \
	"shipped_at, received_at, closed_at, cancelled_at, updated_at"

static struct transfer *transfer_from_row(struct db_stmt *st, struct arena *a)
{
	struct transfer *t = arena_alloc(a, sizeof *t);
	t->id = db_col_int64(st, 0);
	t->from_store_id = db_col_int64(st, 1);
	t->to_store_id = db_col_int64(st, 2);
	t->status = arena_strdup(a, db_col_text(st, 3));
	t->note = arena_strdup(a, db_col_text(st, 4));
	t->created_by = db_col_int64(st, 5);
	t->created_at = db_col_int64(st, 6);
	t->shipped_at = db_col_int64(st, 7);
	t->received_at = db_col_int64(st, 8);
	t->closed_at = db_col_int64(st, 9);
	t->cancelled_at = db_col_int64(st, 10);
	t->updated_at = db_col_int64(st, 11);
	return t;
}

static json_t *opt_int(int64_t v)
{
	return v >= 0 ? json_integer((json_int_t)v) : json_null();
}

static json_t *opt_qty(int64_t v)
{
	return v >= 0 ? jx_qty_value(v) : json_null();
}

json_t *transfer_to_json(const struct transfer *t)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(t->id));
	json_object_set_new(o, "from_store_id", json_integer(t->from_store_id));
	json_object_set_new(o, "to_store_id", json_integer(t->to_store_id));
	json_object_set_new(o, "status", jx_strn(t->status));
	json_object_set_new(o, "note", jx_strn(t->note));
	if (t->lines) {
		json_t *lines = json_array();
		for (int i = 0; i < t->nlines; i++) {
			const struct transfer_line *l = &t->lines[i];
			json_t *lo = json_object();
			json_object_set_new(lo, "id", json_integer(l->id));
			json_object_set_new(lo, "product_id", json_integer(l->product_id));
			json_object_set_new(lo, "quantity", jx_qty_value(l->quantity));
			json_object_set_new(lo, "received_quantity", opt_qty(l->received_quantity));
			json_object_set_new(lo, "unit_cost", opt_int(l->unit_cost));
			json_object_set_new(lo, "discrepancy",
					    l->received_quantity >= 0
						    ? jx_qty_value(l->quantity - l->received_quantity)
						    : json_null());
			json_array_append_new(lines, lo);
		}
		json_object_set_new(o, "lines", lines);
	} else {
		json_object_set_new(o, "line_count", json_integer(t->line_count));
	}
	json_object_set_new(o, "created_by",
			    t->created_by ? json_integer(t->created_by) : json_null());
	json_object_set_new(o, "created_at", jx_time(t->created_at));
	json_object_set_new(o, "shipped_at", jx_time(t->shipped_at));
	json_object_set_new(o, "received_at", jx_time(t->received_at));
	json_object_set_new(o, "closed_at", jx_time(t->closed_at));
	json_object_set_new(o, "cancelled_at", jx_time(t->cancelled_at));
	return o;
}

static const char SQL_TRANSFER_GET[] =
	"SELECT " TRANSFER_COLS " FROM transfers WHERE id = ?";
static const char SQL_TRANSFER_LINES[] =
	"SELECT id, product_id, quantity, received_quantity, unit_cost "
	"FROM transfer_lines WHERE transfer_id = ? ORDER BY id";

/* The transfer with its lines; ERR_NOT_FOUND if absent (no scoping). */
static int transfer_load(struct db *db, struct arena *a, int64_t id,
			 struct transfer **out, struct err *e)
{
	struct db_stmt *st = db_query(db, e, SQL_TRANSFER_GET, "i", id);
	int rc = db_get_row(st, "transfer", id, e);
	if (rc < 0)
		return rc;
	struct transfer *t = transfer_from_row(st, a);
	db_reset(st);

	st = db_query(db, e, SQL_TRANSFER_LINES, "i", id);
	if (!st)
		return db_fail(e);
	struct page pg;
	page_init_all(&pg, a, sizeof *t->lines);
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		struct transfer_line *l = page_add(&pg);
		l->id = db_col_int64(st, 0);
		l->product_id = db_col_int64(st, 1);
		l->quantity = db_col_int64(st, 2);
		l->received_quantity = db_col_null(st, 3) ? -1 : db_col_int64(st, 3);
		l->unit_cost = db_col_null(st, 4) ? -1 : db_col_int64(st, 4);
	}
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	/* Loaded, even when empty: transfer_to_json shows the lines then. */
	t->lines = pg.rows ? pg.rows : arena_calloc(a, 1, sizeof *t->lines);
	t->nlines = pg.n;
	t->line_count = pg.n;
	*out = t;
	return 0;
}

int transfer_get(struct db *db, struct arena *a, const struct actor *who,
		 int64_t id, struct transfer **out, struct err *e)
{
	struct transfer *t;
	int rc = transfer_load(db, a, id, &t, e);
	if (rc < 0)
		return rc;
	if (!actor_sees_store(who, t->from_store_id) && !actor_sees_store(who, t->to_store_id))
		return err_set(e, ERR_NOT_FOUND, "no transfer %lld", (long long)id);
	*out = t;
	return 0;
}

static const char SQL_TRANSFER_LIST[] =
	"SELECT " TRANSFER_COLS ", "
	"(SELECT COUNT(*) FROM transfer_lines l WHERE l.transfer_id = t.id) "
	"FROM transfers t WHERE t.id > ? "
	"AND (CAST(? AS BIGINT) IS NULL OR t.from_store_id = ? OR t.to_store_id = ?) "
	"AND (CAST(? AS TEXT) IS NULL OR t.status = ?) "
	"AND (? = 0 OR t.from_store_id IN (SELECT store_id FROM user_stores WHERE user_id = ?) "
	"     OR t.to_store_id IN (SELECT store_id FROM user_stores WHERE user_id = ?)) "
	"ORDER BY t.id LIMIT ?";

int transfer_list(struct db *db, struct arena *a, const struct user *u,
		  const struct transfer_filter *f, struct transfer ***out,
		  int *n, int *more, struct err *e)
{
	int limit = f->limit > 0 ? f->limit : 50;
	int64_t scoped = u && (u->role & ROLE_STORE_BOUND) ? 1 : 0;
	int64_t uid = u ? u->id : 0;
	struct page pg;
	page_init(&pg, a, limit, sizeof(struct transfer *));
	struct db_stmt *st = db_query(db, e, SQL_TRANSFER_LIST, "iIIIttiiii", f->after_id,
				      f->store_id, f->store_id, f->store_id, f->status,
				      f->status, scoped, uid, uid, page_fetch(&pg));
	if (!st)
		return db_fail(e);
	int rc;
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		struct transfer *t = transfer_from_row(st, a);
		t->line_count = db_col_int64(st, 12);
		*(struct transfer **)page_add(&pg) = t;
	}
	rc = page_end(&pg, st, rc);
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	return rc;
}

static const char SQL_TRANSFER_LOCK[] =
	"UPDATE transfers SET status = status WHERE id = ? "
	"RETURNING status, from_store_id, to_store_id";

/* The steps of a transfer: the source ships or cancels a draft, the
 * destination receives, either side closes. */
static const struct doc_step TRANSFER_STEPS[] = {
	{"ship", "shipped", {"draft"}, DOC_FIRST},
	{"receive", "received", {"shipped"}, DOC_SECOND},
	{"close", "closed", {"received"}, DOC_EITHER},
	{"cancel", "cancelled", {"draft"}, DOC_FIRST},
	{NULL, NULL, {NULL}, DOC_EITHER},
};
static const struct doc_flow TRANSFER_FLOW = {
	"transfer", SQL_TRANSFER_LOCK, {"source", "destination"}, TRANSFER_STEPS};

/* Opens transfer id for `action` (doc_open) and loads it. */
static int transfer_open(struct db *db, struct arena *a, const struct actor *who,
			 int64_t id, const char *action, struct transfer **out,
			 struct err *e)
{
	struct doc_ref ref;
	int rc = doc_open(db, &TRANSFER_FLOW, action, who, id, &ref, e);
	return rc < 0 ? rc : transfer_load(db, a, id, out, e);
}

/* Runs one status UPDATE (params: now, now, id) of a transfer opened by
 * transfer_open. */
static int transition(struct db *db, const char *sql, int64_t id, struct err *e)
{
	int64_t now = ts_now_ms();
	return db_run(db_query(db, e, sql, "iii", now, now, id), e);
}

static const char SQL_STORE_EXISTS[] = "SELECT 1 FROM stores WHERE id = ?";
static const char SQL_PRODUCT_EXISTS[] = "SELECT 1 FROM products WHERE id = ?";

static const char SQL_TRANSFER_INSERT[] =
	"INSERT INTO transfers (from_store_id, to_store_id, status, note, created_by, "
	"created_at, updated_at) VALUES (?, ?, 'draft', ?, ?, ?, ?) RETURNING id";
static const char SQL_LINE_INSERT[] =
	"INSERT INTO transfer_lines (transfer_id, product_id, quantity) VALUES (?, ?, ?)";

int transfer_create(struct db *db, struct arena *a, const struct actor *who,
		    const struct transfer_input *in, struct transfer **out,
		    struct err *e)
{
	char f[48];
	if (in->from_store_id > 0 && !actor_sees_store(who, in->from_store_id))
		return err_set(e, ERR_FORBIDDEN,
			       "store %lld is not one of yours: transfers are created by the source store",
			       (long long)in->from_store_id);
	if (in->from_store_id <= 0)
		err_field(e, "from_store_id", "is required");
	if (in->to_store_id <= 0)
		err_field(e, "to_store_id", "is required");
	else if (in->to_store_id == in->from_store_id)
		err_field(e, "to_store_id", "must differ from from_store_id");
	if (in->nlines <= 0)
		err_field(e, "lines", "must have at least one line");
	else if (in->nlines > TRANSFER_MAX_LINES)
		err_field(e, "lines", "must have at most %d lines", TRANSFER_MAX_LINES);
	int nl = in->nlines > TRANSFER_MAX_LINES ? 0 : in->nlines;
	for (int i = 0; i < nl; i++) {
		const struct transfer_line_input *l = &in->lines[i];
		if (l->product_id <= 0)
			err_field(e, line_field(f, sizeof f, i, "product_id"), "is required");
		for (int j = 0; j < i && l->product_id > 0; j++)
			if (in->lines[j].product_id == l->product_id) {
				err_field(e, line_field(f, sizeof f, i, "product_id"),
					  "appears twice (also lines[%d])", j);
				break;
			}
		if (l->quantity <= 0)
			err_field(e, line_field(f, sizeof f, i, "quantity"),
				  "must be greater than 0");
		else if (l->quantity > QTY_MAX)
			err_field(e, line_field(f, sizeof f, i, "quantity"), "is too large");
	}

	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	if (in->from_store_id > 0) {
		if ((rc = db_exists(db_query(db, e, SQL_STORE_EXISTS, "i", in->from_store_id), e)) < 0)
			goto fail;
		if (!rc)
			err_field(e, "from_store_id", "no such store");
	}
	if (in->to_store_id > 0 && in->to_store_id != in->from_store_id) {
		if ((rc = db_exists(db_query(db, e, SQL_STORE_EXISTS, "i", in->to_store_id), e)) < 0)
			goto fail;
		if (!rc)
			err_field(e, "to_store_id", "no such store");
	}
	for (int i = 0; i < nl; i++) {
		if (in->lines[i].product_id <= 0)
			continue;
		if ((rc = db_exists(db_query(db, e, SQL_PRODUCT_EXISTS, "i", in->lines[i].product_id), e)) < 0)
			goto fail;
		if (!rc)
			err_field(e, line_field(f, sizeof f, i, "product_id"), "no such product");
	}
	if (err_fields_done(e) < 0)
		goto fail;

	int64_t now = ts_now_ms();
	struct db_stmt *st = db_query(db, e, SQL_TRANSFER_INSERT, "iitIii", in->from_store_id,
				      in->to_store_id, in->note,
				      who && who->user ? who->user->id : 0, now, now);
	if (!st || db_step(st, e) != DB_ROW)
		goto fail;
	int64_t id = db_col_int64(st, 0);
	db_reset(st);
	for (int i = 0; i < nl; i++) {
		st = db_query(db, e, SQL_LINE_INSERT, "iii", id, in->lines[i].product_id,
			      in->lines[i].quantity);
		if (!st || db_run(st, e) < 0)
			goto fail;
	}
	struct transfer *t;
	if (transfer_load(db, a, id, &t, e) < 0)
		goto fail;
	json_t *after = transfer_to_json(t);
	rc = audit_commit(db, who, "create", "transfer", id, t->from_store_id, NULL, after, e);
	if (rc < 0)
		goto fail;
	*out = t;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

/* Audit row for a status change, then commit, then *out = the new state. */
static int finish(struct db *db, struct arena *a, const struct actor *who,
		  const char *action, const struct transfer *before,
		  int64_t store_id, struct transfer **out, struct err *e)
{
	struct transfer *t;
	if (transfer_load(db, a, before->id, &t, e) < 0)
		return db_fail(e);
	json_t *b = transfer_to_json(before), *af = transfer_to_json(t);
	int rc = audit_commit(db, who, action, "transfer", t->id, store_id, b, af, e);
	if (rc < 0)
		return db_fail(e);
	*out = t;
	return 0;
}

static const char SQL_SHIP[] =
	"UPDATE transfers SET status = 'shipped', shipped_at = ?, updated_at = ? "
	"WHERE id = ? AND status = 'draft'";
static const char SQL_PRODUCT_COST[] = "SELECT cost FROM products WHERE id = ?";
static const char SQL_LINE_COST[] = "UPDATE transfer_lines SET unit_cost = ? WHERE id = ?";

/* The product's current cost, -1 when unknown. */
static int product_cost(struct db *db, int64_t product_id, int64_t *out, struct err *e)
{
	struct db_stmt *st = db_query(db, e, SQL_PRODUCT_COST, "i", product_id);
	if (!st)
		return db_fail(e);
	int rc = db_step(st, e);
	*out = rc == DB_ROW && !db_col_null(st, 0) ? db_col_int64(st, 0) : -1;
	db_reset(st);
	return rc < 0 ? rc : 0;
}

static int line_set_cost(struct db *db, int64_t line_id, int64_t cost, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_LINE_COST, e);
	if (!st)
		return db_fail(e);
	if (cost >= 0)
		db_bind_int64(st, 1, cost);
	else
		db_bind_null(st, 1);
	db_bind_int64(st, 2, line_id);
	return db_run(st, e);
}

int transfer_ship(struct db *db, struct arena *a, const struct actor *who,
		  int64_t id, struct transfer **out, struct err *e)
{
	char f[48];
	struct transfer *t;
	struct err *tmp = arena_alloc(a, sizeof *tmp);
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	if (transfer_open(db, a, who, id, "ship", &t, e) < 0 ||
	    transition(db, SQL_SHIP, id, e) < 0)
		goto fail;
	int nshort = 0;
	char first[sizeof tmp->msg] = "";
	/* Balance rows in product order (stock.h: lock order). */
	int *order = arena_calloc(a, (size_t)t->nlines + 1, sizeof *order);
	if (t->nlines)
		stock_order_by_product(&t->lines[0].product_id, sizeof t->lines[0], t->nlines, order);
	for (int j = 0; j < t->nlines; j++) {
		int i = order[j];
		const struct transfer_line *l = &t->lines[i];
		int64_t cost;
		if (product_cost(db, l->product_id, &cost, e) < 0 ||
		    line_set_cost(db, l->id, cost, e) < 0) {
			if (nshort)
				break;
			goto fail;
		}
		struct stock_move_input mi = {
			.store_id = t->from_store_id, .product_id = l->product_id,
			.quantity = -l->quantity, .kind = "transfer_out",
			.doc_type = "transfer", .doc_id = id, .unit_cost = cost,
			.negative = STOCK_NEG_STORE};
		err_init(tmp);
		rc = stock_move_add(db, who, &mi, NULL, NULL, tmp);
		if (rc == ERR_INSUFFICIENT_STOCK) {
			err_field(e, line_field(f, sizeof f, i, "quantity"), "%s", tmp->msg);
			if (!nshort++)
				snprintf(first, sizeof first, "%s", tmp->msg);
			continue;
		}
		if (rc < 0) {
			if (nshort)
				break;
			*e = *tmp;
			goto fail;
		}
	}
	if (nshort) {
		if (nshort == 1)
			err_set(e, ERR_INSUFFICIENT_STOCK, "%s", first);
		else
			err_set(e, ERR_INSUFFICIENT_STOCK,
				"%d lines lack stock at the source store; first: %s", nshort, first);
		goto fail;
	}
	if (finish(db, a, who, "ship", t, t->from_store_id, out, e) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

static const char SQL_RECEIVE[] =
	"UPDATE transfers SET status = 'received', received_at = ?, updated_at = ? "
	"WHERE id = ? AND status = 'shipped'";
static const char SQL_LINE_RECEIVED[] =
	"UPDATE transfer_lines SET received_quantity = ? WHERE id = ?";

int transfer_receive(struct db *db, struct arena *a, const struct actor *who,
		     int64_t id, const struct transfer_receipt_line *lines,
		     int n, struct transfer **out, struct err *e)
{
	char f[48];
	struct transfer *t;
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	if (transfer_open(db, a, who, id, "receive", &t, e) < 0 ||
	    transition(db, SQL_RECEIVE, id, e) < 0)
		goto fail;

	/* What arrived per line: as shipped unless the receipt says otherwise. */
	int64_t *got = arena_calloc(a, (size_t)t->nlines + 1, sizeof *got);
	int *named = arena_calloc(a, (size_t)t->nlines + 1, sizeof *named);
	for (int k = 0; k < t->nlines; k++)
		got[k] = t->lines[k].quantity;
	for (int i = 0; lines && i < n; i++) {
		int k = 0;
		while (k < t->nlines && t->lines[k].id != lines[i].line_id)
			k++;
		if (lines[i].line_id <= 0) {
			err_field(e, line_field(f, sizeof f, i, "line_id"), "is required");
			continue;
		}
		if (k == t->nlines) {
			err_field(e, line_field(f, sizeof f, i, "line_id"),
				  "is not a line of transfer %lld", (long long)id);
			continue;
		}
		if (named[k]) {
			err_field(e, line_field(f, sizeof f, i, "line_id"),
				  "appears twice (also lines[%d])", named[k] - 1);
			continue;
		}
		named[k] = i + 1;
		int64_t q = lines[i].quantity;
		if (q < 0) {
			err_field(e, line_field(f, sizeof f, i, "quantity"), "must be at least 0");
		} else if (q > t->lines[k].quantity) {
			char shipped[32];
			qty_format(t->lines[k].quantity, shipped, sizeof shipped);
			err_field(e, line_field(f, sizeof f, i, "quantity"),
				  "is more than the %s shipped", shipped);
		} else {
			got[k] = q;
		}
	}
	if (err_fields_done(e) < 0)
		goto fail;

	json_t *short_lines = json_array();
	/* Balance rows in product order (stock.h: lock order). */
	int *order = arena_calloc(a, (size_t)t->nlines + 1, sizeof *order);
	if (t->nlines)
		stock_order_by_product(&t->lines[0].product_id, sizeof t->lines[0], t->nlines, order);
	for (int j = 0; j < t->nlines; j++) {
		int k = order[j];
		const struct transfer_line *l = &t->lines[k];
		struct db_stmt *st = db_query(db, e, SQL_LINE_RECEIVED, "ii", got[k], l->id);
		if (!st || db_run(st, e) < 0) {
			json_decref(short_lines);
			goto fail;
		}
		/* What was shipped comes in, and what did not arrive goes out again
		 * as its own move kind: the loss stays visible in the ledger. */
		struct stock_move_input mi = {
			.store_id = t->to_store_id, .product_id = l->product_id,
			.quantity = l->quantity, .kind = "transfer_in",
			.doc_type = "transfer", .doc_id = id,
			.unit_cost = l->unit_cost, .negative = STOCK_NEG_STORE};
		if (stock_move_add(db, who, &mi, NULL, NULL, e) < 0) {
			json_decref(short_lines);
			goto fail;
		}
		if (got[k] < l->quantity) {
			mi.quantity = got[k] - l->quantity;
			mi.kind = "transfer_loss";
			mi.negative = STOCK_NEG_ALLOW;
			if (stock_move_add(db, who, &mi, NULL, NULL, e) < 0) {
				json_decref(short_lines);
				goto fail;
			}
		}
		if (got[k] < l->quantity)
			json_array_append_new(short_lines, json_pack(
				"{s:I,s:I,s:o,s:o,s:o,s:o}", "line_id", (json_int_t)l->id,
				"product_id", (json_int_t)l->product_id,
				"quantity", jx_qty_value(l->quantity),
				"received_quantity", jx_qty_value(got[k]),
				"discrepancy", jx_qty_value(l->quantity - got[k]),
				"unit_cost", opt_int(l->unit_cost)));
	}
	if (json_array_size(short_lines)) {
		json_t *d = json_pack("{s:I,s:I,s:I,s:o}", "transfer_id", (json_int_t)id,
				      "from_store_id", (json_int_t)t->from_store_id,
				      "to_store_id", (json_int_t)t->to_store_id,
				      "lines", short_lines);
		rc = audit_add(db, who, "discrepancy", "transfer", id, t->to_store_id, NULL, d, e);
		json_decref(d);
		if (rc < 0)
			goto fail;
	} else {
		json_decref(short_lines);
	}
	if (finish(db, a, who, "receive", t, t->to_store_id, out, e) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

static const char SQL_CLOSE[] =
	"UPDATE transfers SET status = 'closed', closed_at = ?, updated_at = ? "
	"WHERE id = ? AND status = 'received'";
static const char SQL_CANCEL[] =
	"UPDATE transfers SET status = 'cancelled', cancelled_at = ?, updated_at = ? "
	"WHERE id = ? AND status = 'draft'";

/* A step that moves no stock, in its own write transaction: opens transfer
 * id for action, runs its status UPDATE sql (transition), and audits it at
 * the source store (at_source) or the destination. */
static int plain_step(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		      const char *action, const char *sql, int at_source,
		      struct transfer **out, struct err *e)
{
	struct transfer *t;
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	if (transfer_open(db, a, who, id, action, &t, e) < 0 ||
	    transition(db, sql, id, e) < 0 ||
	    finish(db, a, who, action, t, at_source ? t->from_store_id : t->to_store_id, out,
		   e) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

int transfer_close(struct db *db, struct arena *a, const struct actor *who,
		   int64_t id, struct transfer **out, struct err *e)
{
	return plain_step(db, a, who, id, "close", SQL_CLOSE, 0, out, e);
}

int transfer_cancel(struct db *db, struct arena *a, const struct actor *who,
		    int64_t id, struct transfer **out, struct err *e)
{
	return plain_step(db, a, who, id, "cancel", SQL_CANCEL, 1, out, e);
}

json_t *transfer_discrepancy_to_json(const struct transfer_discrepancy *d)
{
	json_t *o = json_object();
	json_object_set_new(o, "line_id", json_integer(d->line_id));
	json_object_set_new(o, "transfer_id", json_integer(d->transfer_id));
	json_object_set_new(o, "from_store_id", json_integer(d->from_store_id));
	json_object_set_new(o, "to_store_id", json_integer(d->to_store_id));
	json_object_set_new(o, "product_id", json_integer(d->product_id));
	json_object_set_new(o, "sku", jx_strn(d->sku));
	json_object_set_new(o, "name", jx_strn(d->name));
	json_object_set_new(o, "quantity", jx_qty_value(d->quantity));
	json_object_set_new(o, "received_quantity", jx_qty_value(d->received_quantity));
	json_object_set_new(o, "discrepancy", jx_qty_value(d->discrepancy));
	json_object_set_new(o, "unit_cost", opt_int(d->unit_cost));
	json_object_set_new(o, "value", opt_int(d->value));
	json_object_set_new(o, "received_at", jx_time(d->received_at));
	return o;
}

static const char SQL_DISCREPANCIES[] =
	"SELECT l.id, l.transfer_id, t.from_store_id, t.to_store_id, l.product_id, "
	"p.sku, p.name, l.quantity, l.received_quantity, l.unit_cost, t.received_at "
	"FROM transfer_lines l JOIN transfers t ON t.id = l.transfer_id "
	"JOIN products p ON p.id = l.product_id "
	"WHERE l.id > ? AND l.received_quantity IS NOT NULL "
	"AND l.received_quantity < l.quantity "
	"AND (CAST(? AS BIGINT) IS NULL OR t.from_store_id = ? OR t.to_store_id = ?) "
	"AND t.received_at >= ? AND t.received_at < ? "
	"AND (? = 0 OR t.from_store_id IN (SELECT store_id FROM user_stores WHERE user_id = ?) "
	"     OR t.to_store_id IN (SELECT store_id FROM user_stores WHERE user_id = ?)) "
	"ORDER BY l.id LIMIT ?";

int transfer_discrepancies(struct db *db, struct arena *a,
			   const struct user *u,
			   const struct transfer_discrepancy_filter *f,
			   struct transfer_discrepancy **out, int *n,
			   int *more, struct err *e)
{
	int limit = f->limit > 0 ? f->limit : 50;
	int64_t scoped = u && (u->role & ROLE_STORE_BOUND) ? 1 : 0;
	int64_t uid = u ? u->id : 0;
	int64_t to = f->to > 0 ? f->to : INT64_MAX;
	struct page pg;
	page_init(&pg, a, limit, sizeof(struct transfer_discrepancy));
	struct db_stmt *st = db_query(db, e, SQL_DISCREPANCIES, "iIIIiiiiii", f->after_id,
				      f->store_id, f->store_id, f->store_id, f->from, to,
				      scoped, uid, uid, page_fetch(&pg));
	if (!st)
		return db_fail(e);
	int rc;
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		struct transfer_discrepancy *d = page_add(&pg);
		d->line_id = db_col_int64(st, 0);
		d->transfer_id = db_col_int64(st, 1);
		d->from_store_id = db_col_int64(st, 2);
		d->to_store_id = db_col_int64(st, 3);
		d->product_id = db_col_int64(st, 4);
		d->sku = arena_strdup(a, db_col_text(st, 5));
		d->name = arena_strdup(a, db_col_text(st, 6));
		d->quantity = db_col_int64(st, 7);
		d->received_quantity = db_col_int64(st, 8);
		d->unit_cost = db_col_null(st, 9) ? -1 : db_col_int64(st, 9);
		d->received_at = db_col_int64(st, 10);
		d->discrepancy = d->quantity - d->received_quantity;
		d->value = -1;
		if (d->unit_cost >= 0 && money_mul_qty(d->unit_cost, d->discrepancy, &d->value) < 0)
			d->value = -1;
	}
	rc = page_end(&pg, st, rc);
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	return rc;
}
