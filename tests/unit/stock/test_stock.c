/* test_stock.c: value rounding and reorder-rule checks; the ledger, its
 * negative-stock modes, low-stock alerts and the recomputation on a fresh
 * migrated SQLite database. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/stock/stock_alert.h"
#include "domain/stock/reorder_rule.h"
#include "domain/stock/stock.h"
#include "tmpdb.h"

/* ---- pure logic -------------------------------------------------------- */

static void test_round_value(void **state)
{
	assert_int_equal(stock_round_value(0), 0);
	assert_int_equal(stock_round_value(499), 0);
	assert_int_equal(stock_round_value(500), 1);
	assert_int_equal(stock_round_value(1499), 1);
	assert_int_equal(stock_round_value(1500), 2);
	assert_int_equal(stock_round_value(-499), 0);
	assert_int_equal(stock_round_value(-500), -1);
	assert_int_equal(stock_round_value(-1500), -2);
	/* 4 x 333 minor units, quantity in thousandths */
	assert_int_equal(stock_round_value(4000LL * 333), 1332);
	/* 0.333 x 1001 = 333.333 */
	assert_int_equal(stock_round_value(333LL * 1001), 333);
}

static void test_avg_cost(void **state)
{
	int64_t c = 0;
	/* 10 at 1000 on hand, 5 more at 1300: 16500 / 15 = 1100 */
	assert_int_equal(stock_avg_cost(10000, 1000, 5000, 1300, &c), 0);
	assert_int_equal(c, 1100);
	/* 3 at 100 + 3 at 101 = 100.5: half up */
	assert_int_equal(stock_avg_cost(3000, 100, 3000, 101, &c), 0);
	assert_int_equal(c, 101);
	/* 3 at 100 + 1 at 101 = 100.25: down */
	assert_int_equal(stock_avg_cost(3000, 100, 1000, 101, &c), 0);
	assert_int_equal(c, 100);
	/* nothing (or less) on hand, or no cost yet: the unit cost */
	assert_int_equal(stock_avg_cost(0, 500, 1000, 700, &c), 0);
	assert_int_equal(c, 700);
	assert_int_equal(stock_avg_cost(-4000, 500, 1000, 700, &c), 0);
	assert_int_equal(c, 700);
	assert_int_equal(stock_avg_cost(4000, -1, 1000, 700, &c), 0);
	assert_int_equal(c, 700);
	/* fractional quantities: 0.5 at 1000 + 0.25 at 400 = 800 */
	assert_int_equal(stock_avg_cost(500, 1000, 250, 400, &c), 0);
	assert_int_equal(c, 800);
	/* huge terms stay exact in 128 bits */
	assert_int_equal(stock_avg_cost(INT64_MAX / 2, INT64_MAX / 4, INT64_MAX / 2,
					 INT64_MAX / 4, &c), 0);
	assert_int_equal(c, INT64_MAX / 4);
	/* refused: no quantity, negative cost */
	assert_int_equal(stock_avg_cost(1000, 100, 0, 100, &c), -1);
	assert_int_equal(stock_avg_cost(1000, 100, 1000, -1, &c), -1);
}

static const char *field_msg(const struct err *e, const char *field)
{
	for (int i = 0; i < e->nfields; i++)
		if (strcmp(e->fields[i].field, field) == 0)
			return e->fields[i].message;
	return NULL;
}

static void test_reorder_check(void **state)
{
	struct err e;
	struct reorder_input in = {.min_qty = 2000, .max_qty = 10000, .lead_time_days = -1,
				   .order_multiple = 1000};

	err_init(&e);
	reorder_check(&in, 1, 1, &e);
	assert_int_equal(e.nfields, 0);

	in.max_qty = in.min_qty; /* min == max is allowed */
	reorder_check(&in, 1, 1, &e);
	assert_int_equal(e.nfields, 0);

	in.max_qty = 1999;
	reorder_check(&in, 1, 1, &e);
	assert_non_null(field_msg(&e, "max"));
	assert_int_equal(e.nfields, 1);

	err_init(&e);
	in = (struct reorder_input){.min_qty = -1, .max_qty = -1, .safety_stock = -1,
				    .lead_time_days = 3651, .order_multiple = 0};
	reorder_check(&in, 1, 1, &e);
	assert_non_null(field_msg(&e, "min"));
	assert_non_null(field_msg(&e, "max"));
	assert_non_null(field_msg(&e, "safety_stock"));
	assert_non_null(field_msg(&e, "lead_time_days"));
	assert_non_null(field_msg(&e, "order_multiple"));

	err_init(&e);
	in = (struct reorder_input){.lead_time_days = 0, .order_multiple = 1};
	reorder_check(&in, 0, 0, &e);
	assert_string_equal(field_msg(&e, "min"), "is required");
	assert_string_equal(field_msg(&e, "max"), "is required");
	assert_int_equal(e.nfields, 2);
}

