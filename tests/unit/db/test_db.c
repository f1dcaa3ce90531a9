/* test_db.c: the database layer on SQLite (a temp file) and, when
 * TERSA_TEST_PG_URL is set, the same tests on PostgreSQL (one schema each);
 * plus the placeholder rewriter and other engine-free helpers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "db/db.h"
#include "db/db_internal.h"
#include "db/migrations.h"
#include "tmpdb.h"

struct fx {
	struct db *db;
	struct tmpdb tmp;
	char schema[64];
	char url[1024];
};

/* ---- fixtures */

static int setup_sqlite(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct err e;
	err_init(&e);
	if (tmpdb_make(&f->tmp, "db") < 0)
		return -1;
	if (db_open(f->tmp.path, &f->db, &e) < 0 ||
	    db_migrate(f->db, NULL, &e) < 0) {
		fprintf(stderr, "setup: %s\n", e.msg);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown_sqlite(void **state)
{
	struct fx *f = *state;
	db_close(f->db);
	tmpdb_remove(&f->tmp);
	free(f);
	return 0;
}

/* Each PostgreSQL test gets its own schema, named in the connection's
 * search_path (so it survives a reconnect). */
static int setup_pg(void **state)
{
	static int seq;
	struct fx *f = calloc(1, sizeof *f);
	const char *url = getenv("TERSA_TEST_PG_URL");
	*state = f;
	if (!url || !*url)
		return 0;
	struct err e;
	err_init(&e);
	snprintf(f->schema, sizeof f->schema, "tersa_t%ld_%d", (long)getpid(),
		 ++seq);
	snprintf(f->url, sizeof f->url, "%s%coptions=-csearch_path%%3D%s", url,
		 strchr(url, '?') ? '&' : '?', f->schema);
	char sql[256];
	snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE; "
				  "CREATE SCHEMA %s",
		 f->schema, f->schema);
	if (db_open(f->url, &f->db, &e) < 0 || db_exec(f->db, sql, &e) < 0 ||
	    db_migrate(f->db, NULL, &e) < 0) {
		fprintf(stderr, "setup: %s\n", e.msg);
		return -1;
	}
	return 0;
}

static int teardown_pg(void **state)
{
	struct fx *f = *state;
	if (f->db) {
		char sql[128];
		db_idle(f->db);
		snprintf(sql, sizeof sql, "DROP SCHEMA %s CASCADE", f->schema);
		struct err e;
		err_init(&e);
		db_exec(f->db, sql, &e);
		db_close(f->db);
	}
	free(f);
	return 0;
}

static struct db *get_db(void **state)
{
	struct fx *f = *state;
	if (!f->db)
		skip();
	return f->db;
}

/* ---- helpers */

/* Value of column 0 of the first row of a query without parameters. */
static int64_t scalar(struct db *db, const char *sql)
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

static const char SQL_MK_T[] =
	"CREATE TABLE t (id {{ID}}, i BIGINT, s TEXT, n BIGINT, o BIGINT)";

static void make_t(struct db *db)
{
	struct err e;
	err_init(&e);
	char *sql = db_substitute(db_kind(db), SQL_MK_T);
	assert_int_equal(db_exec(db, sql, &e), 0);
	free(sql);
}

static const char SQL_T_INS[] = "INSERT INTO t (i, s) VALUES (?, ?)";
static const char SQL_T_COUNT[] = "SELECT COUNT(*) FROM t";

static int t_insert(struct db *db, int64_t i, const char *s, struct err *e)
{
	struct db_stmt *st = db_query(db, e, SQL_T_INS, "it", i, s);
	assert_non_null(st);
	return db_run(st, e);
}

static const char SQL_STORE_INS[] =
	"INSERT INTO stores (code, name, channel, created_at, updated_at) "
	"VALUES (?, ?, 'retail', 0, 0) RETURNING id";
static const char SQL_USER_INS[] =
	"INSERT INTO users (username, password_hash, display_name, role, "
	"created_at, updated_at) VALUES (?, 'x', ?, 'sales', 0, 0) "
	"RETURNING id";
static const char SQL_US_INS[] =
	"INSERT INTO user_stores (user_id, store_id) VALUES (?, ?)";

static int64_t insert_returning(struct db *db, const char *sql, const char *a,
				const char *b, struct err *e)
{
	struct db_stmt *st = db_query(db, e, sql, "tt", a, b);
	assert_non_null(st);
	int rc = db_step(st, e);
	if (rc < 0)
		return rc;
	assert_int_equal(rc, DB_ROW);
	int64_t id = db_col_int64(st, 0);
	assert_int_equal(db_step(st, e), DB_DONE);
	return id;
}

/* ---- engine tests (each runs on SQLite and on PostgreSQL) */

static const char SQL_SETTINGS_NAME[] = "SELECT company_name FROM settings";
static const char SQL_MIG_COUNT[] = "SELECT COUNT(*) FROM schema_migrations";

static void test_migrate(void **state)
{
	struct db *db = get_db(state);
	struct err e;
	err_init(&e);
	int applied = -1;
	int latest = db_migrations[db_migrations_count - 1].version;

	assert_int_equal(db_schema_version(db, &e), latest);
	assert_int_equal(db_migrate(db, &applied, &e), 0);
	assert_int_equal(applied, 0);
	assert_int_equal(db_migrate(db, &applied, &e), 0);
	assert_int_equal(applied, 0);
	assert_int_equal(db_schema_version(db, &e), latest);
	assert_int_equal(scalar(db, SQL_MIG_COUNT), db_migrations_count);

	struct db_stmt *st = db_prepare(db, SQL_SETTINGS_NAME, &e);
	assert_int_equal(db_step(st, &e), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "Tersa");
	assert_int_equal(db_step(st, &e), DB_DONE);
	assert_false(db_in_tx(db));
}

static const char SQL_MIG_FUTURE[] =
	"INSERT INTO schema_migrations (version, name, applied_at) "
	"VALUES (99999, 'future', 0)";

static void test_migrate_refuses_newer(void **state)
{
	struct db *db = get_db(state);
	struct err e;
	err_init(&e);
	struct db_stmt *st = db_prepare(db, SQL_MIG_FUTURE, &e);
	assert_int_equal(db_run(st, &e), 0);
	assert_int_equal(db_schema_version(db, &e), 99999);
	assert_int_equal(db_migrate(db, NULL, &e), ERR_DB);
	assert_non_null(strstr(e.msg, "newer"));
}

static const char SQL_T_INS_ALL[] =
	"INSERT INTO t (i, s, n, o) VALUES (?, ?, ?, ?) RETURNING id";
static const char SQL_T_GET[] = "SELECT i, s, n, o FROM t WHERE id = ?";
static const char SQL_T_OPT[] =
	"SELECT COUNT(*) FROM t WHERE (? IS NULL OR o = ?)";
static const char SQL_T_OPT_TEXT[] =
	"SELECT COUNT(*) FROM t WHERE (CAST(? AS TEXT) IS NULL OR s = ?)";

static void test_bind_types(void **state)
{
	struct db *db = get_db(state);
	struct err e;
	err_init(&e);
	make_t(db);

	/* i, t, n, I(0) -> NULL */
	struct db_stmt *st = db_query(db, &e, SQL_T_INS_ALL, "itnI",
				      (int64_t)42, "hello", (int64_t)0);
	assert_non_null(st);
	assert_int_equal(db_step(st, &e), DB_ROW);
	int64_t id1 = db_col_int64(st, 0);
	assert_true(id1 > 0);
	assert_int_equal(db_step(st, &e), DB_DONE);
	assert_int_equal(db_changes(st), 1);

	/* i, t NULL, n, I(7) -> 7; same statement, new bindings */
	st = db_query(db, &e, SQL_T_INS_ALL, "itnI", (int64_t)-1,
		      (const char *)NULL, (int64_t)7);
	assert_int_equal(db_step(st, &e), DB_ROW);
	int64_t id2 = db_col_int64(st, 0);
	assert_int_equal(id2, id1 + 1);
	db_reset(st);

	/* the explicit binders */
	st = db_prepare(db, SQL_T_INS_ALL, &e);
	db_bind_int64(st, 1, 5);
	db_bind_text(st, 2, "");
	db_bind_null(st, 3);
	db_bind_text(st, 4, NULL);
	assert_int_equal(db_step(st, &e), DB_ROW);
	int64_t id3 = db_col_int64(st, 0);
	db_reset(st);

	st = db_query(db, &e, SQL_T_GET, "i", id1);
	assert_int_equal(db_step(st, &e), DB_ROW);
	assert_int_equal(db_column_count(st), 4);
	assert_int_equal(db_col_int64(st, 0), 42);
	assert_string_equal(db_col_text(st, 1), "hello");
	assert_true(db_col_null(st, 2));
	assert_null(db_col_text(st, 2));
	assert_int_equal(db_col_int64(st, 2), 0);
	assert_true(db_col_null(st, 3));
	assert_false(db_col_null(st, 0));
	assert_int_equal(db_step(st, &e), DB_DONE);
	assert_int_equal(db_step(st, &e), DB_DONE); /* stays done */

	st = db_query(db, &e, SQL_T_GET, "i", id2);
	assert_int_equal(db_step(st, &e), DB_ROW);
	assert_int_equal(db_col_int64(st, 0), -1);
	assert_true(db_col_null(st, 1));
	assert_null(db_col_text(st, 1));
	assert_int_equal(db_col_int64(st, 3), 7);
	db_reset(st);

	st = db_query(db, &e, SQL_T_GET, "i", id3);
	assert_int_equal(db_step(st, &e), DB_ROW);
	assert_string_equal(db_col_text(st, 1), "");
	assert_false(db_col_null(st, 1));
	assert_true(db_col_null(st, 2));
	assert_true(db_col_null(st, 3));
	db_reset(st);

	/* optional filter: 'I' 0 binds a typed NULL (PostgreSQL must infer) */
	st = db_query(db, &e, SQL_T_OPT, "II", (int64_t)0, (int64_t)0);
	assert_non_null(st);
	assert_int_equal(db_step(st, &e), DB_ROW);
	assert_int_equal(db_col_int64(st, 0), 3);
	st = db_query(db, &e, SQL_T_OPT, "II", (int64_t)7, (int64_t)7);
	assert_int_equal(db_step(st, &e), DB_ROW);
	assert_int_equal(db_col_int64(st, 0), 1);
	db_reset(st);
	st = db_query(db, &e, SQL_T_OPT_TEXT, "tt", (const char *)NULL,
		      (const char *)NULL);
	assert_non_null(st);
	assert_int_equal(db_step(st, &e), DB_ROW);
	assert_int_equal(db_col_int64(st, 0), 3);
	st = db_query(db, &e, SQL_T_OPT_TEXT, "tt", "hello", "hello");
	assert_int_equal(db_step(st, &e), DB_ROW);
	assert_int_equal(db_col_int64(st, 0), 1);
	db_reset(st);

	/* a bad type letter fails without running anything */
	assert_null(db_query(db, &e, SQL_T_GET, "x", id1));
	assert_int_equal(e.code, ERR_DB);
}

static void test_unique_violation(void **state)
{
	struct db *db = get_db(state);
	struct err e;
	err_init(&e);
	int64_t s1 = insert_returning(db, SQL_STORE_INS, "S1", "One", &e);
	assert_true(s1 > 0);
	err_init(&e);
	assert_int_equal(insert_returning(db, SQL_STORE_INS, "S1", "Again", &e),
			 ERR_DUPLICATE);
	assert_int_equal(e.code, ERR_DUPLICATE);
	assert_non_null(strstr(e.msg, "stores.code"));

	int64_t u1 = insert_returning(db, SQL_USER_INS, "ann", "Ann", &e);
	assert_true(u1 > 0);
	struct db_stmt *st = db_query(db, &e, SQL_US_INS, "ii", u1, s1);
	assert_int_equal(db_run(st, &e), 0);
	err_init(&e);
	st = db_query(db, &e, SQL_US_INS, "ii", u1, s1);
	assert_int_equal(db_run(st, &e), ERR_DUPLICATE);
	assert_non_null(strstr(e.msg, "user_stores.user_id"));
	assert_non_null(strstr(e.msg, "user_stores.store_id"));

	/* the statement is usable again after the failure */
	int64_t s2 = insert_returning(db, SQL_STORE_INS, "S2", "Two", &e);
	assert_true(s2 > s1);
}

static const char SQL_PROD_INS[] =
	"INSERT INTO products (sku, name, unit, price, vat_rate, created_at, "
	"updated_at) VALUES (?, ?, 'pcs', ?, 1300, 0, 0)";

static void test_fk_check_notnull(void **state)
{
	struct db *db = get_db(state);
	struct err e;
	err_init(&e);
	struct db_stmt *st = db_query(db, &e, SQL_US_INS, "ii", (int64_t)999,
				      (int64_t)998);
	assert_int_equal(db_run(st, &e), ERR_CONFLICT);
	assert_non_null(strstr(e.msg, "FOREIGN KEY"));

	err_init(&e);
	st = db_query(db, &e, SQL_PROD_INS, "tti", "A1", "Apple", (int64_t)-1);
	assert_int_equal(db_run(st, &e), ERR_CONFLICT);
	assert_non_null(strstr(e.msg, "CHECK"));

	err_init(&e);
	st = db_query(db, &e, SQL_PROD_INS, "tni", "A1", (int64_t)100);
	assert_int_equal(db_run(st, &e), ERR_CONFLICT);
	assert_non_null(strstr(e.msg, "products.name"));

	err_init(&e);
	st = db_query(db, &e, SQL_PROD_INS, "tti", "A1", "Apple", (int64_t)100);
	assert_int_equal(db_run(st, &e), 0);
	assert_int_equal(db_changes(st), 1);
}

static void test_tx_rollback(void **state)
{
	struct db *db = get_db(state);
	struct err e;
	err_init(&e);
	make_t(db);
	assert_false(db_in_tx(db));
	assert_int_equal(db_begin(db, 1, &e), 0);
	assert_true(db_in_tx(db));
	assert_int_equal(t_insert(db, 1, "a", &e), 0);
	assert_int_equal(t_insert(db, 2, "b", &e), 0);
	assert_int_equal(scalar(db, SQL_T_COUNT), 2);
	assert_int_equal(db_rollback(db), 0);
	assert_false(db_in_tx(db));
	assert_int_equal(scalar(db, SQL_T_COUNT), 0);
	assert_int_equal(db_rollback(db), 0); /* none open: no-op */

	assert_int_equal(db_begin(db, 0, &e), 0);
	assert_int_equal(db_begin(db, 1, &e), ERR_DB); /* no nesting */
	assert_int_equal(db_commit(db, &e), 0);
	assert_int_equal(db_commit(db, &e), ERR_DB); /* none open */

	assert_int_equal(db_begin(db, 1, &e), 0);
	assert_int_equal(t_insert(db, 3, "c", &e), 0);
	assert_int_equal(db_commit(db, &e), 0);
	assert_int_equal(scalar(db, SQL_T_COUNT), 1);
}

static const char SQL_T_SUM[] = "SELECT COALESCE(SUM(i), 0) FROM t";

static void test_savepoints(void **state)
{
	struct db *db = get_db(state);
	struct err e;
	err_init(&e);
	make_t(db);
	assert_int_equal(db_begin(db, 1, &e), 0);
	assert_int_equal(t_insert(db, 1, "outer", &e), 0);
	assert_int_equal(db_savepoint(db, "sp_1", &e), 0);
	assert_int_equal(t_insert(db, 10, "inner", &e), 0);
	assert_int_equal(db_rollback_to(db, "sp_1", &e), 0);
	assert_int_equal(db_release(db, "sp_1", &e), 0);

	/* a failed statement inside a savepoint does not doom the outer work */
	assert_int_equal(db_savepoint(db, "sp2", &e), 0);
	assert_int_equal(t_insert(db, 100, "kept?", &e), 0);
	struct db_stmt *st = db_query(db, &e, SQL_US_INS, "ii", (int64_t)999,
				      (int64_t)998);
	assert_int_equal(db_run(st, &e), ERR_CONFLICT);
	assert_int_equal(db_rollback_to(db, "sp2", &e), 0);
	assert_int_equal(db_release(db, "sp2", &e), 0);
	assert_int_equal(t_insert(db, 1000, "after", &e), 0);
	assert_int_equal(db_commit(db, &e), 0);
	assert_int_equal(scalar(db, SQL_T_SUM), 1001);

	/* names are pasted into SQL: only [a-z_0-9]+ */
	err_init(&e);
	assert_int_equal(db_begin(db, 1, &e), 0);
	assert_int_equal(db_savepoint(db, "x; DROP TABLE t", &e), ERR_DB);
	assert_int_equal(db_savepoint(db, "Upper", &e), ERR_DB);
	assert_int_equal(db_savepoint(db, "", &e), ERR_DB);
	assert_int_equal(db_savepoint(db, NULL, &e), ERR_DB);
	assert_int_equal(db_rollback(db), 0);
	assert_int_equal(scalar(db, SQL_T_SUM), 1001);
}

/* PostgreSQL aborts the transaction at the first error; SQLite undoes only
 * the failed statement. Either way db_commit tells the truth. */
static void test_commit_after_error(void **state)
{
	struct db *db = get_db(state);
	struct err e;
	err_init(&e);
	make_t(db);
	assert_int_equal(db_begin(db, 1, &e), 0);
	assert_int_equal(t_insert(db, 1, "a", &e), 0);
	struct db_stmt *st = db_query(db, &e, SQL_US_INS, "ii", (int64_t)999,
				      (int64_t)998);
	assert_int_equal(db_run(st, &e), ERR_CONFLICT);
	int rc = db_commit(db, &e);
	assert_false(db_in_tx(db));
	if (db_kind(db) == DB_PG) {
		assert_int_equal(rc, ERR_DB);
		assert_int_equal(scalar(db, SQL_T_COUNT), 0);
	} else {
		assert_int_equal(rc, 0);
		assert_int_equal(scalar(db, SQL_T_COUNT), 1);
	}
}

static const char SQL_T_ALL[] = "SELECT i FROM t ORDER BY i";
static const char SQL_T_ALL_COPY[] = "SELECT i FROM t ORDER BY i";

static void test_statement_cache(void **state)
{
	struct db *db = get_db(state);
	struct err e;
	err_init(&e);
	make_t(db);
	for (int i = 1; i <= 3; i++)
		assert_int_equal(t_insert(db, i, "x", &e), 0);

	struct db_stmt *a = db_prepare(db, SQL_T_ALL, &e);
	assert_non_null(a);
	assert_int_equal(db_step(a, &e), DB_ROW);
	assert_int_equal(db_col_int64(a, 0), 1);
	assert_int_equal(db_step(a, &e), DB_ROW);
	assert_int_equal(db_col_int64(a, 0), 2);

	/* the same pointer gives the same statement, reset to the start */
	struct db_stmt *b = db_prepare(db, SQL_T_ALL, &e);
	assert_ptr_equal(a, b);
	assert_int_equal(db_step(b, &e), DB_ROW);
	assert_int_equal(db_col_int64(b, 0), 1);

	/* equal text at another address is another statement */
	struct db_stmt *c = db_prepare(db, SQL_T_ALL_COPY, &e);
	assert_ptr_not_equal(a, c);
	assert_int_equal(db_step(c, &e), DB_ROW);
	assert_int_equal(db_col_int64(c, 0), 1);
	assert_int_equal(db_step(b, &e), DB_ROW); /* b kept its place */
	assert_int_equal(db_col_int64(b, 0), 2);
	db_reset(b);
	db_reset(c);

	/* many statements: the cache grows and keeps finding them */
	static char texts[200][48];
	struct db_stmt *sts[200];
	for (int i = 0; i < 200; i++) {
		snprintf(texts[i], sizeof texts[i], "SELECT %d", i);
		sts[i] = db_prepare(db, texts[i], &e);
		assert_non_null(sts[i]);
	}
	for (int i = 0; i < 200; i++) {
		assert_ptr_equal(db_prepare(db, texts[i], &e), sts[i]);
		assert_int_equal(db_step(sts[i], &e), DB_ROW);
		assert_int_equal(db_col_int64(sts[i], 0), i);
		db_reset(sts[i]);
	}
	assert_ptr_equal(db_prepare(db, SQL_T_ALL, &e), a);

	/* a key reused for other text (not a static array) is re-prepared */
	snprintf(texts[0], sizeof texts[0], "SELECT 12345");
	struct db_stmt *d = db_prepare(db, texts[0], &e);
	assert_int_equal(db_step(d, &e), DB_ROW);
	assert_int_equal(db_col_int64(d, 0), 12345);
	db_reset(d);
}

static const char SQL_T_ONE_S[] = "SELECT s FROM t WHERE i = ?";
static const char SQL_T_LEN[] = "SELECT length(s) FROM t WHERE i = ?";
static const char SQL_T_LIKE[] =
	"SELECT COUNT(*) FROM t WHERE lower(s) LIKE lower(?) ESCAPE '\\'";

static void test_utf8(void **state)
{
	struct db *db = get_db(state);
	struct err e;
	err_init(&e);
	make_t(db);
	const char *s = "中文商品 · Café ñ 🍜 'quote' \"dq\" ? -- x";
	assert_int_equal(t_insert(db, 1, s, &e), 0);
	struct db_stmt *st = db_query(db, &e, SQL_T_ONE_S, "i", (int64_t)1);
	assert_int_equal(db_step(st, &e), DB_ROW);
	assert_string_equal(db_col_text(st, 0), s);
	db_reset(st);
	/* characters, not bytes, on both engines */
	st = db_query(db, &e, SQL_T_LEN, "i", (int64_t)1);
	assert_int_equal(db_step(st, &e), DB_ROW);
	assert_int_equal(db_col_int64(st, 0), 35);
	db_reset(st);
	st = db_query(db, &e, SQL_T_LIKE, "t", "%商品%");
	assert_int_equal(db_step(st, &e), DB_ROW);
	assert_int_equal(db_col_int64(st, 0), 1);
	db_reset(st);
	st = db_query(db, &e, SQL_T_LIKE, "t", "%caf\\_%");
	assert_int_equal(db_step(st, &e), DB_ROW);
	assert_int_equal(db_col_int64(st, 0), 0);
	db_reset(st);
}

static const char SQL_T_ONE_I[] = "SELECT i FROM t WHERE s = ?";
static const char SQL_ARITH[] = "SELECT ? - 1, ? + 1000, ? * 1000";

static void test_int64_extremes(void **state)
{
	struct db *db = get_db(state);
	struct err e;
	err_init(&e);
	make_t(db);
	const int64_t vals[] = {INT64_MAX, INT64_MIN, 0, -1, 1,
				(int64_t)1 << 53, 1767225600000LL};
	char key[32];
	for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
		snprintf(key, sizeof key, "k%zu", i);
		assert_int_equal(t_insert(db, vals[i], key, &e), 0);
	}
	for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
		snprintf(key, sizeof key, "k%zu", i);
		struct db_stmt *st = db_query(db, &e, SQL_T_ONE_I, "t", key);
		assert_int_equal(db_step(st, &e), DB_ROW);
		assert_true(db_col_int64(st, 0) == vals[i]);
		db_reset(st);
	}
	/* integer parameters are 64-bit in expressions too */
	struct db_stmt *st = db_query(db, &e, SQL_ARITH, "iii", INT64_MAX,
				      (int64_t)1767225600000LL,
				      (int64_t)4000000000LL);
	assert_non_null(st);
	assert_int_equal(db_step(st, &e), DB_ROW);
	assert_true(db_col_int64(st, 0) == INT64_MAX - 1);
	assert_true(db_col_int64(st, 1) == 1767225601000LL);
	assert_true(db_col_int64(st, 2) == 4000000000000LL);
	db_reset(st);
}

