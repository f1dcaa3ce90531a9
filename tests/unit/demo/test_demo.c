/* test_demo.c: the small demo company on SQLite (a temp file) and, when
 * TERSA_TEST_PG_URL is set, on PostgreSQL (one schema per company): the
 * domain's checks pass on it (ledgers, coupons, rollups, stock, journal),
 * the same seed gives the same sales, another seed other sales, its rollups
 * equal their recomputation from the sales, and a sale after midnight in
 * the company's time zone belongs to the new business day. Each engine's
 * tests share one company, made once by the group set-up (making one takes
 * seconds); the tests leave it as they found it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/timeutil.h"
#include "db/db.h"
#include "domain/demo/demo.h"
#include "domain/loyalty/coupon.h"
#include "domain/loyalty/points.h"
#include "domain/pos/journal.h"
#include "domain/pos/rollup_rebuild.h"
#include "domain/stock/stock.h"
#include "pgschema.h"
#include "tmpdb.h"

#define END_DAY "2026-06-20" /* a month with 618 in it */

/* One database: a SQLite file or a PostgreSQL schema. */
struct one {
	struct db *db;
	struct tmpdb tmp;
	struct pgschema schema;
};

struct fx {
	int pg;
	struct one a, b;
	struct demo_stats st; /* what making a (seed SEED) gave */
};

#define SEED 7 /* the shared company's */

static int open_one(struct fx *f, struct one *o)
{
	struct err e;
	err_init(&e);
	if (f->pg)
		return pgschema_open(&o->schema, "tersa_demo", &o->db) == 1 ? 0 : -1;
	if (tmpdb_make(&o->tmp, "demo") < 0)
		return -1;
	if (db_open(o->tmp.path, &o->db, &e) < 0 || db_migrate(o->db, NULL, &e) < 0) {
		fprintf(stderr, "setup: %s\n", e.msg);
		return -1;
	}
	return 0;
}

static void close_one(struct fx *f, struct one *o)
{
	if (!o->db)
		return;
	if (f->pg)
		pgschema_drop(&o->schema, o->db);
	db_close(o->db);
	if (!f->pg)
		tmpdb_remove(&o->tmp);
	o->db = NULL;
}

static int make_shared(struct fx *f);

static int setup_sqlite(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	*state = f;
	return open_one(f, &f->a) < 0 ? -1 : make_shared(f);
}

static int setup_pg(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	f->pg = 1;
	*state = f;
	const char *url = getenv("TERSA_TEST_PG_URL");
	if (!url || !*url)
		return 0; /* skipped */
	return open_one(f, &f->a) < 0 ? -1 : make_shared(f);
}

static int teardown(void **state)
{
	struct fx *f = *state;
	close_one(f, &f->a);
	close_one(f, &f->b);
	free(f);
	return 0;
}

static struct fx *get_fx(void **state)
{
	struct fx *f = *state;
	if (!f->a.db)
		skip();
	return f;
}

static void make(struct db *db, uint64_t seed, struct demo_stats *st)
{
	struct demo_opts o = {.scale = DEMO_SMALL, .seed = seed, .end_day = END_DAY};
	struct err e;
	err_init(&e);
	int rc = demo_generate(db, &o, st, &e);
	if (rc < 0)
		fprintf(stderr, "demo: %s\n", e.msg);
	assert_int_equal(rc, 0);
}

/* The group's company: a with seed SEED, its stats in f->st. */
static int make_shared(struct fx *f)
{
	struct demo_opts o = {.scale = DEMO_SMALL, .seed = SEED, .end_day = END_DAY};
	struct err e;
	err_init(&e);
	if (demo_generate(f->a.db, &o, &f->st, &e) < 0) {
		fprintf(stderr, "demo: %s\n", e.msg);
		return -1;
	}
	return 0;
}

static int64_t one_int(struct db *db, const char *sql)
{
	struct err e;
	err_init(&e);
	struct db_stmt *st = db_prepare(db, sql, &e);
	assert_non_null(st);
	assert_int_equal(db_step(st, &e), DB_ROW);
	int64_t v = db_col_int64(st, 0);
	db_reset(st);
	return v;
}

