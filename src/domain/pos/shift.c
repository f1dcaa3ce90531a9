/* shift.c: shifts per store register: opening, the running totals, closing
 * into an immutable Z-report computed by a few aggregate queries. */
#include "domain/pos/shift.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jx.h"
#include "base/timeutil.h"
#include "db/page.h"
#include "domain/org/audit.h"
#include "domain/pos/sale.h"
#include "domain/org/store.h"

const char *const shift_statuses[] = {"open", "closed", NULL};

/* Finding the open shift locks its row (an UPDATE that changes nothing):
 * on PostgreSQL a close, which locks the same row first, then waits for
 * every sale already writing into the shift, and later sales wait for the
 * close and find the shift closed. On SQLite the write transaction already
 * excludes the others. */
static const char SQL_LOCK_CURRENT[] =
    "UPDATE shifts SET status = status WHERE store_id = ? AND register = ? AND status = 'open' "
    "RETURNING id";
/* Two first sales at once: the loser's insert does nothing and it finds
 * the winner's shift. */
static const char SQL_INSERT_OPEN[] =
    "INSERT INTO shifts (store_id, register, status, opened_by, opened_at, opening_cash) "
    "VALUES (?, ?, 'open', ?, ?, ?) "
    "ON CONFLICT (store_id, register) WHERE status = 'open' DO NOTHING RETURNING id";

int shift_current(struct db *db, const struct actor *who, int64_t store_id, const char *register_id,
                  int autoopen, int64_t *id, struct err *e)
{
	*id = 0;
	int64_t uid = who && who->user ? who->user->id : 0;
	for (int attempt = 0; attempt < 3; attempt++) {
		struct db_stmt *st = db_query(db, e, SQL_LOCK_CURRENT, "it", store_id, register_id);
		int rc;
		if (!st || (rc = db_step(st, e)) < 0)
			return db_fail(e);
		if (rc == DB_ROW) {
			*id = db_col_int64(st, 0);
			db_reset(st);
			return 0;
		}
		if (!autoopen)
			return 0;
		if (!(st = db_query(db, e, SQL_INSERT_OPEN, "itiii", store_id, register_id, uid,
		                    ts_now_ms(), (int64_t)0)) ||
		    (rc = db_step(st, e)) < 0)
			return db_fail(e);
		if (rc == DB_ROW) {
			*id = db_col_int64(st, 0);
			db_reset(st);
			return 0;
		}
	}
	return err_set(e, ERR_UNAVAILABLE, "the shift of register %s keeps changing: try again",
	               register_id);
}

int shift_lock_open(struct db *db, int64_t id, struct err *e)
{
	static const char sql[] = "UPDATE shifts SET status = status WHERE id = ? RETURNING status";
	struct db_stmt *st = db_query(db, e, sql, "i", id);
	int rc = db_get_row(st, "shift", id, e);
	if (rc < 0)
		return rc;
	int open = strcmp(db_col_text(st, 0), "open") == 0;
	db_reset(st);
	return open ? 0 : err_set(e, ERR_STATE, "shift %lld is closed", (long long)id);
}

/* ---- the shift row ---- */

#define SHIFT_COLS                                                                                 \
	"id, store_id, register, status, opened_by, opened_at, opening_cash, closed_by, "          \
	"closed_at, z_report"

/* Reads the SHIFT_COLS row of st into s, all but the Z-report. */
static void head_read(struct db_stmt *st, struct shift_row *s)
{
	s->id = db_col_int64(st, 0);
	s->store_id = db_col_int64(st, 1);
	snprintf(s->register_id, sizeof s->register_id, "%s", db_col_text(st, 2));
	snprintf(s->status, sizeof s->status, "%s", db_col_text(st, 3));
	s->opened_by = db_col_int64(st, 4);
	s->opened_at = db_col_int64(st, 5);
	s->opening_cash = db_col_int64(st, 6);
	s->closed_by = db_col_int64(st, 7);
	s->closed_at = db_col_int64(st, 8);
}

/* The same with the Z-report (s->z_report malloc'd, the caller frees it). */
static void row_read(struct db_stmt *st, struct shift_row *s)
{
	head_read(st, s);
	const char *z = db_col_text(st, 9);
	s->z_report = z ? xstrdup(z) : NULL;
}