static const char SQL_NUMERIC[] =
	"SELECT CAST(? AS NUMERIC(20, 3)), SUM(i), 1 = 1, 1 = 2 FROM t";

static void test_numeric_and_bool(void **state)
{
	struct db *db = get_db(state);
	struct err e;
	err_init(&e);
	make_t(db);
	assert_int_equal(t_insert(db, 4000000000000LL, "a", &e), 0);
	assert_int_equal(t_insert(db, 5, "b", &e), 0);
	struct db_stmt *st = db_query(db, &e, SQL_NUMERIC, "i", (int64_t)-5);
	assert_int_equal(db_step(st, &e), DB_ROW);
	assert_int_equal(db_col_int64(st, 0), -5);
	assert_true(db_col_int64(st, 1) == 4000000000005LL);
	assert_int_equal(db_col_int64(st, 2), 1);
	assert_int_equal(db_col_int64(st, 3), 0);
	db_reset(st);
}

static const char SQL_T_UPD[] = "UPDATE t SET o = ? WHERE i > ?";
static const char SQL_T_DEL[] = "DELETE FROM t WHERE i = ?";

static void test_changes(void **state)
{
	struct db *db = get_db(state);
	struct err e;
	err_init(&e);
	make_t(db);
	for (int i = 1; i <= 4; i++)
		assert_int_equal(t_insert(db, i, "x", &e), 0);
	struct db_stmt *st = db_query(db, &e, SQL_T_UPD, "ii", (int64_t)9,
				      (int64_t)1);
	assert_int_equal(db_run(st, &e), 0);
	assert_int_equal(db_changes(st), 3);
	st = db_query(db, &e, SQL_T_DEL, "i", (int64_t)77);
	assert_int_equal(db_run(st, &e), 0);
	assert_int_equal(db_changes(st), 0);
	st = db_query(db, &e, SQL_T_DEL, "i", (int64_t)2);
	assert_int_equal(db_run(st, &e), 0);
	assert_int_equal(db_changes(st), 1);
	st = db_prepare(db, SQL_T_ALL, &e);
	assert_int_equal(db_run(st, &e), 0);
	assert_int_equal(db_changes(st), 0);
}

