/* purchase.c: purchase orders (draft, sent, partially received, received,
 * cancelled), their lines and receipts: receipt moves through the stock
 * ledger and the moving-average cost of each received product. */
#include "domain/purchasing/purchase.h"

#include <stdlib.h>
#include <string.h>

#include "base/jx.h"
#include "base/money.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "db/page.h"
#include "domain/org/doc_state.h"
#include "domain/org/audit.h"
#include "domain/stock/stock.h"

const char *const purchase_statuses[] = {
	"draft", "sent", "partially_received", "received", "cancelled", NULL};

#define PO_COLS                                                                \
	"id, supplier_id, store_id, status, expected_at, note, total, created_by," \
	" created_at, sent_at, received_at, cancelled_at, updated_at"

static struct purchase_order *po_from_row(struct db_stmt *st, struct arena *a)
{
	struct purchase_order *po = arena_alloc(a, sizeof *po);

	po->id = db_col_int64(st, 0);
	po->supplier_id = db_col_int64(st, 1);
	po->store_id = db_col_int64(st, 2);
	po->status = arena_strdup(a, db_col_text(st, 3));
	po->expected_at = arena_strdup(a, db_col_text(st, 4));
	po->note = arena_strdup(a, db_col_text(st, 5));
	po->total = db_col_int64(st, 6);
	po->created_by = db_col_int64(st, 7);
	po->created_at = db_col_int64(st, 8);
	po->sent_at = db_col_int64(st, 9);
	po->received_at = db_col_int64(st, 10);
	po->cancelled_at = db_col_int64(st, 11);
	po->updated_at = db_col_int64(st, 12);
	po->nlines = -1;
	return po;
}

static json_t *line_to_json(const struct purchase_line *l)
{
	return json_pack("{s:I,s:I,s:o,s:o,s:I,s:I}", "id", (json_int_t)l->id,
			 "product_id", (json_int_t)l->product_id,
			 "quantity", jx_qty_value(l->quantity),
			 "received_quantity", jx_qty_value(l->received_quantity),
			 "unit_cost", (json_int_t)l->unit_cost,
			 "total", (json_int_t)l->total);
}

json_t *purchase_to_json(const struct purchase_order *po)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(po->id));
	json_object_set_new(o, "supplier_id", json_integer(po->supplier_id));
	json_object_set_new(o, "store_id", json_integer(po->store_id));
	json_object_set_new(o, "status", jx_strn(po->status));
	json_object_set_new(o, "expected_at", jx_strn(po->expected_at));
	json_object_set_new(o, "note", jx_strn(po->note));
	json_object_set_new(o, "total", json_integer(po->total));
	if (po->nlines >= 0) {
		json_t *lines = json_array();

		for (int i = 0; i < po->nlines; i++)
			json_array_append_new(lines, line_to_json(&po->lines[i]));
		json_object_set_new(o, "lines", lines);
	} else {
		json_object_set_new(o, "line_count", json_integer(po->line_count));
	}
	json_object_set_new(o, "created_by",
			    po->created_by ? json_integer(po->created_by) : json_null());
	json_object_set_new(o, "created_at", jx_time(po->created_at));
	json_object_set_new(o, "sent_at", jx_time(po->sent_at));
	json_object_set_new(o, "received_at", jx_time(po->received_at));
	json_object_set_new(o, "cancelled_at", jx_time(po->cancelled_at));
	json_object_set_new(o, "updated_at", jx_time(po->updated_at));
	return o;
}

static const char SQL_PO_GET[] =
	"SELECT " PO_COLS " FROM purchase_orders WHERE id = ?";
static const char SQL_PO_LINES[] =
	"SELECT id, product_id, quantity, received_quantity, unit_cost"
	" FROM purchase_order_lines WHERE order_id = ? ORDER BY id";

/* The order and its lines, unscoped. ERR_NOT_FOUND if absent. */
static int po_load(struct db *db, struct arena *a, int64_t id,
		   struct purchase_order **out, struct err *e)
{
	struct db_stmt *st = db_query(db, e, SQL_PO_GET, "i", id);
	struct purchase_order *po;
	struct page pg;
	int rc;

