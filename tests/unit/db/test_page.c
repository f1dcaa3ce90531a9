/* test_page.c: a keyset page keeps limit rows, says whether more follow, and
 * allocates for the rows it read, never for its limit (an export asks for a
 * million rows of a list that may hold three). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "db/page.h"
#include "dbfx.h"
#include "domain/org/store.h"

static int fx_setup(void **state)
{
	return fx_setup_named(state, "page");
}

static void add_ids(struct fx *f, int n)
{
	assert_int_equal(db_exec(f->db, "CREATE TABLE t (id INTEGER PRIMARY KEY)", &f->e), 0);
	for (int i = 1; i <= n; i++)
		assert_int_equal(db_write(f->db, &f->e, "INSERT INTO t (id) VALUES (?)", "i",
					  (int64_t)i), 0);
}

static const char SQL_IDS[] = "SELECT id FROM t WHERE id > ? ORDER BY id LIMIT ?";

/* Reads one page of ids after `after`. */
static int read_ids(struct fx *f, int limit, int64_t after, struct page *pg)
{
	page_init(pg, f->a, limit, sizeof(int64_t));
	struct db_stmt *st = db_query(f->db, &f->e, SQL_IDS, "ii", after, page_fetch(pg));
	assert_non_null(st);
	int rc;
	while ((rc = page_step(pg, st, &f->e)) == DB_ROW)
		*(int64_t *)page_add(pg) = db_col_int64(st, 0);
	return page_end(pg, st, rc);
}

static void test_page_limit_and_more(void **state)
{
	struct fx *f = *state;
	struct page pg;
	add_ids(f, 5);

	assert_int_equal(read_ids(f, 2, 0, &pg), 0);
	assert_int_equal(pg.n, 2);
	assert_true(pg.more);
	assert_int_equal(((int64_t *)pg.rows)[1], 2);

	assert_int_equal(read_ids(f, 3, 2, &pg), 0);
	assert_int_equal(pg.n, 3);
	assert_false(pg.more);
	assert_int_equal(((int64_t *)pg.rows)[2], 5);

	assert_int_equal(read_ids(f, 5, 0, &pg), 0);
	assert_int_equal(pg.n, 5);
	assert_false(pg.more);

	assert_int_equal(read_ids(f, 10, 5, &pg), 0);
	assert_int_equal(pg.n, 0);
	assert_false(pg.more);
}

/* Rows grow the array past its first size and stay in order. */
static void test_page_grows(void **state)
{
	struct fx *f = *state;
	struct page pg;
	add_ids(f, 100);

	size_t before = arena_used(f->a);
	assert_int_equal(read_ids(f, 1000000, 0, &pg), 0);
	assert_int_equal(pg.n, 100);
	assert_false(pg.more);
	for (int i = 0; i < 100; i++)
		assert_int_equal(((int64_t *)pg.rows)[i], i + 1);
	/* doubling from 16: 16+32+64+128 slots at most */
	assert_true(arena_used(f->a) - before < 256 * sizeof(int64_t) + 1024);
}

/* A list function asked for a million rows (an export) of a table that
 * holds three allocates for three. */
static void test_list_allocates_for_rows(void **state)
{
	struct fx *f = *state;
	for (int i = 0; i < 3; i++) {
		char code[16];
		snprintf(code, sizeof code, "S%d", i);
		struct store_input in = {.code = code, .name = "Store", .channel = "direct",
					 .allow_negative_stock = -1, .active = -1};
		struct store *s;
		assert_int_equal(store_create(f->db, f->a, &f->who, &in, &s, &f->e), 0);
	}
	struct store **list;
	int n, more;
	size_t before = arena_used(f->a);
	assert_int_equal(store_list(f->db, f->a, NULL, NULL, 0, 1000000, &list, &n, &more,
				    &f->e), 0);
	assert_int_equal(n, 3);
	assert_false(more);
	assert_true(arena_used(f->a) - before < 64 * 1024);
}

/* page_init_all reads every row a query without LIMIT gives (a document's
 * lines), past the default page size, in order, with more left at 0; one
 * integer comes back through db_int (0 with *out = 0 when no row); and
 * db_get_row gives the row or ERR_NOT_FOUND "no <what> <id>". */
static void test_page_all_and_db_int(void **state)
{
	struct fx *f = *state;
	struct page pg;
	add_ids(f, 120);

	page_init_all(&pg, f->a, sizeof(int64_t));
	struct db_stmt *st = db_query(f->db, &f->e, "SELECT id FROM t ORDER BY id", "");
	assert_non_null(st);
	int rc;
	while ((rc = page_step(&pg, st, &f->e)) == DB_ROW)
		*(int64_t *)page_add(&pg) = db_col_int64(st, 0);
	assert_int_equal(page_end(&pg, st, rc), 0);
	assert_int_equal(pg.n, 120);
	assert_false(pg.more);
	for (int i = 0; i < 120; i++)
		assert_int_equal(((int64_t *)pg.rows)[i], i + 1);

	int64_t v = -1;
	assert_int_equal(db_int(db_query(f->db, &f->e, "SELECT MAX(id) FROM t", ""), &v, &f->e),
			 1);
	assert_int_equal(v, 120);
	v = -1;
	assert_int_equal(db_int(db_query(f->db, &f->e, "SELECT id FROM t WHERE id > ?", "i",
					 (int64_t)500), &v, &f->e), 0);
	assert_int_equal(v, 0);

	/* db_get_row: the row current, or "no <what> <id>" as not found. */
	static const char one[] = "SELECT id FROM t WHERE id = ?";
	struct db_stmt *row = db_query(f->db, &f->e, one, "i", (int64_t)7);
	assert_int_equal(db_get_row(row, "thing", 7, &f->e), 0);
	assert_int_equal(db_col_int64(row, 0), 7);
	db_reset(row);
	assert_int_equal(db_get_row(db_query(f->db, &f->e, one, "i", (int64_t)500), "thing", 500,
				    &f->e), ERR_NOT_FOUND);
	assert_string_equal(f->e.msg, "no thing 500");
}

#define DBT(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		DBT(test_page_limit_and_more),
		DBT(test_page_grows),
		DBT(test_list_allocates_for_rows),
		DBT(test_page_all_and_db_int),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