static const char SQL_BAD_SYNTAX[] = "SELEC 1 FROM nowhere";
static const char SQL_NO_TABLE[] = "SELECT x FROM no_such_table";
static const char SQL_TWO[] = "SELECT 1; SELECT 2";
static const char SQL_ONE_PARAM[] = "SELECT CAST(? AS BIGINT)";

static int run_sql(struct db *db, const char *sql, struct err *e)
{
	struct db_stmt *st = db_prepare(db, sql, e);
	if (!st)
		return e->code;
	return db_run(st, e);
}

static void test_errors(void **state)
{
	struct db *db = get_db(state);
	struct err e;
	err_init(&e);
	assert_int_equal(run_sql(db, SQL_BAD_SYNTAX, &e), ERR_DB);
	assert_string_equal(e.msg, "database error");
	err_init(&e);
	assert_int_equal(run_sql(db, SQL_NO_TABLE, &e), ERR_DB);
	assert_string_equal(e.msg, "database error");
	err_init(&e);
	assert_int_equal(run_sql(db, SQL_TWO, &e), ERR_DB);
	/* a parameter index out of range fails at the step */
	err_init(&e);
	struct db_stmt *st = db_prepare(db, SQL_ONE_PARAM, &e);
	db_bind_int64(st, 2, 1);
	assert_int_equal(db_step(st, &e), ERR_DB);
	st = db_query(db, &e, SQL_ONE_PARAM, "i", (int64_t)8);
	assert_int_equal(db_step(st, &e), DB_ROW);
	assert_int_equal(db_col_int64(st, 0), 8);
	db_reset(st);
	/* the connection still works */
	assert_int_equal(scalar(db, SQL_MIG_COUNT), db_migrations_count);
	assert_int_equal(db_exec(db, "SELECT 1; SELECT 2", &e), 0);
	assert_int_equal(db_exec(db, "NOT SQL", &e), ERR_DB);
}