	if ((rc = db_get_row(st, "purchase order", id, e)) < 0)
		return rc;
	po = po_from_row(st, a);
	db_reset(st);
	if (!(st = db_query(db, e, SQL_PO_LINES, "i", id)))
		return db_fail(e);
	page_init_all(&pg, a, sizeof *po->lines);
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		struct purchase_line *l = page_add(&pg);

		l->id = db_col_int64(st, 0);
		l->product_id = db_col_int64(st, 1);
		l->quantity = db_col_int64(st, 2);
		l->received_quantity = db_col_int64(st, 3);
		l->unit_cost = db_col_int64(st, 4);
		/* Checked when the line was written: cannot overflow. */
		if (money_mul_qty(l->unit_cost, l->quantity, &l->total) < 0)
			l->total = 0;
	}
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	po->lines = pg.rows;
	po->nlines = pg.n;
	po->line_count = po->nlines;
	*out = po;
	return 0;
}

int purchase_get(struct db *db, struct arena *a, const struct actor *who,
		 int64_t id, struct purchase_order **out, struct err *e)
{
	int rc = po_load(db, a, id, out, e);

	if (rc < 0)
		return rc;
	if (!actor_sees_store(who, (*out)->store_id))
		return err_set(e, ERR_NOT_FOUND, "no purchase order %lld", (long long)id);
	return 0;
}

#define PO_LIST_WHERE \
	" AND (? = 0 OR store_id = ?) AND (? = 0 OR supplier_id = ?)" \
	" AND (CAST(? AS TEXT) IS NULL OR status = ?)" \
	" AND (? = 0 OR store_id IN (SELECT store_id FROM user_stores WHERE user_id = ?))"
static const char SQL_PO_LIST[] =
	"SELECT " PO_COLS ", (SELECT COUNT(*) FROM purchase_order_lines l"
	"  WHERE l.order_id = o.id)"
	" FROM purchase_orders o WHERE id > ?" PO_LIST_WHERE
	" ORDER BY id LIMIT ?";
/* Newest first: the cursor is the last id seen, 0 on the first page. */
static const char SQL_PO_LIST_DESC[] =
	"SELECT " PO_COLS ", (SELECT COUNT(*) FROM purchase_order_lines l"
	"  WHERE l.order_id = o.id)"
	" FROM purchase_orders o WHERE (? = 0 OR id < ?)" PO_LIST_WHERE
	" ORDER BY id DESC LIMIT ?";

int purchase_list(struct db *db, struct arena *a, const struct purchase_filter *f,
		  struct purchase_order ***out, int *n, int *more, struct err *e)
{
	int64_t scoped = f->user && (f->user->role & ROLE_STORE_BOUND) ? 1 : 0;
	struct page pg;
	int rc;

	page_init(&pg, a, f->limit, sizeof(struct purchase_order *));
	struct db_stmt *st = f->newest_first
		? db_query(db, e, SQL_PO_LIST_DESC, "iiiiiittiii", f->after_id,
			   f->after_id, f->store_id, f->store_id, f->supplier_id,
			   f->supplier_id, f->status, f->status, scoped,
			   f->user ? f->user->id : 0, page_fetch(&pg))
		: db_query(db, e, SQL_PO_LIST, "iiiiittiii", f->after_id,
			   f->store_id, f->store_id, f->supplier_id,
			   f->supplier_id, f->status, f->status, scoped,
			   f->user ? f->user->id : 0, page_fetch(&pg));
	if (!st)
		return db_fail(e);
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		struct purchase_order *po = po_from_row(st, a);

		po->line_count = db_col_int64(st, 13);
		*(struct purchase_order **)page_add(&pg) = po;
	}
	rc = page_end(&pg, st, rc);
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	return rc;
}

/* ---- writing orders --------------------------------------------------- */

