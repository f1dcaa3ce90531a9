/* test_slow.c: the slow-movers report and days of cover on a fresh migrated
 * SQLite database, with sale moves written through the stock ledger. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/slow_movers.h"
#include "base/arena.h"
#include "base/err.h"
#include "base/timeutil.h"
#include "db/db.h"
#include "domain/catalog/product.h"
#include "domain/stock/stock.h"
#include "domain/org/store.h"
#include "domain/org/user.h"
#include "tmpdb.h"

#define U(n) ((int64_t)(n) * 1000)
#define DAY INT64_C(86400000)

struct fx {
	struct tmpdb tmp;
	struct db *db;
	struct arena *a;
	struct actor who;
	struct err e;
	int64_t s1, s2;         /* stores */
	int64_t p1, p2, p3, p4; /* products */
	int64_t now;
};

static int64_t mk_store(struct fx *f, const char *code)
{
	struct store_input in = {0};
	struct store *s;

	in.code = code;
	in.name = code;
	in.channel = "direct";
	in.allow_negative_stock = -1;
	in.active = -1;
	err_init(&f->e);
	assert_int_equal(store_create(f->db, f->a, &f->who, &in, &s, &f->e), 0);
	return s->id;
}

static int64_t mk_product(struct fx *f, const char *sku, int64_t cost)
{
	struct product_input in = {0};
	struct product *p;

	in.sku = sku;
	in.name = sku;
	in.price = 1000;
	in.cost = cost;
	in.vat_rate = 1300;
	in.active = -1;
	in.set_price = in.set_vat = 1;
	err_init(&f->e);
	assert_int_equal(product_create(f->db, f->a, &f->who, &in, &p, &f->e), 0);
	return p->id;
}

/* One move through the ledger in its own write transaction. */
static void move(struct fx *f, int64_t store, int64_t product, int64_t qty,
		 const char *kind)
{
	struct stock_move_input in = {0};

	in.store_id = store;
	in.product_id = product;
	in.quantity = qty;
	in.kind = kind;
	in.unit_cost = -1;
	in.negative = STOCK_NEG_REFUSE;
	err_init(&f->e);
	assert_int_equal(db_begin(f->db, 1, &f->e), 0);
	assert_int_equal(stock_move_add(f->db, &f->who, &in, NULL, NULL, &f->e), 0);
	assert_int_equal(db_commit(f->db, &f->e), 0);
}

/* S1: P1 (cost 250) 10 in, 4 sold; P2 (no cost) 5 in, never sold; P3 3 in,
 * 3 sold (nothing left). S2: P4 (cost 99) 7 in, 1 sold, 2 returned. */
static int fx_setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	struct err e;

	if (tmpdb_make(&f->tmp, "slow") < 0)
		return -1;
	err_init(&e);
	if (db_open(f->tmp.path, &f->db, &e) < 0 || db_migrate(f->db, NULL, &e) < 0) {
		fprintf(stderr, "db: %s\n", e.msg);
		return -1;
	}
	f->a = arena_new();
	*state = f;
	f->s1 = mk_store(f, "S1");
	f->s2 = mk_store(f, "S2");
	f->p1 = mk_product(f, "P1", 250);
	f->p2 = mk_product(f, "P2", -1);
	f->p3 = mk_product(f, "P3", 10);
	f->p4 = mk_product(f, "P4", 99);
	move(f, f->s1, f->p1, U(10), "receipt");
	move(f, f->s1, f->p1, U(-4), "sale");
	move(f, f->s1, f->p2, U(5), "receipt");
	move(f, f->s1, f->p3, U(3), "receipt");
	move(f, f->s1, f->p3, U(-3), "sale");
	move(f, f->s2, f->p4, U(7), "receipt");
	move(f, f->s2, f->p4, U(-1), "sale");
	move(f, f->s2, f->p4, U(2), "return");
	f->now = ts_now_ms() + 1000;
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

/* Runs the report; returns the row count. */
static int run(struct fx *f, int64_t store, const struct user *u, int days,
	       int64_t now, int64_t offset, int limit, struct slow_item **items,
	       int *more)
{
	struct slow_filter flt = {0};
	int n = -1, m = -1;

	flt.store_id = store;
	flt.user = u;
	flt.days = days;
	flt.now_ms = now;
	flt.offset = offset;
	flt.limit = limit;
	err_init(&f->e);
	assert_int_equal(slow_movers(f->db, f->a, &flt, items, &n, &m, &f->e), 0);
	if (more)
		*more = m;
	return n;
}

static void test_recent_sales_are_not_slow(void **state)
{
	struct fx *f = *state;
	struct slow_item *it;
	int n = run(f, 0, NULL, 90, f->now, 0, 50, &it, NULL);

	/* Only P2 (never sold) in S1; P3 has no stock left. */
	assert_int_equal(n, 1);
	assert_int_equal(it[0].store_id, f->s1);
	assert_int_equal(it[0].product_id, f->p2);
	assert_string_equal(it[0].sku, "P2");
	assert_int_equal(it[0].on_hand, U(5));
	assert_int_equal(it[0].last_sale_at, 0);
	assert_int_equal(it[0].unit_cost, -1);
	assert_int_equal(it[0].value, -1);
	assert_int_equal(it[0].sold_28d, 0);
	assert_int_equal(it[0].cover_tenths, -1);
}