/* Statements still holding rows are reset at transaction boundaries and by
 * db_idle; stepping one afterwards is an error, not a silent restart. */
static void test_boundaries_reset_statements(void **state)
{
	struct fx *f = *state;
	struct db *db = get_db(state);
	struct err e;
	err_init(&e);
	make_t(db);
	for (int i = 1; i <= 3; i++)
		assert_int_equal(t_insert(db, i, "x", &e), 0);

	struct db_stmt *a = db_prepare(db, SQL_T_ALL, &e);
	assert_int_equal(db_step(a, &e), DB_ROW);
	assert_int_equal(db_begin(db, 1, &e), 0);
	assert_int_equal(db_step(a, &e), ERR_DB);
	a = db_prepare(db, SQL_T_ALL, &e);
	assert_int_equal(db_step(a, &e), DB_ROW);
	assert_int_equal(db_commit(db, &e), 0);
	assert_int_equal(db_step(a, &e), ERR_DB);

	/* db_idle ends a read snapshot and an abandoned transaction */
	a = db_prepare(db, SQL_T_ALL, &e);
	assert_int_equal(db_step(a, &e), DB_ROW);
	struct db *other = NULL;
	assert_int_equal(db_open(db_kind(db) == DB_PG ? f->url : f->tmp.path,
				 &other, &e),
			 0);
	assert_int_equal(t_insert(other, 4, "y", &e), 0);
	db_close(other);
	db_idle(db);
	assert_int_equal(db_step(a, &e), ERR_DB);
	assert_int_equal(scalar(db, SQL_T_COUNT), 4);

	assert_int_equal(db_begin(db, 1, &e), 0);
	assert_int_equal(t_insert(db, 5, "z", &e), 0);
	db_idle(db);
	assert_false(db_in_tx(db));
	assert_int_equal(scalar(db, SQL_T_COUNT), 4);
	db_idle(db); /* nothing to do */
}

