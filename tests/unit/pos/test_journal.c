/* test_journal.c: the tamper-evident journal on a temp SQLite database —
 * sales and returns written by SQL, recorded through journal_append, then
 * altered behind the application's back: journal_verify must name the
 * first broken record each time. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "analytics/sales_report.h"
#include "base/arena.h"
#include "db/db.h"
#include "domain/pos/journal.h"
#include "tmpdb.h"

struct fx {
	struct db *db;
	struct arena *a;
	struct tmpdb tmp;
};

static void must(struct db *db, const char *sql)
{
	struct err e;
	err_init(&e);
	if (db_exec(db, sql, &e) < 0)
		fail_msg("%s: %s", sql, e.msg);
}

/* Records sale or return `id` of store `store` in the journal, in its own
 * transaction as the application does. */
static void record(struct fx *f, const char *kind, int64_t store, int64_t id)
{
	struct err e;
	char *content = NULL;
	err_init(&e);
	assert_int_equal(db_begin(f->db, 1, &e), 0);
	int rc = strcmp(kind, "sale") == 0 ? journal_sale_content(f->db, id, &content, &e)
					   : journal_return_content(f->db, id, &content, &e);
	if (rc < 0)
		fail_msg("content of %s %lld: %s", kind, (long long)id, e.msg);
	assert_int_equal(journal_append(f->db, store, kind, id, 1764226500000 + id, content, &e), 0);
	free(content);
	assert_int_equal(db_commit(f->db, &e), 0);
}

/* Inserts sale id (store, two lines, a payment) by SQL. */
static void add_sale(struct fx *f, int64_t id, int64_t store)
{
	char sql[1024];
	snprintf(sql, sizeof sql,
		 "INSERT INTO sales (id, number, store_id, cashier_id, at, day, status, subtotal, "
		 "discount_total, rounding, vat_total, total, paid, change_due) VALUES "
		 "(%lld, 'S%lld-20261127-%04lld', %lld, 1, %lld, '2026-11-27', 'completed', 1500, "
		 "100, 0, 161, 1400, 1400, 100);"
		 "INSERT INTO sale_lines (sale_id, line_no, product_id, quantity, list_price, "
		 "unit_price, gross, discount, total, vat_rate, vat) VALUES "
		 "(%lld, 1, 1, 2000, 500, 500, 1000, 100, 900, 1300, 104),"
		 "(%lld, 2, 1, 1000, 500, 500, 500, 0, 500, 1300, 58);"
		 "INSERT INTO sale_payments (sale_id, method, amount) VALUES (%lld, 'cash', 1500);",
		 (long long)id, (long long)store, (long long)id, (long long)store,
		 (long long)(1764226500000 + id), (long long)id, (long long)id, (long long)id);
	must(f->db, sql);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct err e;
	err_init(&e);
	if (tmpdb_make(&f->tmp, "journal") < 0)
		return -1;
	if (db_open(f->tmp.path, &f->db, &e) < 0 || db_migrate(f->db, NULL, &e) < 0) {
		fprintf(stderr, "setup: %s\n", e.msg);
		return -1;
	}
	f->a = arena_new();
	must(f->db, "INSERT INTO stores (id, code, name, channel, created_at, updated_at) VALUES "
		    "(1, 'S1', 'One', 'direct', 0, 0), (2, 'S2', 'Two', 'direct', 0, 0);"
		    "INSERT INTO products (id, sku, name, unit, price, vat_rate, created_at, "
		    "updated_at) VALUES (1, 'P1', 'Milk', 'pcs', 500, 1300, 0, 0)");
	/* Store 1: sales 1, 2, 3 and a return of sale 2; store 2: sales 4, 5. */
	for (int64_t id = 1; id <= 5; id++)
		add_sale(f, id, id <= 3 ? 1 : 2);
	must(f->db, "INSERT INTO sale_returns (id, sale_id, store_id, kind, at, day, user_id, "
		    "refund_total, refund_method, reason) VALUES (1, 2, 1, 'return', 1764226600000, "
		    "'2026-11-27', 1, 450, 'cash', 'damaged');"
		    "INSERT INTO sale_return_lines (return_id, sale_line_id, product_id, quantity, "
		    "refund, vat) VALUES (1, 3, 1, 1000, 450, 52)");
	record(f, "sale", 1, 1);
	record(f, "sale", 1, 2);
	record(f, "return", 1, 1);
	record(f, "sale", 1, 3);
	record(f, "sale", 2, 4);
	record(f, "sale", 2, 5);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	db_close(f->db);
	arena_free(f->a);
	tmpdb_remove(&f->tmp);
	free(f);
	return 0;
}

