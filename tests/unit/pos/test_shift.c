/* test_shift.c: shifts and the Z-report on SQLite (a temp file) and, when
 * TERSA_TEST_PG_URL is set, on PostgreSQL (one schema per test): the figures
 * against a hand-made fixture, states, scoping, and closing a shift of
 * 10,000 sales in under a second. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/pos/shift.h"
#include "dbone.h"
#include "pgschema.h"
#include "tmpdb.h"

struct fx {
	struct db *db;
	struct tmpdb tmp;
	struct pgschema schema;
	int64_t store_id, other_store_id, product_id;
};

static const char SQL_STORE[] = "INSERT INTO stores (code, name, channel, created_at, updated_at) "
                                "VALUES (?, 'Store', 'direct', 1, 1) RETURNING id";
static const char SQL_PRODUCT[] =
    "INSERT INTO products (sku, name, unit, price, vat_rate, created_at, updated_at) "
    "VALUES ('P1', 'Product', 'pcs', 300, 1300, 1, 1) RETURNING id";


static int seed(struct fx *f)
{
	f->store_id = db_one(f->db, SQL_STORE, "t", "S1");
	f->other_store_id = db_one(f->db, SQL_STORE, "t", "S2");
	f->product_id = db_one(f->db, SQL_PRODUCT, "");
	return f->store_id > 0 && f->product_id > 0 ? 0 : -1;
}

static int setup_sqlite(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct err e;
	err_init(&e);
	if (tmpdb_make(&f->tmp, "shift") < 0)
		return -1;
	if (db_open(f->tmp.path, &f->db, &e) < 0 || db_migrate(f->db, NULL, &e) < 0) {
		fprintf(stderr, "setup: %s\n", e.msg);
		return -1;
	}
	*state = f;
	return seed(f);
}

static int teardown_sqlite(void **state)
{
	struct fx *f = *state;
	db_close(f->db);
	tmpdb_remove(&f->tmp);
	free(f);
	return 0;
}

static int setup_pg(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	*state = f;
	int rc = pgschema_open(&f->schema, "tersa_shift", &f->db);
	return rc <= 0 ? rc : seed(f);
}

static int teardown_pg(void **state)
{
	struct fx *f = *state;
	if (f->db) {
		pgschema_drop(&f->schema, f->db);
		db_close(f->db);
	}
	free(f);
	return 0;
}

static struct fx *get_fx(void **state)
{
	struct fx *f = *state;
	if (!f->db)
		skip();
	return f;
}

/* ---- helpers */

static const char SQL_SHIFT[] =
    "INSERT INTO shifts (store_id, register, status, opened_by, opened_at, opening_cash) "
    "VALUES (?, ?, 'open', 0, 1000, ?) RETURNING id";
static const char SQL_SALE[] =
    "INSERT INTO sales (number, store_id, shift_id, cashier_id, at, day, status, subtotal, "
    "discount_total, rounding, vat_total, total, paid, change_due) "
    "VALUES (?, ?, ?, 1, 2000, '2026-11-27', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char SQL_LINE[] =
    "INSERT INTO sale_lines (sale_id, line_no, product_id, quantity, list_price, unit_price, "
    "gross, discount, total, vat_rate, vat) VALUES (?, 1, ?, ?, 0, 0, 0, 0, 0, 1300, 0) "
    "RETURNING id";
static const char SQL_PAY[] =
    "INSERT INTO sale_payments (sale_id, method, amount) VALUES (?, ?, ?) RETURNING id";
static const char SQL_RETURN[] =
    "INSERT INTO sale_returns (sale_id, store_id, shift_id, kind, at, day, user_id, "
    "refund_total, refund_method) VALUES (?, ?, ?, 'return', 3000, '2026-11-27', 1, ?, ?) "
    "RETURNING id";
/* The return's refund tenders: one, its refund_method. */
static const char SQL_RETURN_TENDERS[] =
    "INSERT INTO sale_return_tenders (return_id, method, amount) "
    "SELECT id, refund_method, refund_total FROM sale_returns WHERE shift_id = ? "
    "AND id NOT IN (SELECT return_id FROM sale_return_tenders)";