static const char SQL_PID[] = "SELECT pg_backend_pid()";
static const char SQL_KILL[] =
	"SELECT pg_terminate_backend(CAST(? AS INTEGER))";
static const char SQL_JIT_OFF[] =
	"SELECT CASE WHEN current_setting('jit') = 'off' THEN 1 ELSE 0 END";

/* PostgreSQL only: a dropped connection answers ERR_UNAVAILABLE once, then
 * the next statement reconnects and re-prepares; the session's settings
 * (JIT off) hold on the first connection and on the new one. */
static void test_pg_reconnect(void **state)
{
	struct fx *f = *state;
	struct db *db = get_db(state);
	if (db_kind(db) != DB_PG)
		skip();
	struct err e;
	err_init(&e);
	make_t(db);
	assert_int_equal(t_insert(db, 1, "a", &e), 0);
	assert_int_equal(scalar(db, SQL_T_COUNT), 1);
	assert_int_equal(scalar(db, SQL_JIT_OFF), 1);

	int64_t pid = scalar(db, SQL_PID);
	struct db *other = NULL;
	assert_int_equal(db_open(f->url, &other, &e), 0);
	struct db_stmt *st = db_query(other, &e, SQL_KILL, "i", pid);
	assert_int_equal(db_step(st, &e), DB_ROW);
	assert_int_equal(db_col_int64(st, 0), 1);
	db_close(other);
	usleep(200 * 1000);

	st = db_prepare(db, SQL_T_COUNT, &e);
	assert_non_null(st);
	assert_int_equal(db_step(st, &e), ERR_UNAVAILABLE);
	assert_int_equal(scalar(db, SQL_T_COUNT), 1);
	assert_int_equal(t_insert(db, 2, "b", &e), 0);
	assert_int_equal(scalar(db, SQL_T_COUNT), 2);
	assert_true(scalar(db, SQL_PID) != pid);
	assert_int_equal(scalar(db, SQL_JIT_OFF), 1);
}