static json_t *opt_id(int64_t v)
{
	return v ? json_integer(v) : json_null();
}

json_t *shift_to_json(const struct shift_row *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(s->id));
	json_object_set_new(o, "store_id", json_integer(s->store_id));
	json_object_set_new(o, "register", json_string(s->register_id));
	json_object_set_new(o, "status", json_string(s->status));
	json_object_set_new(o, "opened_at", jx_time(s->opened_at));
	json_object_set_new(o, "opened_by", opt_id(s->opened_by));
	json_object_set_new(o, "opening_cash", json_integer(s->opening_cash));
	json_object_set_new(o, "closed_at", jx_time(s->closed_at));
	json_object_set_new(o, "closed_by", opt_id(s->closed_by));
	return o;
}

/* ---- the Z-report ---- */

/* The tenders a cashier counts at the close, always listed. */
static const char *const counted_tenders[] = {"cash", "card", "wechat", "alipay", "voucher", NULL};
#define TK_MAX 16

struct taking {
	char method[24];
	int64_t sales, refunds;
	int64_t top_ups; /* stored value bought with this tender, net of its refunds */
	int countable, active;
};

static struct taking *taking_of(struct taking *t, int *n, const char *method)
{
	for (int i = 0; i < *n; i++)
		if (strcmp(t[i].method, method) == 0)
			return &t[i];
	if (*n == TK_MAX)
		return NULL;
	struct taking *x = &t[(*n)++];
	memset(x, 0, sizeof *x);
	snprintf(x->method, sizeof x->method, "%s", method);
	return x;
}

/* Adds the rows (method, amount) of a per-method sum query over shift_id to
 * the takings: to their refunds when refunds, else to their sales; every
 * method with a row becomes active. 0, or ERR_DB. */
/* Adds what sql (method, amount per shift) answers to each taking's sales
 * (what = TK_SALES), refunds (TK_REFUNDS) or top_ups (TK_TOP_UPS). */
enum { TK_SALES, TK_REFUNDS, TK_TOP_UPS };
static int add_takings(struct db *db, const char *sql, int64_t shift_id, struct taking *tk,
                       int *ntk, int what, struct err *e)
{
	struct db_stmt *st = db_query(db, e, sql, "i", shift_id);
	if (!st)
		return db_fail(e);
	int rc;
	while ((rc = db_step(st, e)) == DB_ROW) {
		struct taking *t = taking_of(tk, ntk, db_col_text(st, 0));
		if (t) {
			*(what == TK_REFUNDS  ? &t->refunds
			  : what == TK_TOP_UPS ? &t->top_ups
			                       : &t->sales) += db_col_int64(st, 1);
			t->active = 1;
		}
	}
	return rc < 0 ? db_fail(e) : 0;
}

static int64_t counted_of(const struct shift_counted *c, const char *method)
{
	if (!c)
		return -1;
	if (strcmp(method, "cash") == 0)
		return c->cash;
	if (strcmp(method, "card") == 0)
		return c->card;
	if (strcmp(method, "wechat") == 0)
		return c->wechat;
	if (strcmp(method, "alipay") == 0)
		return c->alipay;
	if (strcmp(method, "voucher") == 0)
		return c->voucher;
	return -1;
}

static json_t *money_or_null(int64_t v)
{
	return v >= 0 ? json_integer(v) : json_null();
}

/* The Z-report figures of shift s from four aggregate queries over the
 * shift's sales (voided ones apart), their payments, the returns booked in
 * the shift and the units sold. counted NULL: nothing counted yet (the
 * running totals of an open shift). *out owned by the caller. */