/* One sale: t = {subtotal, discount, rounding, vat, total, paid, change}. */
static int64_t sale(struct fx *f, int64_t shift, const char *number, const char *status,
                    const int64_t *t, int64_t qty)
{
	int64_t id = db_one(f->db, SQL_SALE, "tiitiiiiiii", number, f->store_id, shift, status,
	                       t[0], t[1], t[2], t[3], t[4], t[5], t[6]);
	db_one(f->db, SQL_LINE, "iii", id, f->product_id, qty);
	return id;
}

static void pay(struct fx *f, int64_t sale_id, const char *method, int64_t amount)
{
	db_one(f->db, SQL_PAY, "iti", sale_id, method, amount);
}

static json_int_t zi(json_t *z, const char *obj, const char *key)
{
	json_t *o = obj ? json_object_get(z, obj) : z;
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v)) {
		fprintf(stderr, "%s.%s is not an integer\n", obj ? obj : "", key);
		fail();
	}
	return json_integer_value(v);
}

static json_t *taking(json_t *z, const char *method)
{
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(z, "takings"), i, t)
	{
		if (strcmp(json_string_value(json_object_get(t, "method")), method) == 0)
			return t;
	}
	fprintf(stderr, "no takings row for %s\n", method);
	fail();
	return NULL;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- tests */