/* ---- engine-free tests */

static void check_rewrite(const char *in, const char *want, int n)
{
	char *out = NULL;
	assert_int_equal(db_pg_rewrite(in, &out), n);
	assert_string_equal(out, want);
	free(out);
}

static void test_pg_rewrite(void **state)
{
	(void)state;
	check_rewrite("", "", 0);
	check_rewrite("SELECT 1", "SELECT 1", 0);
	check_rewrite("SELECT ?", "SELECT $1", 1);
	check_rewrite("a = ? AND b=?", "a = $1 AND b=$2", 2);
	check_rewrite("'?', ?", "'?', $1", 1);
	check_rewrite("'it''s ?' || ?", "'it''s ?' || $1", 1);
	check_rewrite("''?", "''$1", 1);
	check_rewrite("E'a\\'?' || ?", "E'a\\'?' || $1", 1);
	check_rewrite("e'\\\\' || ?", "e'\\\\' || $1", 1);
	/* in a standard string a backslash is a plain character */
	check_rewrite("'a\\' || ?", "'a\\' || $1", 1);
	check_rewrite("\"we?rd\" = ?", "\"we?rd\" = $1", 1);
	check_rewrite("\"a\"\"?\" = ?", "\"a\"\"?\" = $1", 1);
	check_rewrite("x -- what?\n= ?", "x -- what?\n= $1", 1);
	check_rewrite("x -- what?", "x -- what?", 0);
	check_rewrite("/* a? /* b? */ c? */ ?", "/* a? /* b? */ c? */ $1", 1);
	check_rewrite("/*? unterminated", "/*? unterminated", 0);
	check_rewrite("'unterminated ?", "'unterminated ?", 0);
	check_rewrite("1-?/?", "1-$1/$2", 2);
	check_rewrite("ESCAPE '\\' AND ?", "ESCAPE '\\' AND $1", 1);
	check_rewrite("?2, ?1, ?", "$2, $1, $3", 3);
	check_rewrite("中文 = ? -- ？", "中文 = $1 -- ？", 1);
	check_rewrite("?,?,?,?,?,?,?,?,?,?,?,?",
		      "$1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12", 12);
}