static int z_compute(struct db *db, const struct shift_row *s, const struct shift_counted *counted,
                     int64_t closed_by, int64_t closed_at, json_t **out, struct err *e)
{
	static const char sql_sales[] =
	    "SELECT COUNT(CASE WHEN status <> 'voided' THEN 1 END), "
	    "SUM(CASE WHEN status <> 'voided' THEN subtotal ELSE 0 END), "
	    "SUM(CASE WHEN status <> 'voided' THEN discount_total ELSE 0 END), "
	    "SUM(CASE WHEN status <> 'voided' THEN rounding ELSE 0 END), "
	    "SUM(CASE WHEN status <> 'voided' THEN vat_total ELSE 0 END), "
	    "SUM(CASE WHEN status <> 'voided' THEN total ELSE 0 END), "
	    "SUM(CASE WHEN status <> 'voided' THEN paid ELSE 0 END), "
	    "SUM(CASE WHEN status <> 'voided' THEN change_due ELSE 0 END), "
	    "COUNT(CASE WHEN status = 'voided' THEN 1 END), "
	    "SUM(CASE WHEN status = 'voided' THEN total ELSE 0 END) "
	    "FROM sales WHERE shift_id = ?";
	static const char sql_pay[] =
	    "SELECT p.method, SUM(p.amount) FROM sales s JOIN sale_payments p ON p.sale_id = s.id "
	    "WHERE s.shift_id = ? AND s.status <> 'voided' GROUP BY p.method";
	static const char sql_ret[] =
	    "SELECT COUNT(*), COALESCE(SUM(refund_total), 0) FROM sale_returns "
	    "WHERE shift_id = ? AND kind <> 'void'";
	/* A return may refund to several tenders. */
	static const char sql_ret_tenders[] =
	    "SELECT t.method, SUM(t.amount) FROM sale_return_tenders t "
	    "JOIN sale_returns r ON r.id = t.return_id "
	    "WHERE r.shift_id = ? AND r.kind <> 'void' GROUP BY t.method";
	/* Stored value topped up at this till (and its paid part refunded):
	 * money in the drawer or on the terminal, though not a sale. */
	static const char sql_top_ups[] =
	    "SELECT method, SUM(paid_amount) FROM stored_value_ledger "
	    "WHERE shift_id = ? AND kind IN ('top_up', 'refund') AND method IS NOT NULL "
	    "GROUP BY method";
	static const char sql_units[] =
	    "SELECT SUM(l.quantity) FROM sales s JOIN sale_lines l ON l.sale_id = s.id "
	    "WHERE s.shift_id = ? AND s.status <> 'voided'";
	/* The shift's sales as sql_sales sums them, column by column. */
	struct {
		int64_t count, gross, discounts, rounding, vat, total, paid, change;
		int64_t voids, voided_total;
	} a;
	struct db_stmt *st = db_query(db, e, sql_sales, "i", s->id);
	if (!st || db_step(st, e) != DB_ROW)
		return db_fail(e);
	a.count = db_col_int64(st, 0);
	a.gross = db_col_int64(st, 1);
	a.discounts = db_col_int64(st, 2);
	a.rounding = db_col_int64(st, 3);
	a.vat = db_col_int64(st, 4);
	a.total = db_col_int64(st, 5);
	a.paid = db_col_int64(st, 6);
	a.change = db_col_int64(st, 7);
	a.voids = db_col_int64(st, 8);
	a.voided_total = db_col_int64(st, 9);
	db_reset(st);

	struct taking tk[TK_MAX];
	int ntk = 0;
	for (int i = 0; sale_payment_methods[i]; i++)
		taking_of(tk, &ntk, sale_payment_methods[i]);
	for (int i = 0; counted_tenders[i]; i++)
		taking_of(tk, &ntk, counted_tenders[i])->countable = 1;

	if (add_takings(db, sql_pay, s->id, tk, &ntk, TK_SALES, e) < 0 ||
	    add_takings(db, sql_top_ups, s->id, tk, &ntk, TK_TOP_UPS, e) < 0)
		return db_fail(e);
	/* Cash taken is net of the change handed back. */
	taking_of(tk, &ntk, "cash")->sales -= a.change;

	int64_t returns = 0, refunded = 0;
	if (!(st = db_query(db, e, sql_ret, "i", s->id)) || db_step(st, e) != DB_ROW)
		return db_fail(e);
	returns = db_col_int64(st, 0);
	refunded = db_col_int64(st, 1);
	db_reset(st);
	if (add_takings(db, sql_ret_tenders, s->id, tk, &ntk, TK_REFUNDS, e) < 0)
		return db_fail(e);

	if (!(st = db_query(db, e, sql_units, "i", s->id)) || db_step(st, e) != DB_ROW)
		return db_fail(e);
	int64_t units = db_col_int64(st, 0);
	db_reset(st);

	json_t *z = json_object();
	json_object_set_new(z, "shift_id", json_integer(s->id));
	json_object_set_new(z, "store_id", json_integer(s->store_id));
	json_object_set_new(z, "register", json_string(s->register_id));
	json_object_set_new(z, "opened_at", jx_time(s->opened_at));
	json_object_set_new(z, "opened_by", opt_id(s->opened_by));
	json_object_set_new(z, "closed_at", jx_time(closed_at));
	json_object_set_new(z, "closed_by", opt_id(closed_by));
	json_object_set_new(z, "opening_cash", json_integer(s->opening_cash));
	json_object_set_new(z, "sales",
	                    json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "count", (json_int_t)a.count,
	                              "gross", (json_int_t)a.gross, "discounts", (json_int_t)a.discounts,
	                              "rounding", (json_int_t)a.rounding, "vat", (json_int_t)a.vat,
	                              "total", (json_int_t)a.total, "paid", (json_int_t)a.paid));
	json_object_set_new(
	    z, "returns",
	    json_pack("{s:I,s:I}", "count", (json_int_t)returns, "refunded", (json_int_t)refunded));
	json_object_set_new(
	    z, "voids",
	    json_pack("{s:I,s:I}", "count", (json_int_t)a.voids, "total", (json_int_t)a.voided_total));
	json_t *takings = json_array();
	int64_t cash_sales = 0, cash_refunds = 0, cash_top_ups = 0, cash_expected = 0;
	int64_t cash_counted = -1;
	for (int i = 0; i < ntk; i++) {
		struct taking *t = &tk[i];
		if (!t->countable && !t->active)
			continue;
		int is_cash = strcmp(t->method, "cash") == 0;
		int64_t net = t->sales - t->refunds + t->top_ups;
		int64_t expected = is_cash ? s->opening_cash + net : net;
		int64_t c = counted_of(counted, t->method);
		if (is_cash) {
			cash_sales = t->sales;
			cash_refunds = t->refunds;
			cash_top_ups = t->top_ups;
			cash_expected = expected;
			cash_counted = c;
		}
		json_array_append_new(takings,
		                      json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:o,s:o}", "method",
		                                t->method, "sales", (json_int_t)t->sales, "refunds",
		                                (json_int_t)t->refunds, "top_ups",
		                                (json_int_t)t->top_ups, "net", (json_int_t)net,
		                                "expected", (json_int_t)expected, "counted",
		                                money_or_null(c), "difference",
		                                c >= 0 ? json_integer(c - expected) : json_null()));
	}
	json_object_set_new(z, "takings", takings);
	json_object_set_new(
	    z, "cash",
	    json_pack(
	        "{s:I,s:I,s:I,s:I,s:I,s:o,s:o}", "opening", (json_int_t)s->opening_cash, "sales",
	        (json_int_t)cash_sales, "refunds", (json_int_t)cash_refunds, "top_ups",
	        (json_int_t)cash_top_ups, "expected",
	        (json_int_t)cash_expected, "counted", money_or_null(cash_counted), "difference",
	        cash_counted >= 0 ? json_integer(cash_counted - cash_expected) : json_null()));
	json_object_set_new(z, "units", jx_qty_value(units));
	*out = z;
	return 0;
}