/* The product (active flag, own cost) and its cost from this supplier. */
static const char SQL_LINE_PRODUCT[] =
	"SELECT p.active, p.cost, ps.cost FROM products p"
	" LEFT JOIN product_suppliers ps ON ps.product_id = p.id AND ps.supplier_id = ?"
	" WHERE p.id = ?";

/* Checks the lines (noting lines[i].x fields) and resolves their unit
 * costs into costs[]; *total gets the order total. Returns 0, ERR_FORBIDDEN
 * for a named unit_cost without in->may_name_cost, or a negative db error;
 * field problems are left for err_fields_done. */
static int resolve_lines(struct db *db, struct arena *a, int64_t supplier_id,
			 const struct purchase_input *in, int64_t *costs,
			 int64_t *total, struct err *e)
{
	int64_t sum = 0;
	int overflow = 0;

	if (in->missing_lines)
		return 0;
	if (!in->lines || in->nlines == 0) {
		err_field(e, "lines", "must have at least one line");
		return 0;
	}
	if (in->nlines > PURCHASE_LINES_MAX) {
		err_field(e, "lines", "must have at most %d lines", PURCHASE_LINES_MAX);
		return 0;
	}
	for (int i = 0; i < in->nlines && !in->may_name_cost; i++)
		if (in->lines[i].unit_cost >= 0)
			return err_set(e, ERR_FORBIDDEN,
				       "lines[%d].unit_cost: naming a cost needs the catalog "
				       "permission; leave it out to order at the supplier's cost", i);
	for (int i = 0; i < in->nlines; i++) {
		const struct purchase_line_input *l = &in->lines[i];
		char *fp = arena_printf(a, "lines[%d].product_id", i);
		char *fq = arena_printf(a, "lines[%d].quantity", i);
		char *fc = arena_printf(a, "lines[%d].unit_cost", i);
		int64_t lt;

		costs[i] = -1;
		if (l->quantity <= 0)
			err_field(e, fq, "must be greater than 0");
		if (l->unit_cost > MONEY_MAX)
			err_field(e, fc, "is too large");
		if (l->product_id <= 0) {
			err_field(e, fp, "is required");
			continue;
		}
		for (int j = 0; j < i; j++)
			if (in->lines[j].product_id == l->product_id)
				err_field(e, fp, "appears twice (also lines[%d])", j);
		struct db_stmt *st = db_query(db, e, SQL_LINE_PRODUCT, "ii", supplier_id,
					      l->product_id);
		if (!st)
			return db_fail(e);
		int rc = db_step(st, e);
		if (rc < 0)
			return rc;
		if (rc == DB_DONE) {
			err_field(e, fp, "does not exist");
			continue;
		}
		int active = (int)db_col_int64(st, 0);
		int64_t own = db_col_null(st, 1) ? -1 : db_col_int64(st, 1);
		int64_t link = db_col_null(st, 2) ? -1 : db_col_int64(st, 2);
		db_reset(st);
		if (!active)
			err_field(e, fp, "is inactive");
		costs[i] = l->unit_cost >= 0 ? l->unit_cost : link >= 0 ? link : own;
		if (costs[i] < 0) {
			err_field(e, fc, "is required: the product has no cost from this "
				  "supplier and none of its own");
			continue;
		}
		if (l->quantity <= 0)
			continue;
		if (money_mul_qty(costs[i], l->quantity, &lt) < 0 || lt > MONEY_MAX) {
			err_field(e, arena_printf(a, "lines[%d]", i), "total is too large");
			overflow = 1;
			continue;
		}
		if (money_add(sum, lt, &sum) < 0 || sum > MONEY_MAX)
			overflow = 1;
	}
	if (overflow)
		err_field(e, "total", "is too large (at most %lld)", (long long)MONEY_MAX);
	*total = sum;
	return 0;
}

static const char SQL_LINE_INSERT[] =
	"INSERT INTO purchase_order_lines (order_id, product_id, quantity,"
	" received_quantity, unit_cost) VALUES (?, ?, ?, 0, ?)";