/* The figures of a small shift, worked out by hand. */
static void test_z_figures(void **state)
{
	struct fx *f = get_fx(state);
	struct err e;
	err_init(&e);
	int64_t shift = db_one(f->db, SQL_SHIFT, "iti", f->store_id, "1", (int64_t)10000);
	int64_t other = db_one(f->db, SQL_SHIFT, "iti", f->store_id, "2", (int64_t)0);
	/* A: cash 1000 for 900, 100 back. */
	int64_t a =
	    sale(f, shift, "A", "completed", (int64_t[]){1000, 100, 0, 100, 900, 900, 100}, 2000);
	pay(f, a, "cash", 1000);
	/* B: card 200 + cash 295 for 500 with 5 rounded off. */
	int64_t b = sale(f, shift, "B", "completed", (int64_t[]){500, 0, 5, 50, 500, 495, 0}, 1500);
	pay(f, b, "card", 200);
	pay(f, b, "cash", 295);
	/* C: voided: listed apart, its cash not expected. */
	int64_t c = sale(f, shift, "C", "voided", (int64_t[]){300, 0, 0, 30, 300, 300, 0}, 1000);
	pay(f, c, "cash", 300);
	/* D: wechat 700, half of it refunded in cash. */
	int64_t d = sale(f, shift, "D", "partially_returned",
	                 (int64_t[]){700, 0, 0, 70, 700, 700, 0}, 3000);
	pay(f, d, "wechat", 700);
	db_one(f->db, SQL_RETURN, "iiiit", d, f->store_id, shift, (int64_t)350, "cash");
	/* Another shift's sale and return: not in this report. */
	int64_t x = sale(f, other, "X", "completed", (int64_t[]){999, 0, 0, 9, 999, 999, 0}, 1000);
	pay(f, x, "cash", 999);
	db_one(f->db, SQL_RETURN, "iiiit", a, f->store_id, other, (int64_t)50, "card");
	db_one(f->db, SQL_RETURN_TENDERS, "i", shift);
	db_one(f->db, SQL_RETURN_TENDERS, "i", other);

	/* Open: the running totals, nothing counted. */
	json_t *s;
	int64_t sid;
	assert_int_equal(shift_get(f->db, shift, &s, &sid, &e), 0);
	assert_int_equal(sid, f->store_id);
	json_t *t = json_object_get(s, "totals");
	assert_non_null(t);
	assert_null(json_object_get(s, "z_report"));
	assert_int_equal(zi(t, "cash", "expected"), 10000 + 1195 - 350);
	assert_true(json_is_null(json_object_get(json_object_get(t, "cash"), "counted")));
	json_decref(s);

	struct actor sys = {0};
	struct shift_counted cnt = {
	    .cash = 10800, .card = 200, .wechat = -1, .alipay = -1, .voucher = 0};
	json_t *z;
	assert_int_equal(shift_close(f->db, &sys, shift, &cnt, &z, &e), 0);
	assert_int_equal(zi(z, NULL, "shift_id"), shift);
	assert_int_equal(zi(z, NULL, "opening_cash"), 10000);
	assert_int_equal(zi(z, "sales", "count"), 3);
	assert_int_equal(zi(z, "sales", "gross"), 2200);
	assert_int_equal(zi(z, "sales", "discounts"), 100);
	assert_int_equal(zi(z, "sales", "rounding"), 5);
	assert_int_equal(zi(z, "sales", "vat"), 220);
	assert_int_equal(zi(z, "sales", "total"), 2100);
	assert_int_equal(zi(z, "sales", "paid"), 2095);
	assert_int_equal(zi(z, "returns", "count"), 1);
	assert_int_equal(zi(z, "returns", "refunded"), 350);
	assert_int_equal(zi(z, "voids", "count"), 1);
	assert_int_equal(zi(z, "voids", "total"), 300);
	assert_int_equal(zi(z, "cash", "opening"), 10000);
	assert_int_equal(zi(z, "cash", "sales"), 1000 + 295 - 100);
	assert_int_equal(zi(z, "cash", "refunds"), 350);
	assert_int_equal(zi(z, "cash", "expected"), 10845);
	assert_int_equal(zi(z, "cash", "counted"), 10800);
	assert_int_equal(zi(z, "cash", "difference"), -45);
	assert_true(json_real_value(json_object_get(z, "units")) == 6.5);
	json_t *card = taking(z, "card"), *wechat = taking(z, "wechat"), *cash = taking(z, "cash");
	assert_int_equal(zi(card, NULL, "sales"), 200);
	assert_int_equal(zi(card, NULL, "difference"), 0);
	assert_int_equal(zi(wechat, NULL, "sales"), 700);
	assert_int_equal(zi(wechat, NULL, "net"), 700);
	assert_true(json_is_null(json_object_get(wechat, "counted")));
	assert_true(json_is_null(json_object_get(wechat, "difference")));
	assert_int_equal(zi(cash, NULL, "net"), 1195 - 350);
	assert_int_equal(zi(cash, NULL, "expected"), 10845);
	assert_int_equal(zi(taking(z, "voucher"), NULL, "difference"), 0);
	/* The five counted tenders, in order; no other tender was used. */
	assert_int_equal(json_array_size(json_object_get(z, "takings")), 5);
	assert_true(json_is_null(json_object_get(z, "closed_by")));

	/* Stored: read back unchanged; a second close is refused. */
	assert_int_equal(shift_get(f->db, shift, &s, &sid, &e), 0);
	assert_string_equal(json_string_value(json_object_get(s, "status")), "closed");
	assert_true(json_equal(json_object_get(s, "z_report"), z));
	assert_null(json_object_get(s, "totals"));
	json_decref(s);
	json_t *z2 = NULL;
	err_init(&e);
	assert_int_equal(shift_close(f->db, &sys, shift, &cnt, &z2, &e), ERR_STATE);
	assert_null(z2);

	/* The register has no open shift now; a sale would open a new one. */
	int64_t cur = -1;
	err_init(&e);
	assert_int_equal(db_begin(f->db, 1, &e), 0);
	assert_int_equal(shift_current(f->db, &sys, f->store_id, "1", 0, &cur, &e), 0);
	assert_int_equal(cur, 0);
	assert_int_equal(shift_current(f->db, &sys, f->store_id, "1", 1, &cur, &e), 0);
	assert_true(cur > shift);
	int64_t again = 0;
	assert_int_equal(shift_current(f->db, &sys, f->store_id, "1", 1, &again, &e), 0);
	assert_int_equal(again, cur);
	assert_int_equal(shift_lock_open(f->db, cur, &e), 0);
	assert_int_equal(shift_lock_open(f->db, shift, &e), ERR_STATE);
	err_init(&e);
	assert_int_equal(shift_lock_open(f->db, 999999, &e), ERR_NOT_FOUND);
	assert_int_equal(db_commit(f->db, &e), 0);
	json_decref(z);
}

/* Opening, a second open refused, the shift a sale finds, bad input,
 * another store's user, lists. */