/* ---- reading ---- */

/* The shift as JSON with its totals (open) or its stored Z-report. */
static int shift_json(struct db *db, const struct shift_row *s, json_t **out, struct err *e)
{
	json_t *o = shift_to_json(s);
	if (strcmp(s->status, "open") == 0) {
		json_t *z;
		if (z_compute(db, s, NULL, 0, 0, &z, e) < 0) {
			json_decref(o);
			return db_fail(e);
		}
		json_object_set_new(o, "totals", z);
	} else {
		json_t *z = s->z_report ? json_loads(s->z_report, 0, NULL) : NULL;
		json_object_set_new(o, "z_report", z ? z : json_null());
	}
	*out = o;
	return 0;
}

/* Commits the transaction that built *out: 0, or the commit's error with
 * *out freed and NULL. */
static int commit_answer(struct db *db, json_t **out, struct err *e)
{
	int rc = db_commit(db, e);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc < 0 ? rc : 0;
}

int shift_get(struct db *db, int64_t id, json_t **out, int64_t *store_id, struct err *e)
{
	static const char sql[] = "SELECT " SHIFT_COLS " FROM shifts WHERE id = ?";
	/* One read transaction: the totals come from one snapshot on SQLite. */
	int rc = db_begin(db, 0, e);
	if (rc < 0)
		return rc;
	struct db_stmt *st = db_query(db, e, sql, "i", id);
	if ((rc = db_get_row(st, "shift", id, e)) < 0)
		goto fail;
	struct shift_row s;
	row_read(st, &s);
	db_reset(st);
	*store_id = s.store_id;
	rc = shift_json(db, &s, out, e);
	free(s.z_report);
	if (rc < 0)
		goto fail;
	return commit_answer(db, out, e);
fail:
	db_rollback(db);
	return db_fail(e);
}