static void check_int(const char *s, int ok, int64_t want)
{
	int64_t v = 777;
	int rc = db_parse_int64(s, &v);
	if (ok) {
		assert_int_equal(rc, 0);
		assert_true(v == want);
	} else {
		assert_int_equal(rc, -1);
		assert_true(v == 777);
	}
}

static void test_parse_int64(void **state)
{
	(void)state;
	check_int("0", 1, 0);
	check_int("123", 1, 123);
	check_int("-123", 1, -123);
	check_int("+5", 1, 5);
	check_int("9223372036854775807", 1, INT64_MAX);
	check_int("-9223372036854775808", 1, INT64_MIN);
	check_int("12.000", 1, 12);
	check_int("-0.00", 1, 0);
	check_int("12.", 1, 12);
	check_int("t", 1, 1);
	check_int("f", 1, 0);
	check_int("9223372036854775808", 0, 0);
	check_int("-9223372036854775809", 0, 0);
	check_int("99999999999999999999", 0, 0);
	check_int("12.0010", 0, 0);
	check_int("12.5", 0, 0);
	check_int("", 0, 0);
	check_int(NULL, 0, 0);
	check_int("-", 0, 0);
	check_int(".0", 0, 0);
	check_int("abc", 0, 0);
	check_int("1e3", 0, 0);
	check_int(" 1", 0, 0);
	check_int("1 ", 0, 0);
	check_int("true", 0, 0);
}

static void test_substitute(void **state)
{
	(void)state;
	char *s = db_substitute(DB_SQLITE, "a {{ID}}, b {{ID}} {{ID");
	assert_string_equal(s, "a INTEGER PRIMARY KEY, b INTEGER PRIMARY KEY "
			       "{{ID");
	free(s);
	s = db_substitute(DB_PG, "id {{ID}},");
	assert_string_equal(
		s, "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,");
	free(s);
	s = db_substitute(DB_PG, "");
	assert_string_equal(s, "");
	free(s);
}