/* A digest of every row sql yields (columns as text). */
static void digest(struct db *db, const char *sql, unsigned char out[32])
{
	struct err e;
	err_init(&e);
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, 32);
	struct db_stmt *st = db_prepare(db, sql, &e);
	assert_non_null(st);
	int rc;
	while ((rc = db_step(st, &e)) == DB_ROW) {
		for (int c = 0; c < db_column_count(st); c++) {
			const char *t = db_col_text(st, c);
			crypto_generichash_update(&h, (const unsigned char *)(t ? t : "\x01"),
						  strlen(t ? t : "\x01") + 1);
		}
	}
	assert_int_equal(rc, DB_DONE);
	crypto_generichash_final(&h, out, 32);
}

static const char SQL_SALES_DIGEST[] =
	"SELECT s.id, s.number, s.store_id, s.customer_id, s.cashier_id, s.at, s.day, s.status, "
	"s.total, s.paid, s.points_earned, s.points_redeemed, l.line_no, l.product_id, "
	"l.quantity, l.discount, l.total, l.vat FROM sales s JOIN sale_lines l ON l.sale_id = s.id "
	"ORDER BY s.id, l.line_no";

static void test_invariants(void **state)
{
	struct fx *f = get_fx(state);
	struct db *db = f->a.db;
	struct demo_stats st = f->st;
	assert_int_equal(st.stores, 3);
	assert_true(st.sales > 1000 && st.customers > 0 && st.returns > 0 && st.voids > 0);
	struct err e;
	err_init(&e);
	struct buf report;
	buf_init(&report, 0);
	int64_t problems = -1, bad = -1;
	assert_int_equal(loyalty_check(db, &report, &problems, &e), 0);
	assert_int_equal(problems, 0);
	assert_int_equal(coupon_check(db, &bad, &e), 0);
	assert_int_equal(bad, 0);
	assert_int_equal(rollup_check(db, &report, &problems, &e), 0);
	if (problems)
		fputs(report.data, stderr);
	assert_int_equal(problems, 0);
	buf_release(&report);
	assert_int_equal(stock_check(db, &bad, &e), 0);
	assert_int_equal(bad, 0);
	struct arena *a = arena_new();
	struct journal_report jr;
	assert_int_equal(journal_verify(db, a, 0, &jr, &e), 0);
	arena_free(a);
	assert_int_equal(jr.bad_seq, 0);
	/* A record per sale, void and return. */
	assert_int_equal(jr.records, st.sales + st.voids + st.returns);
	/* What a real company has: members earning and spending points, promotions
	 * (618), cash rounding, offline sales, every day's shift closed. */
	assert_true(one_int(db, "SELECT COUNT(*) FROM sales WHERE points_earned > 0") > 100);
	assert_true(one_int(db, "SELECT COUNT(*) FROM sale_payments WHERE method = 'points'") > 0);
	assert_true(one_int(db, "SELECT COUNT(*) FROM sale_line_discounts WHERE source = 'promotion'") > 0);
	assert_true(one_int(db, "SELECT COUNT(*) FROM sales WHERE rounding > 0") > 0);
	assert_true(one_int(db, "SELECT COUNT(*) FROM coupons WHERE status = 'redeemed'") > 0);
	assert_int_equal(one_int(db, "SELECT COUNT(*) FROM coupons c WHERE c.status = 'redeemed' AND "
				     "c.discount <> (SELECT SUM(d.amount) FROM sale_line_discounts d "
				     "WHERE d.source = 'coupon' AND d.source_id = c.id)"), 0);
	assert_true(one_int(db, "SELECT COUNT(*) FROM sales WHERE offline_at IS NOT NULL") > 0);
	assert_int_equal(one_int(db, "SELECT COUNT(*) FROM shifts WHERE status <> 'closed'"), 0);
	assert_int_equal(one_int(db, "SELECT COUNT(*) FROM sales WHERE total <> paid + rounding"), 0);
	assert_int_equal(one_int(db, "SELECT COUNT(*) FROM sales s WHERE paid + change_due <> "
				     "(SELECT SUM(amount) FROM sale_payments p WHERE p.sale_id = s.id)"), 0);
	assert_int_equal(one_int(db, "SELECT COUNT(*) FROM sales s WHERE total <> "
				     "(SELECT SUM(total) FROM sale_lines l WHERE l.sale_id = s.id)"), 0);
	/* Phones are unique and mobile; barcodes valid EAN-13 (checked in SQL:
	 * 13 digits starting 69). */
	assert_int_equal(one_int(db, "SELECT COUNT(*) FROM customers WHERE LENGTH(phone) <> 11 "
				     "OR phone NOT LIKE '1%'"), 0);
	assert_int_equal(one_int(db, "SELECT COUNT(*) FROM products WHERE LENGTH(barcode) <> 13 "
				     "OR barcode NOT LIKE '69%'"), 0);
	/* A second run leaves the company as it is. */
	struct demo_stats again;
	make(db, SEED, &again);
	assert_int_equal(again.sales, 0);
	assert_int_equal(one_int(db, "SELECT COUNT(*) FROM sales"), st.sales);
}