/* ---- a database per test ---------------------------------------------- */

struct fx {
	struct tmpdb tmp;
	struct db *db;
	struct arena *a;
	struct actor who;
	int64_t store, store_neg, product;
};

static int64_t insert_id(struct db *db, const char *sql)
{
	struct err e;
	err_init(&e);
	struct db_stmt *st = db_query(db, &e, sql, "");
	if (!st || db_step(st, &e) != DB_ROW) {
		fprintf(stderr, "fixture: %s\n", e.msg);
		return -1;
	}
	int64_t id = db_col_int64(st, 0);
	db_reset(st);
	return id;
}

static int fx_setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	struct err e;

	if (tmpdb_make(&f->tmp, "stock") < 0)
		return -1;
	err_init(&e);
	if (db_open(f->tmp.path, &f->db, &e) < 0 || db_migrate(f->db, NULL, &e) < 0) {
		fprintf(stderr, "db: %s\n", e.msg);
		return -1;
	}
	f->store = insert_id(f->db,
		"INSERT INTO stores (code, name, channel, active, allow_negative_stock, "
		"cash_rounding, created_at, updated_at) "
		"VALUES ('S1', 'One', 'direct', 1, 0, 1, 0, 0) RETURNING id");
	f->store_neg = insert_id(f->db,
		"INSERT INTO stores (code, name, channel, active, allow_negative_stock, "
		"cash_rounding, created_at, updated_at) "
		"VALUES ('S2', 'Two', 'direct', 1, 1, 1, 0, 0) RETURNING id");
	f->product = insert_id(f->db,
		"INSERT INTO products (sku, name, unit, price, cost, vat_rate, active, "
		"created_at, updated_at) "
		"VALUES ('SKU-1', 'Green tea', 'pcs', 1000, 600, 0, 1, 0, 0) RETURNING id");
	if (f->store < 0 || f->store_neg < 0 || f->product < 0)
		return -1;
	f->a = arena_new();
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;
	db_close(f->db);
	arena_free(f->a);
	tmpdb_remove(&f->tmp);
	free(f);
	return 0;
}

/* One move in its own transaction; returns stock_move_add's result. */
static int add(struct fx *f, int64_t store, int64_t qty, const char *kind,
	       enum stock_negative neg, int64_t *after, struct err *e)
{
	struct stock_move_input in = {.store_id = store, .product_id = f->product,
				      .quantity = qty, .kind = kind, .unit_cost = -1,
				      .negative = neg};
	err_init(e);
	assert_int_equal(db_begin(f->db, 1, e), 0);
	int rc = stock_move_add(f->db, &f->who, &in, after, NULL, e);
	if (rc < 0)
		db_rollback(f->db);
	else
		assert_int_equal(db_commit(f->db, e), 0);
	return rc;
}

static int64_t on_hand(struct fx *f, int64_t store)
{
	struct err e;
	int64_t v = -999;
	err_init(&e);
	assert_int_equal(stock_on_hand(f->db, store, f->product, &v, &e), 0);
	return v;
}

static int64_t count(struct fx *f, const char *sql)
{
	struct err e;
	int64_t n = -1;
	err_init(&e);
	struct db_stmt *st = db_query(f->db, &e, sql, "");
	assert_non_null(st);
	if (db_step(st, &e) == DB_ROW)
		n = db_col_int64(st, 0);
	db_reset(st);
	return n;
}

static void exec(struct fx *f, const char *sql)
{
	struct err e;
	err_init(&e);
	assert_int_equal(db_exec(f->db, sql, &e), 0);
}