static void test_name_ok(void **state)
{
	(void)state;
	assert_true(db_name_ok("sp"));
	assert_true(db_name_ok("a_1_b"));
	assert_false(db_name_ok(""));
	assert_false(db_name_ok(NULL));
	assert_false(db_name_ok("A"));
	assert_false(db_name_ok("a-b"));
	assert_false(db_name_ok("a b"));
	assert_false(db_name_ok("a;"));
	assert_false(db_name_ok("\"a\""));
	char long_name[80];
	memset(long_name, 'a', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = 0;
	assert_false(db_name_ok(long_name));
	long_name[63] = 0;
	assert_true(db_name_ok(long_name));
}

static const char SQL_SYNC[] = "PRAGMA synchronous";
static const char SQL_JOURNAL[] = "PRAGMA journal_mode";
static const char SQL_FK[] = "PRAGMA foreign_keys";
static const char SQL_CHECKPOINT[] = "PRAGMA wal_autocheckpoint";
static const char SQL_TEMP[] = "PRAGMA temp_store";

static int64_t sync_with(const char *path, const char *env)
{
	struct db *db = NULL;
	struct err e;
	err_init(&e);
	if (env)
		setenv("TERSA_SQLITE_SYNC", env, 1);
	else
		unsetenv("TERSA_SQLITE_SYNC");
	assert_int_equal(db_open(path, &db, &e), 0);
	assert_int_equal(db_kind(db), DB_SQLITE);
	assert_string_equal(db_kind_name(db), "sqlite");
	int64_t v = scalar(db, SQL_SYNC);
	struct db_stmt *st = db_prepare(db, SQL_JOURNAL, &e);
	assert_int_equal(db_step(st, &e), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "wal");
	db_reset(st);
	assert_int_equal(scalar(db, SQL_FK), 1);
	assert_int_equal(scalar(db, SQL_CHECKPOINT), 8000);
	assert_int_equal(scalar(db, SQL_TEMP), 2); /* MEMORY */
	db_close(db);
	unsetenv("TERSA_SQLITE_SYNC");
	return v;
}

static void test_sqlite_settings(void **state)
{
	(void)state;
	struct tmpdb t;
	assert_int_equal(tmpdb_make(&t, "db"), 0);
	assert_int_equal(sync_with(t.path, NULL), 2);   /* FULL */
	assert_int_equal(sync_with(t.path, "NORMAL"), 1);
	assert_int_equal(sync_with(t.path, "off"), 0);
	assert_int_equal(sync_with(t.path, "FULL"), 2);
	assert_int_equal(sync_with(t.path, "fast"), 2); /* unknown: FULL */
	assert_int_equal(tmpdb_remove(&t), 0);
}

static void test_open_errors(void **state)
{
	(void)state;
	struct db *db = (struct db *)1;
	struct err e;
	err_init(&e);
	assert_int_equal(db_open("", &db, &e), ERR_DB);
	assert_null(db);
	assert_int_equal(db_open(NULL, &db, &e), ERR_DB);
	assert_int_equal(db_open("/nonexistent-tersa-dir/x/y.db", &db, &e),
			 ERR_DB);
	assert_null(db);
	/* both URL schemes go to PostgreSQL (nothing listens on port 1) */
	err_init(&e);
	assert_int_equal(db_open("postgresql://127.0.0.1:1/none"
				 "?connect_timeout=2",
				 &db, &e),
			 ERR_UNAVAILABLE);
	assert_null(db);
	err_init(&e);
	assert_int_equal(db_open("postgres://127.0.0.1:1/none", &db, &e),
			 ERR_UNAVAILABLE);
	assert_non_null(strstr(e.msg, "PostgreSQL"));
	assert_int_equal(access("postgres:", F_OK), -1);
}

#define ENGINE_TESTS(setup, teardown)                                          \
	cmocka_unit_test_setup_teardown(test_migrate, setup, teardown),        \
	cmocka_unit_test_setup_teardown(test_migrate_refuses_newer, setup,     \
					teardown),                             \
	cmocka_unit_test_setup_teardown(test_bind_types, setup, teardown),     \
	cmocka_unit_test_setup_teardown(test_unique_violation, setup,          \
					teardown),                             \
	cmocka_unit_test_setup_teardown(test_fk_check_notnull, setup,          \
					teardown),                             \
	cmocka_unit_test_setup_teardown(test_tx_rollback, setup, teardown),    \
	cmocka_unit_test_setup_teardown(test_savepoints, setup, teardown),     \
	cmocka_unit_test_setup_teardown(test_commit_after_error, setup,        \
					teardown),                             \
	cmocka_unit_test_setup_teardown(test_statement_cache, setup,           \
					teardown),                             \
	cmocka_unit_test_setup_teardown(test_utf8, setup, teardown),           \
	cmocka_unit_test_setup_teardown(test_int64_extremes, setup, teardown), \
	cmocka_unit_test_setup_teardown(test_numeric_and_bool, setup,          \
					teardown),                             \
	cmocka_unit_test_setup_teardown(test_changes, setup, teardown),        \
	cmocka_unit_test_setup_teardown(test_errors, setup, teardown),         \
	cmocka_unit_test_setup_teardown(test_boundaries_reset_statements,      \
					setup, teardown)

int main(void)
{
	if (!getenv("TERSA_TEST_VERBOSE"))
		log_set_level((enum log_level)(LOG_ERROR + 1));
	const struct CMUnitTest common[] = {
		cmocka_unit_test(test_pg_rewrite),
		cmocka_unit_test(test_parse_int64),
		cmocka_unit_test(test_substitute),
		cmocka_unit_test(test_name_ok),
		cmocka_unit_test(test_sqlite_settings),
		cmocka_unit_test(test_open_errors),
	};
	const struct CMUnitTest sqlite[] = {
		ENGINE_TESTS(setup_sqlite, teardown_sqlite),
	};
	const struct CMUnitTest pg[] = {
		ENGINE_TESTS(setup_pg, teardown_pg),
		cmocka_unit_test_setup_teardown(test_pg_reconnect, setup_pg,
						teardown_pg),
	};
	int fails = cmocka_run_group_tests_name("db", common, NULL, NULL);
	fails += cmocka_run_group_tests_name("db_sqlite", sqlite, NULL, NULL);
	fails += cmocka_run_group_tests_name("db_postgresql", pg, NULL, NULL);
	return fails ? 1 : 0;
}