static void test_same_seed(void **state)
{
	struct fx *f = get_fx(state);
	assert_int_equal(open_one(f, &f->b), 0);
	struct demo_stats s2;
	make(f->b.db, SEED, &s2);
	unsigned char d1[32], d2[32], d3[32];
	digest(f->a.db, SQL_SALES_DIGEST, d1);
	digest(f->b.db, SQL_SALES_DIGEST, d2);
	assert_memory_equal(d1, d2, 32);
	close_one(f, &f->b);
	assert_int_equal(open_one(f, &f->b), 0);
	make(f->b.db, SEED + 1, &s2);
	digest(f->b.db, SQL_SALES_DIGEST, d3);
	assert_memory_not_equal(d1, d3, 32);
	close_one(f, &f->b);
}

/* The amount columns of d (after its keys). */
static const char *amounts_of(const struct rollup_def *d)
{
	const char *c = d->columns;
	for (int k = 0; k < d->keys; k++)
		c = strchr(c, ',') + 1;
	while (*c == ' ')
		c++;
	return c;
}

/* A digest of d's table: its rows whose amounts are not all 0 (a sale and
 * its void leave such rows, which count as absent), in key order. */
static void table_digest(struct db *db, int i, unsigned char out[32])
{
	/* Kept for the process: statements are cached by the text's address. */
	static char *sqls[32];
	const struct rollup_def *d = &rollup_defs[i];
	if (sqls[i]) {
		digest(db, sqls[i], out);
		return;
	}
	struct buf b;
	buf_init(&b, 0);
	const char *am = amounts_of(d);
	buf_printf(&b, "SELECT %s FROM %s WHERE NOT (", d->columns, d->table);
	for (const char *c = am; *c;) {
		size_t n = strcspn(c, ",");
		buf_printf(&b, "%s%.*s = 0", c == am ? "" : " AND ", (int)n, c);
		c += n;
		while (*c == ',' || *c == ' ')
			c++;
	}
	buf_printf(&b, ") ORDER BY ");
	const char *c = d->columns;
	for (int k = 0; k < d->keys; k++) {
		size_t n = strcspn(c, ",");
		buf_printf(&b, "%s%.*s", k ? ", " : "", (int)n, c);
		c += n + 2;
	}
	sqls[i] = buf_detach(&b, NULL);
	digest(db, sqls[i], out);
}

/* Adds delta to the first amount of one row of d's table (the first in
 * key order). */