static int insert_lines(struct db *db, int64_t order_id,
			const struct purchase_input *in, const int64_t *costs,
			struct err *e)
{
	for (int i = 0; i < in->nlines; i++)
		if (db_run(db_query(db, e, SQL_LINE_INSERT, "iiii", order_id,
				    in->lines[i].product_id, in->lines[i].quantity,
				    costs[i]), e) < 0)
			return db_fail(e);
	return 0;
}

/* Note and expected day: the checks shared by create and update. */
static void check_text_fields(const struct purchase_input *in, struct err *e)
{
	if (in->note && utf8_chars(in->note) > PURCHASE_NOTE_MAX)
		err_field(e, "note", "must be at most %d characters", PURCHASE_NOTE_MAX);
	if (in->expected_at && !ts_day_valid(in->expected_at))
		err_field(e, "expected_at", "is not a valid date (YYYY-MM-DD)");
}

static const char SQL_STORE_EXISTS[] = "SELECT 1 FROM stores WHERE id = ?";
static const char SQL_SUPPLIER_ACTIVE[] = "SELECT active FROM suppliers WHERE id = ?";
static const char SQL_PO_INSERT[] =
	"INSERT INTO purchase_orders (supplier_id, store_id, status, expected_at,"
	" note, total, created_by, created_at, updated_at)"
	" VALUES (?, ?, 'draft', ?, ?, ?, ?, ?, ?) RETURNING id";

/* Notes `field` unless the one-column query finds a row; for suppliers the
 * column is the active flag. 0 or a negative db error. */
static int check_ref(struct db *db, const char *sql, int64_t id,
		     const char *field, int want_active, struct err *e)
{
	struct db_stmt *st = db_query(db, e, sql, "i", id);
	int rc;

	if (!st)
		return db_fail(e);
	rc = db_step(st, e);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE) {
		err_field(e, field, "does not exist");
		return 0;
	}
	if (want_active && db_col_int64(st, 0) == 0)
		err_field(e, field, "is inactive");
	db_reset(st);
	return 0;
}

int purchase_insert(struct db *db, struct arena *a, const struct actor *who,
		    const struct purchase_input *in, int64_t *id, struct err *e)
{
	int64_t *costs = arena_calloc(a, (size_t)(in->nlines > 0 ? in->nlines : 1),
				      sizeof *costs);
	int64_t total = 0, now = ts_now_ms();
	struct purchase_order *po;
	struct db_stmt *st;
	json_t *after;
	int rc;

	if (in->store_id > 0 && !actor_sees_store(who, in->store_id))
		return err_set(e, ERR_FORBIDDEN, "store %lld is not one of yours",
			       (long long)in->store_id);
	if (in->store_id <= 0)
		err_field(e, "store_id", "is required");
	else if ((rc = check_ref(db, SQL_STORE_EXISTS, in->store_id, "store_id", 0, e)) < 0)
		return rc;
	if (in->supplier_id <= 0)
		err_field(e, "supplier_id", "is required");
	else if ((rc = check_ref(db, SQL_SUPPLIER_ACTIVE, in->supplier_id,
				 "supplier_id", 1, e)) < 0)
		return rc;
	check_text_fields(in, e);
	if ((rc = resolve_lines(db, a, in->supplier_id, in, costs, &total, e)) < 0)
		return rc;
	if (err_fields_done(e))
		return e->code;
	st = db_query(db, e, SQL_PO_INSERT, "iittiIii", in->supplier_id, in->store_id,
		      in->expected_at, text_or_null(in->note), total,
		      who && who->user ? who->user->id : 0, now, now);
	if (!st || db_step(st, e) != DB_ROW)
		return db_fail(e);
	*id = db_col_int64(st, 0);
	db_reset(st);
	if ((rc = insert_lines(db, *id, in, costs, e)) < 0)
		return rc;
	if ((rc = po_load(db, a, *id, &po, e)) < 0)
		return rc;
	after = purchase_to_json(po);
	rc = audit_add(db, who, "create", "purchase_order", *id, po->store_id, NULL,
		       after, e);
	json_decref(after);
	return rc;
}