static void test_open_scope_list(void **state)
{
	struct fx *f = get_fx(state);
	struct err e;
	err_init(&e);
	struct arena *a = arena_new();
	struct actor sys = {0};
	json_t *s;
	struct shift_input in = {
	    .store_id = f->store_id, .register_id = "R1", .opening_cash = 5000};
	assert_int_equal(shift_open(f->db, a, &sys, &in, &s, &e), 0);
	int64_t id = json_integer_value(json_object_get(s, "id"));
	assert_int_equal(zi(json_object_get(s, "totals"), "cash", "expected"), 5000);
	json_decref(s);
	err_init(&e);
	assert_int_equal(shift_open(f->db, a, &sys, &in, &s, &e), ERR_STATE);
	err_init(&e);
	struct shift_input bad = {.store_id = 987654, .opening_cash = -5};
	assert_int_equal(shift_open(f->db, a, &sys, &bad, &s, &e), ERR_INVALID);
	assert_int_equal(e.nfields, 1); /* opening_cash; the store is checked once that is right */
	err_init(&e);
	bad.opening_cash = 0;
	assert_int_equal(shift_open(f->db, a, &sys, &bad, &s, &e), ERR_INVALID);
	assert_string_equal(e.fields[0].field, "store_id");

	int64_t cur = 0;
	err_init(&e);
	assert_int_equal(db_begin(f->db, 1, &e), 0);
	assert_int_equal(shift_current(f->db, &sys, f->store_id, "R1", 1, &cur, &e), 0);
	assert_int_equal(db_commit(f->db, &e), 0);
	assert_int_equal(cur, id);

	/* A store manager of another store: the shift does not exist for them. */
	int64_t theirs[] = {f->other_store_id};
	struct user u = {.id = 77,
	                 .username = "m",
	                 .role = ROLE_STORE_MANAGER,
	                 .active = 1,
	                 .store_ids = theirs,
	                 .nstores = 1};
	struct actor mgr = {.user = &u};
	struct shift_counted cnt = {0, -1, -1, -1, -1};
	json_t *z = NULL;
	err_init(&e);
	assert_int_equal(shift_close(f->db, &mgr, id, &cnt, &z, &e), ERR_NOT_FOUND);
	/* Counted cash is required; other tenders may be left out. */
	err_init(&e);
	struct shift_counted nocash = {-1, -1, -1, -1, -1};
	assert_int_equal(shift_close(f->db, &sys, id, &nocash, &z, &e), ERR_INVALID);
	assert_string_equal(e.fields[0].field, "counted.cash");
	err_init(&e);
	assert_int_equal(shift_close(f->db, &sys, 999999, &cnt, &z, &e), ERR_NOT_FOUND);

	/* Lists: by store, status and register; store-bound users see theirs. */
	struct shift_filter fl = {.store_id = f->store_id, .status = "open", .limit = 10};
	struct shift_row *rows;
	int n, more;
	err_init(&e);
	assert_int_equal(shift_list(f->db, a, &fl, &rows, &n, &more, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].id, id);
	assert_int_equal(more, 0);
	fl.status = "closed";
	assert_int_equal(shift_list(f->db, a, &fl, &rows, &n, &more, &e), 0);
	assert_int_equal(n, 0);
	struct shift_filter scoped = {.scope_user_id = 77, .limit = 10};
	assert_int_equal(shift_list(f->db, a, &scoped, &rows, &n, &more, &e), 0);
	assert_int_equal(n, 0); /* user 77 holds no store in user_stores */
	arena_free(a);
}

/* 10,000 sales (3 lines each, every 100th voided, every 20th returned in
 * part) closed in under a second. */