/* Verifies store (0: all) and checks the verdict: bad_seq 0 means intact. */
static void expect(struct fx *f, int64_t store, int64_t records, int64_t bad_store,
		   int64_t bad_seq, const char *problem)
{
	struct journal_report r;
	struct err e;
	err_init(&e);
	if (journal_verify(f->db, f->a, store, &r, &e) < 0)
		fail_msg("journal_verify: %s", e.msg);
	if (r.bad_seq != bad_seq || (bad_seq && r.store_id != bad_store))
		fail_msg("want store %lld record %lld broken, got store %lld record %lld (%s)",
			 (long long)bad_store, (long long)bad_seq, (long long)r.store_id,
			 (long long)r.bad_seq, r.problem ? r.problem : "intact");
	if (records >= 0)
		assert_int_equal(r.records, records);
	if (problem) {
		assert_non_null(r.problem);
		assert_string_equal(r.problem, problem);
	} else {
		assert_null(r.problem);
	}
}

static void test_intact(void **state)
{
	struct fx *f = *state;
	expect(f, 0, 6, 0, 0, NULL);
	expect(f, 1, 4, 0, 0, NULL);
	expect(f, 2, 2, 0, 0, NULL);
	expect(f, 3, 0, 0, 0, NULL); /* a store without records */
}

static void test_chain_links(void **state)
{
	struct fx *f = *state;
	struct db_stmt *st;
	struct err e;
	err_init(&e);
	static const char sql[] =
		"SELECT seq, prev_hash, hash FROM journal WHERE store_id = 1 ORDER BY seq";
	assert_non_null(st = db_query(f->db, &e, sql, ""));
	char prev[65] = "0000000000000000000000000000000000000000000000000000000000000000";
	int n = 0;
	while (db_step(st, &e) == DB_ROW) {
		assert_int_equal(db_col_int64(st, 0), ++n);
		assert_string_equal(db_col_text(st, 1), prev);
		assert_int_equal(strlen(db_col_text(st, 2)), 64);
		snprintf(prev, sizeof prev, "%s", db_col_text(st, 2));
	}
	db_reset(st);
	assert_int_equal(n, 4);
}

static void test_sale_changed(void **state)
{
	struct fx *f = *state;
	must(f->db, "UPDATE sales SET total = total + 1 WHERE id = 2");
	expect(f, 1, 2, 1, 2, "the document was changed after it was recorded");
	/* Every store: stops at store 1's first broken record. */
	expect(f, 0, 2, 1, 2, "the document was changed after it was recorded");
	expect(f, 2, 2, 0, 0, NULL); /* the other store is untouched */
	must(f->db, "UPDATE sales SET total = total - 1 WHERE id = 2");
	expect(f, 0, 6, 0, 0, NULL);
}

static void test_line_and_payment_changed(void **state)
{
	struct fx *f = *state;
	must(f->db, "UPDATE sale_lines SET quantity = 1000 WHERE sale_id = 3 AND line_no = 1");
	expect(f, 1, 4, 1, 4, "the document was changed after it was recorded");
	must(f->db, "UPDATE sale_lines SET quantity = 2000 WHERE sale_id = 3 AND line_no = 1");
	must(f->db, "DELETE FROM sale_payments WHERE sale_id = 1");
	expect(f, 1, 1, 1, 1, "the document was changed after it was recorded");
	must(f->db, "INSERT INTO sale_payments (sale_id, method, amount) VALUES (1, 'cash', 1500)");
	expect(f, 0, 6, 0, 0, NULL);
}

static void test_return_changed(void **state)
{
	struct fx *f = *state;
	must(f->db, "UPDATE sale_return_lines SET refund = 900 WHERE return_id = 1");
	expect(f, 1, 3, 1, 3, "the document was changed after it was recorded");
	must(f->db, "UPDATE sale_return_lines SET refund = 450 WHERE return_id = 1");
	must(f->db, "UPDATE sale_returns SET refund_method = 'card' WHERE id = 1");
	expect(f, 1, 3, 1, 3, "the document was changed after it was recorded");
}

static void test_document_deleted(void **state)
{
	struct fx *f = *state;
	must(f->db, "DELETE FROM sale_payments WHERE sale_id = 4; "
		    "DELETE FROM sale_lines WHERE sale_id = 4; DELETE FROM sales WHERE id = 4");
	expect(f, 2, 1, 2, 1, "the document was deleted");
	expect(f, 0, 5, 2, 1, "the document was deleted"); /* store 1 is intact */
}