int purchase_create(struct db *db, struct arena *a, const struct actor *who,
		    const struct purchase_input *in, struct purchase_order **out,
		    struct err *e)
{
	int64_t id;
	int rc;

	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if (purchase_insert(db, a, who, in, &id, e) < 0 ||
	    po_load(db, a, id, out, e) < 0 || db_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

static const char SQL_PO_LOCK[] =
	"UPDATE purchase_orders SET status = status WHERE id = ? "
	"RETURNING status, store_id, store_id";

/* The steps of an order: a draft is changed, sent or cancelled; a sent one
 * is received (in parts) or cancelled. */
static const struct doc_step PO_STEPS[] = {
	{"change", "changed", {"draft"}, DOC_EITHER},
	{"send", "sent", {"draft"}, DOC_EITHER},
	{"cancel", "cancelled", {"draft", "sent"}, DOC_EITHER},
	{"receive", "received", {"sent", "partially_received"}, DOC_EITHER},
	{NULL, NULL, {NULL}, DOC_EITHER},
};
static const struct doc_flow PO_FLOW = {
	"purchase order", SQL_PO_LOCK, {NULL, NULL}, PO_STEPS};

/* Opens order id for `action` (doc_open) and loads it with its lines. */
static int po_open(struct db *db, struct arena *a, const struct actor *who,
		   int64_t id, const char *action, struct purchase_order **out,
		   struct err *e)
{
	struct doc_ref ref;
	int rc = doc_open(db, &PO_FLOW, action, who, id, &ref, e);
	return rc < 0 ? rc : po_load(db, a, id, out, e);
}

static const char SQL_LINES_DELETE[] =
	"DELETE FROM purchase_order_lines WHERE order_id = ?";
static const char SQL_PO_UPDATE[] =
	"UPDATE purchase_orders SET note = ?, expected_at = ?, total = ?, updated_at = ?"
	" WHERE id = ?";

int purchase_update(struct db *db, struct arena *a, const struct actor *who,
		    int64_t id, const struct purchase_input *in,
		    struct purchase_order **out, struct err *e)
{
	int64_t *costs = arena_calloc(a, (size_t)(in->nlines > 0 ? in->nlines : 1),
				      sizeof *costs);
	struct purchase_order *old, *po;
	int64_t total;
	json_t *before, *after;
	int rc;

	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if (po_open(db, a, who, id, "change", &old, e) < 0)
		goto fail;
	check_text_fields(in, e);
	total = old->total;
	if (in->set_lines && resolve_lines(db, a, old->supplier_id, in, costs, &total, e) < 0)
		goto fail;
	if (err_fields_done(e))
		goto fail;
	if (in->set_lines &&
	    (db_run(db_query(db, e, SQL_LINES_DELETE, "i", id), e) < 0 ||
	     insert_lines(db, id, in, costs, e) < 0))
		goto fail;
	if (db_run(db_query(db, e, SQL_PO_UPDATE, "ttiii",
			    in->set_note ? text_or_null(in->note) : old->note,
			    in->set_expected ? in->expected_at : old->expected_at,
			    total, ts_now_ms(), id), e) < 0)
		goto fail;
	if (po_load(db, a, id, &po, e) < 0)
		goto fail;
	before = purchase_to_json(old);
	after = purchase_to_json(po);
	rc = audit_commit(db, who, "update", "purchase_order", id, po->store_id, before,
		       after, e);
	if (rc < 0)
		goto fail;
	*out = po;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

/* One status change: the step `action`, then `sql` (parameters now, now,
 * id), audited; answers the order. */
static int po_transition(struct db *db, struct arena *a, const struct actor *who,
			 int64_t id, const char *sql, const char *action,
			 struct purchase_order **out, struct err *e)
{
	struct purchase_order *old, *po;
	int64_t now = ts_now_ms();
	json_t *before, *after;
	int rc;

	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if (po_open(db, a, who, id, action, &old, e) < 0 ||
	    db_run(db_query(db, e, sql, "iii", now, now, id), e) < 0 ||
	    po_load(db, a, id, &po, e) < 0)
		goto fail;
	before = purchase_to_json(old);
	after = purchase_to_json(po);
	rc = audit_commit(db, who, action, "purchase_order", id, po->store_id, before,
		       after, e);
	if (rc < 0)
		goto fail;
	*out = po;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

static const char SQL_PO_SEND[] =
	"UPDATE purchase_orders SET status = 'sent', sent_at = ?, updated_at = ?"
	" WHERE id = ? AND status = 'draft'";

int purchase_send(struct db *db, struct arena *a, const struct actor *who,
		  int64_t id, struct purchase_order **out, struct err *e)
{
	return po_transition(db, a, who, id, SQL_PO_SEND, "send", out, e);
}

static const char SQL_PO_CANCEL[] =
	"UPDATE purchase_orders SET status = 'cancelled', cancelled_at = ?,"
	" updated_at = ? WHERE id = ? AND status IN ('draft', 'sent')";

int purchase_cancel(struct db *db, struct arena *a, const struct actor *who,
		    int64_t id, struct purchase_order **out, struct err *e)
{
	return po_transition(db, a, who, id, SQL_PO_CANCEL, "cancel", out, e);
}

/* ---- receiving -------------------------------------------------------- */

static const char SQL_LINE_RECEIVE[] =
	"UPDATE purchase_order_lines SET received_quantity = received_quantity + ?"
	" WHERE id = ? AND order_id = ?";
static const char SQL_PO_OPEN_LINES[] =
	"SELECT COUNT(*) FROM purchase_order_lines"
	" WHERE order_id = ? AND received_quantity < quantity";
static const char SQL_PO_SET_RECEIVED[] =
	"UPDATE purchase_orders SET status = ?, received_at = ?, updated_at = ?"
	" WHERE id = ?";

/* One receipt to book: the request line i against order line l. */
struct rcpt {
	int i;
	const struct purchase_line *l;
	int64_t quantity;
};

static int rcpt_by_product(const void *pa, const void *pb)
{
	const struct rcpt *x = pa, *y = pb;

	if (x->l->product_id != y->l->product_id)
		return x->l->product_id < y->l->product_id ? -1 : 1;
	return x->i - y->i;
}

/* Checks the request lines before any database work. */
static void check_receive(struct arena *a, const struct purchase_receive_line *lines,
			  int n, struct err *e)
{
	if (n <= 0) {
		err_field(e, "lines", "must have at least one line");
		return;
	}
	if (n > PURCHASE_LINES_MAX) {
		err_field(e, "lines", "must have at most %d lines", PURCHASE_LINES_MAX);
		return;
	}
	for (int i = 0; i < n; i++) {
		if (lines[i].line_id <= 0)
			err_field(e, arena_printf(a, "lines[%d].line_id", i), "is required");
		if (lines[i].quantity <= 0)
			err_field(e, arena_printf(a, "lines[%d].quantity", i),
				  "must be greater than 0");
		for (int j = 0; j < i && lines[i].line_id > 0; j++)
			if (lines[j].line_id == lines[i].line_id)
				err_field(e, arena_printf(a, "lines[%d].line_id", i),
					  "appears twice (also lines[%d])", j);
	}
}

/* Books one receipt: the move, the moving-average cost, the line. Appends
 * {line_id, product_id, quantity, unit_cost, cost_before, cost_after} to
 * log. */
static int book_receipt(struct db *db, const struct actor *who,
			const struct purchase_order *po, const struct rcpt *r,
			json_t *log, struct err *e)
{
	const struct purchase_line *l = r->l;
	struct stock_move_input mv = {0};
	int64_t old_cost, new_cost;
	int rc;

	mv.store_id = po->store_id;
	mv.product_id = l->product_id;
	mv.quantity = r->quantity;
	mv.kind = "receipt";
	mv.doc_type = "purchase_order";
	mv.doc_id = po->id;
	mv.unit_cost = l->unit_cost;
	mv.negative = STOCK_NEG_STORE;
	if ((rc = stock_move_add(db, who, &mv, NULL, NULL, e)) < 0 ||
	    (rc = stock_receive_cost(db, l->product_id, r->quantity, l->unit_cost, &old_cost,
				     &new_cost, e)) < 0)
		return rc;
	if (db_run(db_query(db, e, SQL_LINE_RECEIVE, "iii", r->quantity, l->id, po->id), e) < 0)
		return db_fail(e);
	json_array_append_new(log, json_pack(
		"{s:I,s:I,s:o,s:I,s:o,s:I}", "line_id", (json_int_t)l->id,
		"product_id", (json_int_t)l->product_id,
		"quantity", jx_qty_value(r->quantity), "unit_cost", (json_int_t)l->unit_cost,
		"cost_before", old_cost >= 0 ? json_integer(old_cost) : json_null(),
		"cost_after", (json_int_t)new_cost));
	return 0;
}

int purchase_receive(struct db *db, struct arena *a, const struct actor *who,
		     int64_t id, const struct purchase_receive_line *lines, int n,
		     int allow_over, struct purchase_order **out, struct err *e)
{
	struct purchase_order *old, *po;
	struct rcpt *rs;
	struct db_stmt *st;
	json_t *log = NULL, *before, *after;
	int64_t now = ts_now_ms(), open;
	int rc, nr = 0;

	check_receive(a, lines, n, e);
	if (err_fields_done(e))
		return e->code;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if (po_open(db, a, who, id, "receive", &old, e) < 0)
		goto fail;
	rs = arena_calloc(a, (size_t)n, sizeof *rs);
	for (int i = 0; i < n; i++) {
		const struct purchase_line *l = NULL;
		int64_t left;

		for (int j = 0; j < old->nlines && !l; j++)
			if (old->lines[j].id == lines[i].line_id)
				l = &old->lines[j];
		if (!l) {
			err_field(e, arena_printf(a, "lines[%d].line_id", i),
				  "is not a line of purchase order %lld", (long long)id);
			continue;
		}
		left = l->quantity - l->received_quantity;
		if (!allow_over && lines[i].quantity > left) {
			char want[32], rest[32];

			qty_format(lines[i].quantity, want, sizeof want);
			qty_format(left > 0 ? left : 0, rest, sizeof rest);
			err_field(e, arena_printf(a, "lines[%d].quantity", i),
				  "line %lld: receiving %s is more than the %s still on order",
				  (long long)l->id, want, rest);
			if (!e->msg[0])
				err_set(e, ERR_INVALID,
					"line %lld: receiving %s is more than the %s still on order"
					" (send allow_over: true to accept it)",
					(long long)l->id, want, rest);
			continue;
		}
		rs[nr++] = (struct rcpt){.i = i, .l = l, .quantity = lines[i].quantity};
	}
	if (err_fields_done(e))
		goto fail;
	/* Products in id order: concurrent receipts lock them in one order. */
	qsort(rs, (size_t)nr, sizeof *rs, rcpt_by_product);
	log = json_array();
	for (int i = 0; i < nr; i++)
		if (book_receipt(db, who, old, &rs[i], log, e) < 0)
			goto fail;
	if (!(st = db_query(db, e, SQL_PO_OPEN_LINES, "i", id)) ||
	    db_step(st, e) != DB_ROW)
		goto fail;
	open = db_col_int64(st, 0);
	db_reset(st);
	if (db_run(db_query(db, e, SQL_PO_SET_RECEIVED, "tIii",
			    open ? "partially_received" : "received", open ? 0 : now,
			    now, id), e) < 0 ||
	    po_load(db, a, id, &po, e) < 0)
		goto fail;
	before = purchase_to_json(old);
	after = purchase_to_json(po);
	json_object_set_new(after, "receipt", log);
	log = NULL;
	json_object_set_new(after, "allow_over", json_boolean(allow_over));
	rc = audit_commit(db, who, "receive", "purchase_order", id, po->store_id, before,
		       after, e);
	if (rc < 0)
		goto fail;
	*out = po;
	return 0;
fail:
	json_decref(log);
	db_rollback(db);
	return db_fail(e);
}