static void test_close_10k(void **state)
{
	static const char sql_sales[] =
	    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000) "
	    "INSERT INTO sales (number, store_id, shift_id, cashier_id, at, day, status, subtotal, "
	    "discount_total, rounding, vat_total, total, paid, change_due) "
	    "SELECT 'T-' || i, ?, ?, 1, 2000, '2026-11-27', "
	    "CASE WHEN i % 100 = 0 THEN 'voided' ELSE 'completed' END, 900, i % 3, 0, 104, "
	    "900 - i % 3, 900 - i % 3, CASE WHEN i % 2 = 0 THEN 100 ELSE 0 END FROM n";
	static const char sql_lines[] =
	    "INSERT INTO sale_lines (sale_id, line_no, product_id, quantity, list_price, "
	    "unit_price, gross, discount, total, vat_rate, vat) "
	    "SELECT s.id, k.k, ?, 1000, 300, 300, 300, 0, 300, 1300, 35 FROM sales s "
	    "CROSS JOIN (SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3) k "
	    "WHERE s.shift_id = ?";
	static const char sql_pays[] =
	    "INSERT INTO sale_payments (sale_id, method, amount) "
	    "SELECT id, CASE WHEN change_due > 0 THEN 'cash' ELSE 'card' END, paid + change_due "
	    "FROM sales WHERE shift_id = ?";
	static const char sql_rets[] =
	    "INSERT INTO sale_returns (sale_id, store_id, shift_id, kind, at, day, user_id, "
	    "refund_total, refund_method) SELECT id, store_id, shift_id, 'return', 3000, "
	    "'2026-11-27', 1, 300, 'cash' FROM sales WHERE shift_id = ? AND id % 20 = 7";
	static const char sql_expect[] =
	    "SELECT SUM(paid), COUNT(*) FROM sales WHERE shift_id = ? AND status <> 'voided'";
	static const char sql_rcount[] = "SELECT COUNT(*) FROM sale_returns WHERE shift_id = ?";
	struct fx *f = get_fx(state);
	struct err e;
	err_init(&e);
	int64_t shift = db_one(f->db, SQL_SHIFT, "iti", f->store_id, "1", (int64_t)20000);
	assert_int_equal(db_begin(f->db, 1, &e), 0);
	db_one(f->db, sql_sales, "ii", f->store_id, shift);
	db_one(f->db, sql_lines, "ii", f->product_id, shift);
	db_one(f->db, sql_pays, "i", shift);
	db_one(f->db, sql_rets, "i", shift);
	db_one(f->db, SQL_RETURN_TENDERS, "i", shift);
	assert_int_equal(db_commit(f->db, &e), 0);
	int64_t paid = db_one(f->db, sql_expect, "i", shift);
	int64_t returns = db_one(f->db, sql_rcount, "i", shift);
	assert_true(returns >= 400);

	struct actor sys = {0};
	struct shift_counted cnt = {
	    .cash = 0, .card = -1, .wechat = -1, .alipay = -1, .voucher = -1};
	json_t *z;
	double t0 = now_ms();
	assert_int_equal(shift_close(f->db, &sys, shift, &cnt, &z, &e), 0);
	double ms = now_ms() - t0;
	fprintf(stderr, "closing a shift of 10,000 sales (%s): %.1f ms\n", db_kind_name(f->db), ms);
	assert_true(ms < 1000.0);
	assert_int_equal(zi(z, "sales", "count"), 9900);
	assert_int_equal(zi(z, "voids", "count"), 100);
	assert_int_equal(zi(z, "sales", "paid"), paid);
	assert_int_equal(zi(z, "returns", "count"), returns);
	assert_int_equal(zi(z, "returns", "refunded"), returns * 300);
	/* The tenders add up to what was paid. */
	assert_int_equal(
	    zi(taking(z, "cash"), NULL, "sales") + zi(taking(z, "card"), NULL, "sales"), paid);
	assert_int_equal(zi(z, "cash", "expected"),
	                 20000 + zi(taking(z, "cash"), NULL, "sales") - returns * 300);
	assert_int_equal(json_integer_value(json_object_get(z, "units")), 9900 * 3);
	json_decref(z);
}

#define TESTS(setup, teardown)                                                                     \
	cmocka_unit_test_setup_teardown(test_z_figures, setup, teardown),                          \
	    cmocka_unit_test_setup_teardown(test_open_scope_list, setup, teardown),                \
	    cmocka_unit_test_setup_teardown(test_close_10k, setup, teardown)

int main(void)
{
	const struct CMUnitTest sqlite[] = {TESTS(setup_sqlite, teardown_sqlite)};
	const struct CMUnitTest pg[] = {TESTS(setup_pg, teardown_pg)};
	int failed = cmocka_run_group_tests_name("shift (sqlite)", sqlite, NULL, NULL);
	failed += cmocka_run_group_tests_name("shift (postgresql)", pg, NULL, NULL);
	return failed ? 1 : 0;
}