static void nudge(struct db *db, int i, int delta)
{
	static char *sqls[32][2]; /* kept: statements are cached by address */
	const struct rollup_def *d = &rollup_defs[i];
	struct err e;
	err_init(&e);
	const char *am = amounts_of(d);
	size_t an = strcspn(am, ",");
	struct buf q, u;
	buf_init(&q, 0);
	buf_init(&u, 0);
	/* The keys as text, so that one statement fits every key type. */
	buf_printf(&q, "SELECT ");
	buf_printf(&u, "UPDATE %s SET %.*s = %.*s + ? WHERE ", d->table, (int)an, am, (int)an, am);
	const char *c = d->columns;
	for (int k = 0; k < d->keys; k++) {
		size_t n = strcspn(c, ",");
		buf_printf(&q, "%sCAST(%.*s AS TEXT)", k ? ", " : "", (int)n, c);
		buf_printf(&u, "%sCAST(%.*s AS TEXT) = ?", k ? " AND " : "", (int)n, c);
		c += n + 2;
	}
	buf_printf(&q, " FROM %s ORDER BY 1, 2%s LIMIT 1", d->table, d->keys > 2 ? ", 3" : "");
	if (!sqls[i][0]) {
		sqls[i][0] = buf_detach(&q, NULL);
		sqls[i][1] = buf_detach(&u, NULL);
	} else {
		buf_release(&q);
		buf_release(&u);
	}
	struct db_stmt *st = db_prepare(db, sqls[i][0], &e);
	assert_non_null(st);
	assert_int_equal(db_step(st, &e), DB_ROW);
	char *key[3] = {0};
	for (int k = 0; k < d->keys; k++)
		key[k] = strdup(db_col_text(st, k));
	db_reset(st);
	struct db_stmt *up = db_prepare(db, sqls[i][1], &e);
	assert_non_null(up);
	db_bind_int64(up, 1, delta);
	for (int k = 0; k < d->keys; k++)
		db_bind_text(up, k + 2, key[k]);
	assert_int_equal(db_run(up, &e), 0);
	for (int k = 0; k < d->keys; k++)
		free(key[k]);
}

/* The rollups the generator summed equal the recomputation from the sales:
 * every rollup table has rows and rollup_check finds nothing; a changed row
 * of any table is found; and rollup_rebuild gives back exactly the rows the
 * generator wrote. */
static void test_rollups(void **state)
{
	struct fx *f = get_fx(state);
	struct db *db = f->a.db;
	struct err e;
	err_init(&e);
	int64_t problems = -1;
	assert_int_equal(rollup_ndefs, 13);
	unsigned char(*before)[32] = calloc((size_t)rollup_ndefs, 32);
	assert_non_null(before);
	static char count_sql[32][96]; /* statements are cached by address */
	for (int i = 0; i < rollup_ndefs; i++) {
		char *sql = count_sql[i];
		snprintf(sql, sizeof count_sql[i], "SELECT COUNT(*) FROM %s", rollup_defs[i].table);
		if (one_int(db, sql) == 0)
			fprintf(stderr, "%s is empty\n", rollup_defs[i].table);
		assert_true(one_int(db, sql) > 0);
		table_digest(db, i, before[i]);
	}
	struct buf report;
	buf_init(&report, 0);
	assert_int_equal(rollup_check(db, &report, &problems, &e), 0);
	if (problems)
		fputs(report.data, stderr);
	assert_int_equal(problems, 0);
	/* The demo's returns count in the product, category and staff rows. */
	assert_true(one_int(db, "SELECT SUM(returns) FROM rollup_day_store_product") > 0);
	assert_int_equal(one_int(db, "SELECT SUM(refunded) FROM rollup_day_store_staff"),
			 one_int(db, "SELECT SUM(refund_total) FROM sale_returns"));
	for (int i = 0; i < rollup_ndefs; i++) {
		const struct rollup_def *d = &rollup_defs[i];
		char name[96];
		snprintf(name, sizeof name, "%s: stored row", d->table);
		nudge(db, i, 1);
		buf_reset(&report);
		/* That table's check (rollup_check runs the same for each). */
		assert_int_equal(rollup_check_one(db, i, &report, &problems, &e), 0);
		if (problems != 2 || !strstr(report.data, name))
			fprintf(stderr, "%s: %lld problems\n%s", d->table, (long long)problems,
				report.data ? report.data : "");
		assert_int_equal(problems, 2); /* the stored row, the recomputed one */
		assert_non_null(strstr(report.data, name));
		nudge(db, i, -1);
	}
	buf_release(&report);
	assert_int_equal(db_exec(db, "UPDATE rollup_day_store SET revenue = revenue + 1 "
				     "WHERE store_id = (SELECT MIN(store_id) FROM rollup_day_store)", &e), 0);
	assert_int_equal(rollup_check(db, NULL, &problems, &e), 0);
	assert_true(problems > 0);
	assert_int_equal(db_begin(db, 1, &e), 0);
	assert_int_equal(rollup_rebuild(db, &e), 0);
	assert_int_equal(db_commit(db, &e), 0);
	assert_int_equal(rollup_check(db, NULL, &problems, &e), 0);
	assert_int_equal(problems, 0);
	for (int i = 0; i < rollup_ndefs; i++) {
		unsigned char after[32];
		table_digest(db, i, after);
		if (memcmp(before[i], after, 32) != 0)
			fprintf(stderr, "%s differs after the rebuild\n", rollup_defs[i].table);
		assert_memory_equal(before[i], after, 32);
	}
	free(before);
	/* Revenue by store and day is what was paid less what was refunded. */
	assert_int_equal(one_int(db, "SELECT SUM(revenue) FROM rollup_day_store"),
			 one_int(db, "SELECT (SELECT SUM(paid) FROM sales WHERE status <> 'voided') - "
				     "(SELECT SUM(refund_total) FROM sale_returns)"));
}