static int64_t check(struct fx *f)
{
	struct err e;
	int64_t bad = -1;
	err_init(&e);
	assert_int_equal(stock_check(f->db, &bad, &e), 0);
	return bad;
}

static void test_moves_and_balance(void **state)
{
	struct fx *f = *state;
	struct err e;
	int64_t after = 0;

	assert_int_equal(on_hand(f, f->store), 0);
	assert_int_equal(add(f, f->store, 5500, "receipt", STOCK_NEG_STORE, &after, &e), 0);
	assert_int_equal(after, 5500);
	assert_int_equal(add(f, f->store, -5500, "sale", STOCK_NEG_STORE, &after, &e), 0);
	assert_int_equal(after, 0);
	assert_int_equal(on_hand(f, f->store), 0);

	/* refused below zero: nothing changes, the message names the product */
	assert_int_equal(add(f, f->store, -1, "sale", STOCK_NEG_STORE, &after, &e),
			 ERR_INSUFFICIENT_STOCK);
	assert_non_null(strstr(e.msg, "SKU-1"));
	assert_non_null(strstr(e.msg, "Green tea"));
	assert_non_null(field_msg(&e, "quantity"));
	assert_int_equal(add(f, f->store, -1, "sale", STOCK_NEG_REFUSE, &after, &e),
			 ERR_INSUFFICIENT_STOCK);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM stock_moves"), 2);

	/* ALLOW: accepted, with a negative_stock alert raised once */
	assert_int_equal(add(f, f->store, -2000, "sale", STOCK_NEG_ALLOW, &after, &e), 0);
	assert_int_equal(after, -2000);
	assert_int_equal(add(f, f->store, -1000, "sale", STOCK_NEG_ALLOW, &after, &e), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM alerts WHERE kind = 'negative_stock' "
				  "AND status = 'open'"), 1);
	/* a receipt is accepted even while the balance stays negative */
	assert_int_equal(add(f, f->store, 1000, "receipt", STOCK_NEG_REFUSE, &after, &e), 0);
	assert_int_equal(after, -2000);
	assert_int_equal(add(f, f->store, 2000, "receipt", STOCK_NEG_REFUSE, &after, &e), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM alerts WHERE kind = 'negative_stock' "
				  "AND status = 'resolved' AND resolved_at IS NOT NULL"), 1);

	/* the store's setting */
	assert_int_equal(add(f, f->store_neg, -3000, "sale", STOCK_NEG_STORE, &after, &e), 0);
	assert_int_equal(on_hand(f, f->store_neg), -3000);
	assert_int_equal(add(f, f->store_neg, -3000, "sale", STOCK_NEG_REFUSE, &after, &e),
			 ERR_INSUFFICIENT_STOCK);

	/* every move records its balance and the ledger adds up */
	assert_int_equal(count(f, "SELECT balance_after FROM stock_moves ORDER BY id DESC LIMIT 1"),
			 -3000);
	assert_int_equal(check(f), 0);
}

static void test_move_validation(void **state)
{
	struct fx *f = *state;
	struct err e;
	struct stock_move_input in = {.store_id = 999, .product_id = 999, .quantity = 0,
				      .kind = "gift", .unit_cost = -1};

	err_init(&e);
	assert_int_equal(db_begin(f->db, 1, &e), 0);
	assert_int_equal(stock_move_add(f->db, &f->who, &in, NULL, NULL, &e), ERR_INVALID);
	db_rollback(f->db);
	assert_non_null(field_msg(&e, "quantity"));
	assert_non_null(field_msg(&e, "kind"));
	assert_non_null(field_msg(&e, "store_id"));
	assert_non_null(field_msg(&e, "product_id"));
	assert_int_equal(count(f, "SELECT COUNT(*) FROM stock_moves"), 0);
}