static void test_content_edited(void **state)
{
	struct fx *f = *state;
	/* Editing the record's content (to match a forged sale, say) breaks
	 * its hash. */
	must(f->db, "UPDATE journal SET content = replace(content, 'pay|cash|1500', 'pay|cash|1600') "
		    "WHERE store_id = 1 AND seq = 2");
	expect(f, 1, 2, 1, 2, "the record's hash does not match its content");
}

/* SHA-256 of prev, a newline and content as hex: the chain's rule. */
static void chain_hash(const char *prev, const char *content, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)prev, strlen(prev));
	crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)content, strlen(content));
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(out, 65, h, sizeof h);
}

static void test_record_rewritten(void **state)
{
	struct fx *f = *state;
	static const char sql[] = "UPDATE journal SET content = ?, hash = ? WHERE store_id = 1 AND seq = 1";
	static const char sql_prev[] = "UPDATE journal SET prev_hash = ? WHERE store_id = 1 AND seq = 2";
	struct err e;
	char *content, hash[65];
	err_init(&e);
	/* A forger changes sale 1 and rewrites its record with a valid hash:
	 * the record itself checks out, the link from record 2 does not. */
	must(f->db, "UPDATE sales SET total = 1, paid = 1 WHERE id = 1");
	assert_int_equal(journal_sale_content(f->db, 1, &content, &e), 0);
	chain_hash("0000000000000000000000000000000000000000000000000000000000000000", content, hash);
	struct db_stmt *st = db_query(f->db, &e, sql, "tt", content, hash);
	assert_non_null(st);
	assert_int_equal(db_run(st, &e), 0);
	free(content);
	expect(f, 1, 2, 1, 2, "the link to the previous record is broken");
	/* Relinking record 2 breaks its own hash, which covers the link. */
	assert_non_null(st = db_query(f->db, &e, sql_prev, "t", hash));
	assert_int_equal(db_run(st, &e), 0);
	expect(f, 1, 2, 1, 2, "the record's hash does not match its content");
}

static void test_prev_link_broken(void **state)
{
	struct fx *f = *state;
	must(f->db, "UPDATE journal SET prev_hash = "
		    "'0000000000000000000000000000000000000000000000000000000000000000' "
		    "WHERE store_id = 1 AND seq = 3");
	expect(f, 1, 3, 1, 3, "the link to the previous record is broken");
}

static void test_middle_deleted(void **state)
{
	struct fx *f = *state;
	must(f->db, "DELETE FROM journal WHERE store_id = 1 AND seq = 2");
	expect(f, 1, 2, 1, 3, "a record is missing");
}

static void test_last_deleted(void **state)
{
	struct fx *f = *state;
	must(f->db, "DELETE FROM journal WHERE store_id = 2 AND seq = 2");
	expect(f, 2, 1, 2, 2, "records at the end of the journal are missing");
	expect(f, 1, 4, 0, 0, NULL);
	must(f->db, "DELETE FROM journal WHERE store_id = 1");
	expect(f, 1, 0, 1, 1, "records at the end of the journal are missing");
}

static void test_appends_continue(void **state)
{
	struct fx *f = *state;
	add_sale(f, 6, 1);
	record(f, "sale", 1, 6);
	expect(f, 1, 5, 0, 0, NULL);
	must(f->db, "UPDATE sales SET number = 'forged' WHERE id = 6");
	expect(f, 1, 5, 1, 5, "the document was changed after it was recorded");
}

/* report_journal: the same verdict, read in one snapshot that it ends. */
static void test_snapshot_wrapper(void **state)
{
	struct fx *f = *state;
	struct journal_report r;
	struct err e;
	err_init(&e);
	assert_int_equal(report_journal(f->db, f->a, 0, &r, &e), 0);
	assert_int_equal(r.records, 6);
	assert_int_equal(r.bad_seq, 0);
	assert_int_equal(db_in_tx(f->db), 0);
	must(f->db, "UPDATE sales SET day = '2026-11-28', at = at + 1 WHERE id = 5");
	assert_int_equal(report_journal(f->db, f->a, 2, &r, &e), 0);
	assert_int_equal(r.store_id, 2);
	assert_int_equal(r.bad_seq, 2);
	assert_string_equal(r.problem, "the document was changed after it was recorded");
	assert_int_equal(db_in_tx(f->db), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_intact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chain_links, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sale_changed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_line_and_payment_changed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_return_changed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_document_deleted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_content_edited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_rewritten, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prev_link_broken, setup, teardown),
		cmocka_unit_test_setup_teardown(test_middle_deleted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_last_deleted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_appends_continue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_wrapper, setup, teardown),
	};
	return cmocka_run_group_tests_name("journal", tests, NULL, NULL);
}