/* The web shop sells through the night: a sale after midnight in the
 * company's time zone (Asia/Shanghai, before 16:00 UTC of the previous
 * day) has the new day as its business day, in its row and its rollup. */
static void test_midnight(void **state)
{
	struct fx *f = get_fx(state);
	struct db *db = f->a.db;
	assert_string_equal(ts_zone(), "Asia/Shanghai");
	struct err e;
	err_init(&e);
	static const char sql[] = "SELECT id, at, day, store_id FROM sales ORDER BY id";
	struct db_stmt *q = db_prepare(db, sql, &e);
	assert_non_null(q);
	int64_t crossing = 0, crossing_id = 0, crossing_store = 0;
	char crossing_day[11] = "";
	int rc;
	while ((rc = db_step(q, &e)) == DB_ROW) {
		char local[11], utc[11];
		int64_t at = db_col_int64(q, 1);
		ts_day(at, local, sizeof local);
		assert_string_equal(db_col_text(q, 2), local);
		time_t t = (time_t)(at / 1000);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(utc, sizeof utc, "%Y-%m-%d", &tm);
		if (strcmp(utc, local) != 0) {
			if (!crossing++) {
				crossing_id = db_col_int64(q, 0);
				crossing_store = db_col_int64(q, 3);
				snprintf(crossing_day, sizeof crossing_day, "%s", local);
			}
		}
	}
	assert_int_equal(rc, DB_DONE);
	assert_true(crossing > 0);
	assert_true(crossing_id > 0);
	/* Its day's rollup counts it: the orders of that store and day are the
	 * sales of that business day that were not voided. */
	static const char sql2[] =
		"SELECT (SELECT orders FROM rollup_day_store WHERE day = ? AND store_id = ?) - "
		"(SELECT COUNT(*) FROM sales WHERE day = ? AND store_id = ? AND status <> 'voided')";
	struct db_stmt *q2 = db_query(db, &e, sql2, "titi", crossing_day, crossing_store,
				      crossing_day, crossing_store);
	assert_non_null(q2);
	assert_int_equal(db_step(q2, &e), DB_ROW);
	assert_int_equal(db_col_int64(q2, 0), 0);
	db_reset(q2);
}

/* In this order: test_same_seed compares with the shared company's sales
 * before anything else could touch them. */
#define TESTS                                                                          \
	cmocka_unit_test(test_invariants), cmocka_unit_test(test_same_seed),           \
	    cmocka_unit_test(test_rollups), cmocka_unit_test(test_midnight)

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest sqlite[] = {TESTS};
	const struct CMUnitTest pg[] = {TESTS};
	int failed = cmocka_run_group_tests_name("demo (sqlite)", sqlite, setup_sqlite, teardown);
	failed += cmocka_run_group_tests_name("demo (postgresql)", pg, setup_pg, teardown);
	return failed ? 1 : 0;
}