int shift_list(struct db *db, struct arena *a, const struct shift_filter *f,
               struct shift_row **out, int *n, int *more, struct err *e)
{
	static const char sql[] =
	    "SELECT " SHIFT_COLS " FROM shifts WHERE id < ? AND (? = 0 OR store_id = ?) "
	    "AND (? = 0 OR store_id IN (SELECT store_id FROM user_stores WHERE user_id = ?)) "
	    "AND (CAST(? AS TEXT) IS NULL OR status = ?) "
	    "AND (CAST(? AS TEXT) IS NULL OR register = ?) "
	    "ORDER BY id DESC LIMIT ?";
	int64_t before = f->before_id > 0 ? f->before_id : INT64_MAX;
	struct page pg;
	page_init(&pg, a, f->limit, sizeof(struct shift_row));
	struct db_stmt *st =
	    db_query(db, e, sql,
	             "iiiii"
	             "tttt"
	             "i",
	             before, f->store_id, f->store_id, f->scope_user_id, f->scope_user_id,
	             f->status, f->status, f->register_id, f->register_id, page_fetch(&pg));
	if (!st)
		return db_fail(e);
	int rc;
	while ((rc = page_step(&pg, st, e)) == DB_ROW)
		head_read(st, page_add(&pg)); /* z_report stays NULL */
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	return 0;
}

/* ---- opening and closing ---- */

int shift_open(struct db *db, struct arena *a, const struct actor *who,
               const struct shift_input *in, json_t **out, struct err *e)
{
	static const char sql_open_one[] =
	    "SELECT id FROM shifts WHERE store_id = ? AND register = ? AND status = 'open'";
	static const char sql_get[] = "SELECT " SHIFT_COLS " FROM shifts WHERE id = ?";
	const char *reg = in->register_id ? in->register_id : "1";
	if (in->store_id <= 0)
		err_field(e, "store_id", "is required");
	if (in->opening_cash < 0)
		err_field(e, "opening_cash", "must be 0 or more");
	if (err_fields_done(e))
		return e->code;
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	struct store *store;
	if ((rc = store_get(db, a, in->store_id, &store, e)) < 0) {
		if (rc == ERR_NOT_FOUND) {
			err_init(e);
			err_field(e, "store_id", "does not exist");
			err_fields_done(e);
		}
		goto fail;
	}
	if (!store->active) {
		err_field(e, "store_id", "the store is closed");
		err_fields_done(e);
		goto fail;
	}
	int64_t uid = who && who->user ? who->user->id : 0;
	struct db_stmt *st = db_query(db, e, SQL_INSERT_OPEN, "itiii", in->store_id, reg, uid,
	                              ts_now_ms(), in->opening_cash);
	if (!st || (rc = db_step(st, e)) < 0)
		goto fail;
	if (rc == DB_DONE) {
		int64_t other = 0;
		if (!(st = db_query(db, e, sql_open_one, "it", in->store_id, reg)) ||
		    (rc = db_step(st, e)) < 0)
			goto fail;
		if (rc == DB_ROW)
			other = db_col_int64(st, 0);
		db_reset(st);
		err_set(e, ERR_STATE, "shift %lld is already open on register %s of this store",
		        (long long)other, reg);
		goto fail;
	}
	int64_t id = db_col_int64(st, 0);
	db_reset(st);
	if (!(st = db_query(db, e, sql_get, "i", id)) || db_step(st, e) != DB_ROW)
		goto fail;
	struct shift_row s;
	row_read(st, &s);
	db_reset(st);
	json_t *summary = shift_to_json(&s);
	free(s.z_report); /* NULL: the shift is open */
	s.z_report = NULL;
	rc = audit_add(db, who, "create", "shift", id, in->store_id, NULL, summary, e);
	json_decref(summary);
	if (rc < 0 || (rc = shift_json(db, &s, out, e)) < 0)
		goto fail;
	return commit_answer(db, out, e);
fail:
	db_rollback(db);
	return db_fail(e);
}