static void test_low_stock_alerts(void **state)
{
	struct fx *f = *state;
	struct err e;
	struct reorder_rule *r;
	int created;
	struct reorder_input in = {.min_qty = 5000, .max_qty = 20000, .lead_time_days = -1,
				   .order_multiple = 1000};
	const char *open = "SELECT COUNT(*) FROM alerts WHERE kind = 'low_stock' AND status = 'open'";
	const char *all = "SELECT COUNT(*) FROM alerts WHERE kind = 'low_stock'";

	assert_int_equal(add(f, f->store, 10000, "receipt", STOCK_NEG_STORE, NULL, &e), 0);
	err_init(&e);
	assert_int_equal(reorder_put(f->db, f->a, &f->who, f->store, f->product, &in, &r,
				     &created, &e), 0);
	assert_int_equal(created, 1);
	assert_int_equal(count(f, all), 0);

	assert_int_equal(add(f, f->store, -4999, "sale", STOCK_NEG_STORE, NULL, &e), 0);
	assert_int_equal(count(f, all), 0); /* 5.001 > 5 */
	assert_int_equal(add(f, f->store, -1, "sale", STOCK_NEG_STORE, NULL, &e), 0);
	assert_int_equal(count(f, open), 1); /* at min */
	assert_int_equal(add(f, f->store, -1000, "sale", STOCK_NEG_STORE, NULL, &e), 0);
	assert_int_equal(count(f, all), 1); /* once */
	assert_int_equal(add(f, f->store, 1000, "receipt", STOCK_NEG_STORE, NULL, &e), 0);
	assert_int_equal(count(f, open), 1); /* back at min: still low */
	assert_int_equal(add(f, f->store, 1, "receipt", STOCK_NEG_STORE, NULL, &e), 0);
	assert_int_equal(count(f, open), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM alerts WHERE status = 'resolved'"), 1);

	/* raising min above the balance raises at once; removing the rule resolves */
	in.min_qty = 6000;
	err_init(&e);
	assert_int_equal(reorder_put(f->db, f->a, &f->who, f->store, f->product, &in, &r,
				     &created, &e), 0);
	assert_int_equal(created, 0);
	assert_int_equal(count(f, open), 1);
	err_init(&e);
	assert_int_equal(reorder_delete(f->db, &f->who, f->store, f->product, &e), 0);
	assert_int_equal(count(f, open), 0);
	err_init(&e);
	assert_int_equal(reorder_delete(f->db, &f->who, f->store, f->product, &e), ERR_NOT_FOUND);
	/* without a rule, nothing is raised */
	assert_int_equal(add(f, f->store, -5000, "sale", STOCK_NEG_STORE, NULL, &e), 0);
	assert_int_equal(count(f, all), 2);
	assert_int_equal(check(f), 0);
}

static void test_check_finds_differences(void **state)
{
	struct fx *f = *state;
	struct err e;

	assert_int_equal(check(f), 0); /* empty */
	assert_int_equal(add(f, f->store, 3000, "receipt", STOCK_NEG_STORE, NULL, &e), 0);
	assert_int_equal(add(f, f->store_neg, 1000, "receipt", STOCK_NEG_STORE, NULL, &e), 0);
	assert_int_equal(check(f), 0);

	/* a balance that drifted */
	exec(f, "UPDATE stock_balances SET on_hand = on_hand + 1 WHERE store_id = 1");
	assert_int_equal(check(f), 1);
	exec(f, "UPDATE stock_balances SET on_hand = on_hand - 1 WHERE store_id = 1");
	assert_int_equal(check(f), 0);

	/* moves without a balance row */
	exec(f, "DELETE FROM stock_balances WHERE store_id = 2");
	assert_int_equal(check(f), 1);

	/* a balance row without moves: zero is consistent, anything else not */
	exec(f, "INSERT INTO stock_balances (store_id, product_id, on_hand, updated_at) "
		"VALUES (2, 1, 0, 0)");
	assert_int_equal(check(f), 1);
	exec(f, "DELETE FROM stock_moves WHERE store_id = 2");
	assert_int_equal(check(f), 0);
	exec(f, "UPDATE stock_balances SET on_hand = 7 WHERE store_id = 2");
	assert_int_equal(check(f), 1);
}

#define DBT(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_value),
		cmocka_unit_test(test_reorder_check),
		cmocka_unit_test(test_avg_cost),
		DBT(test_moves_and_balance),
		DBT(test_move_validation),
		DBT(test_low_stock_alerts),
		DBT(test_check_finds_differences),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