static void test_old_sales_are_slow(void **state)
{
	struct fx *f = *state;
	struct slow_item *it;
	/* A hundred days on, every sale is older than 90 days. */
	int n = run(f, 0, NULL, 90, f->now + 100 * DAY, 0, 50, &it, NULL);

	assert_int_equal(n, 3);
	assert_int_equal(it[0].product_id, f->p1);
	assert_int_equal(it[1].product_id, f->p2);
	assert_int_equal(it[2].product_id, f->p4);
	assert_int_equal(it[2].store_id, f->s2);
	/* P1: 6 left at 250 = 1500; sold once, long ago: no cover. */
	assert_int_equal(it[0].on_hand, U(6));
	assert_int_equal(it[0].value, 1500);
	assert_true(it[0].last_sale_at > 0 && it[0].last_sale_at <= f->now);
	assert_int_equal(it[0].sold_28d, 0);
	assert_int_equal(it[0].cover_tenths, -1);
	/* P4: 7 - 1 + 2 = 8 at 99. */
	assert_int_equal(it[2].on_hand, U(8));
	assert_int_equal(it[2].value, 792);
	assert_true(it[2].last_sale_at > 0);
}

static void test_cover_from_the_last_28_days(void **state)
{
	struct fx *f = *state;
	struct slow_item *it;
	/* Ten days on, no sale in the last 7 days, but sales within 28. */
	int n = run(f, 0, NULL, 7, f->now + 10 * DAY, 0, 50, &it, NULL);

	assert_int_equal(n, 3);
	/* P1: 6 on hand, 4 sold in 28 days: 6 / (4/28) = 42 days. */
	assert_int_equal(it[0].product_id, f->p1);
	assert_int_equal(it[0].sold_28d, U(4));
	assert_int_equal(it[0].cover_tenths, 420);
	/* P2 never sold. */
	assert_int_equal(it[1].cover_tenths, -1);
	/* P4: 8 on hand, 1 sold (the return is not a sale): 224 days. */
	assert_int_equal(it[2].sold_28d, U(1));
	assert_int_equal(it[2].cover_tenths, 2240);
}

static void test_store_filter_and_scoping(void **state)
{
	struct fx *f = *state;
	struct slow_item *it;
	struct user u = {0};
	struct user_input ui = {0};
	struct user *made;
	int64_t stores[1];
	int n;

	n = run(f, f->s2, NULL, 90, f->now + 100 * DAY, 0, 50, &it, NULL);
	assert_int_equal(n, 1);
	assert_int_equal(it[0].product_id, f->p4);

	/* A store manager of S2 sees S2 only, without naming it. */
	stores[0] = f->s2;
	ui.username = "mgr";
	ui.password = "Manager-passw0rd-2026";
	ui.display_name = "Manager";
	ui.role = ROLE_STORE_MANAGER;
	ui.active = -1;
	ui.has_store_ids = 1;
	ui.store_ids = stores;
	ui.nstores = 1;
	err_init(&f->e);
	assert_int_equal(user_create(f->db, f->a, &f->who, &ui, &made, &f->e), 0);
	u = *made;
	n = run(f, 0, &u, 90, f->now + 100 * DAY, 0, 50, &it, NULL);
	assert_int_equal(n, 1);
	assert_int_equal(it[0].store_id, f->s2);
	/* Naming another store gives nothing. */
	assert_int_equal(run(f, f->s1, &u, 90, f->now + 100 * DAY, 0, 50, &it, NULL), 0);
	/* hq (not store-bound) sees every store. */
	u.role = ROLE_HQ;
	assert_int_equal(run(f, 0, &u, 90, f->now + 100 * DAY, 0, 50, &it, NULL), 3);
}

static void test_pages(void **state)
{
	struct fx *f = *state;
	struct slow_item *it;
	int more = -1;
	int64_t later = f->now + 100 * DAY;

	assert_int_equal(run(f, 0, NULL, 90, later, 0, 2, &it, &more), 2);
	assert_int_equal(more, 1);
	assert_int_equal(it[1].product_id, f->p2);
	assert_int_equal(run(f, 0, NULL, 90, later, 2, 2, &it, &more), 1);
	assert_int_equal(more, 0);
	assert_int_equal(it[0].product_id, f->p4);
}

static void test_days_checked(void **state)
{
	struct fx *f = *state;
	struct slow_filter flt = {0};
	struct slow_item *it;
	int n, more;

	static const int bad[] = {-1, 0, SLOW_DAYS_MAX + 1};

	flt.limit = 10;
	flt.now_ms = f->now;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		flt.days = bad[i];
		err_init(&f->e);
		assert_int_equal(slow_movers(f->db, f->a, &flt, &it, &n, &more, &f->e),
				 ERR_INVALID);
		assert_string_equal(f->e.fields[0].field, "days");
	}
	flt.days = SLOW_DAYS_MAX;
	err_init(&f->e);
	assert_int_equal(slow_movers(f->db, f->a, &flt, &it, &n, &more, &f->e), 0);
}

static void test_cover_arithmetic(void **state)
{
	assert_int_equal(slow_cover_tenths(U(1), U(3)), 93);   /* 9.33 */
	assert_int_equal(slow_cover_tenths(U(1), U(6)), 47);   /* 4.666 -> 4.7 */
	assert_int_equal(slow_cover_tenths(U(28), U(28)), 280); /* one a day */
	assert_int_equal(slow_cover_tenths(1, U(560)), 0);     /* 0.00005 days */
	assert_int_equal(slow_cover_tenths(U(10), 0), -1);
	assert_int_equal(slow_cover_tenths(U(10), U(-2)), -1);
	assert_int_equal(slow_cover_tenths(INT64_MAX, 1), -1); /* does not fit */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_recent_sales_are_not_slow, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_old_sales_are_slow, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_cover_from_the_last_28_days, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_store_filter_and_scoping, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_pages, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_days_checked, fx_setup, fx_teardown),
		cmocka_unit_test(test_cover_arithmetic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