int shift_close(struct db *db, const struct actor *who, int64_t id,
                const struct shift_counted *counted, json_t **out, struct err *e)
{
	/* Locks the row first: sales still writing into the shift finish (they
	 * hold it through shift_current), later ones wait and then find it
	 * closed. */
	static const char sql_lock[] =
	    "UPDATE shifts SET status = status WHERE id = ? RETURNING " SHIFT_COLS;
	static const char sql_close[] =
	    "UPDATE shifts SET status = 'closed', closed_by = ?, closed_at = ?, z_report = ? "
	    "WHERE id = ? AND status = 'open'";
	static const struct {
		const char *name;
		size_t off;
	} tenders[] = {
	    {"cash", offsetof(struct shift_counted, cash)},
	    {"card", offsetof(struct shift_counted, card)},
	    {"wechat", offsetof(struct shift_counted, wechat)},
	    {"alipay", offsetof(struct shift_counted, alipay)},
	    {"voucher", offsetof(struct shift_counted, voucher)},
	};
	for (size_t i = 0; i < sizeof tenders / sizeof tenders[0]; i++) {
		int64_t v = *(const int64_t *)((const char *)counted + tenders[i].off);
		if (i == 0 && v < 0)
			err_field(e, "counted.cash",
			          "is required: the cash in the drawer, 0 or more");
		else if (v < -1) {
			char f[32];
			snprintf(f, sizeof f, "counted.%s", tenders[i].name);
			err_field(e, f, "must be 0 or more");
		}
	}
	if (err_fields_done(e))
		return e->code;
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	struct db_stmt *st = db_query(db, e, sql_lock, "i", id);
	if ((rc = db_get_row(st, "shift", id, e)) < 0) {
		db_rollback(db);
		return rc;
	}
	struct shift_row s;
	row_read(st, &s);
	db_reset(st);
	json_t *z = NULL;
	char *text = NULL;
	if (!actor_sees_store(who, s.store_id)) {
		err_set(e, ERR_NOT_FOUND, "no shift %lld", (long long)id);
		goto fail;
	}
	if (strcmp(s.status, "open") != 0) {
		err_set(e, ERR_STATE, "shift %lld is already closed", (long long)id);
		goto fail;
	}
	int64_t uid = who && who->user ? who->user->id : 0, now = ts_now_ms();
	if ((rc = z_compute(db, &s, counted, uid, now, &z, e)) < 0)
		goto fail;
	text = json_dumps(z, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!(st = db_query(db, e, sql_close, "Iiti", uid, now, text, id)) ||
	    (rc = db_run(st, e)) < 0)
		goto fail;
	if (db_changes(st) != 1) {
		err_set(e, ERR_STATE, "shift %lld is already closed", (long long)id);
		goto fail;
	}
	json_t *cash = json_object_get(z, "cash");
	json_t *after = json_pack("{s:s,s:O,s:O,s:O,s:O}", "status", "closed", "sales_total",
	                          json_object_get(json_object_get(z, "sales"), "total"),
	                          "cash_expected", json_object_get(cash, "expected"),
	                          "cash_counted", json_object_get(cash, "counted"),
	                          "cash_difference", json_object_get(cash, "difference"));
	json_t *before = json_pack("{s:s}", "status", "open");
	rc = audit_commit(db, who, "close", "shift", id, s.store_id, before, after, e);
	if (rc < 0)
		goto fail;
	free(text);
	free(s.z_report);
	*out = z;
	return 0;
fail:
	db_rollback(db);
	free(text);
	free(s.z_report);
	json_decref(z);
	return db_fail(e);
}
