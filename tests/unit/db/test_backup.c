/* test_backup.c: db_backup copies a database that another connection keeps
 * writing to (the copy is the database as the backup began, whole and
 * consistent), db_restore puts it back, and both refuse what they must. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/backup.h"
#include "db/db.h"
#include "tmpdb.h"

struct fx {
	struct tmpdb tmp;
	char copy[160], back[160];
	atomic_int stop;
	atomic_long written; /* rows committed by the writer thread */
};

static void path_in(const struct fx *f, char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", f->tmp.dir, name);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct err e;
	err_init(&e);
	struct db *db;
	if (tmpdb_make(&f->tmp, "backup") < 0 || db_open(f->tmp.path, &db, &e) < 0)
		return -1;
	/* A Tersa schema and ~12 MiB of rows: several backup steps. */
	int rc = db_migrate(db, NULL, &e);
	if (rc == 0)
		rc = db_exec(db,
			     "CREATE TABLE t (x INTEGER PRIMARY KEY, pad BLOB);"
			     "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
			     "INSERT INTO t SELECT i, randomblob(4000) FROM n;",
			     &e);
	db_close(db);
	if (rc < 0) {
		fprintf(stderr, "setup: %s\n", e.msg);
		return -1;
	}
	atomic_store(&f->written, 3000);
	path_in(f, f->copy, sizeof f->copy, "copy.db");
	path_in(f, f->back, sizeof f->back, "back.db");
	*state = f;
	return 0;
}

static void unlink_all(const char *p)
{
	char b[200];
	static const char *const sfx[] = {"", "-wal", "-shm", "-journal", ".tmp"};
	for (size_t i = 0; i < sizeof sfx / sizeof *sfx; i++) {
		snprintf(b, sizeof b, "%s%s", p, sfx[i]);
		unlink(b);
	}
}

static int teardown(void **state)
{
	struct fx *f = *state;
	unlink_all(f->copy);
	unlink_all(f->back);
	char p[200];
	path_in(f, p, sizeof p, "junk.db");
	unlink(p);
	path_in(f, p, sizeof p, "plain.db");
	unlink_all(p);
	tmpdb_remove(&f->tmp);
	free(f);
	return 0;
}

/* Appends rows x = written+1, ... one commit each until told to stop. */
static void *writer(void *arg)
{
	struct fx *f = arg;
	struct db *db;
	struct err e;
	err_init(&e);
	if (db_open(f->tmp.path, &db, &e) < 0)
		return NULL;
	while (!atomic_load(&f->stop)) {
		long x = atomic_load(&f->written) + 1;
		if (db_write(db, &e, "INSERT INTO t VALUES (?, randomblob(4000))", "i", (int64_t)x) < 0)
			break;
		atomic_store(&f->written, x);
	}
	db_close(db);
	return NULL;
}

/* Rows in t of the database at path, and whether they are 1..n without a
 * gap (a consistent snapshot of the writer's appends). */
static long rows_of(const char *path, int *contiguous)
{
	struct db *db;
	struct err e;
	err_init(&e);
	assert_int_equal(db_open(path, &db, &e), 0);
	int64_t n = 0, hi = 0;
	assert_int_equal(db_int(db_query(db, &e, "SELECT count(*) FROM t", ""), &n, &e), 1);
	assert_int_equal(db_int(db_query(db, &e, "SELECT max(x) FROM t", ""), &hi, &e), 1);
	int ok = 0;
	assert_int_equal(db_integrity(db, &ok, &e), 0);
	assert_true(ok);
	db_close(db);
	*contiguous = n == hi;
	return (long)n;
}

static void test_backup_while_writing(void **state)
{
	struct fx *f = *state;
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, writer, f), 0);
	while (atomic_load(&f->written) < 3020)
		usleep(1000);
	long before = atomic_load(&f->written);
	struct err e;
	err_init(&e);
	long pages = 0;
	int rc = db_backup(f->tmp.path, f->copy, &pages, &e);
	long after = atomic_load(&f->written);
	atomic_store(&f->stop, 1);
	pthread_join(th, NULL);
	if (rc < 0)
		fprintf(stderr, "backup: %s\n", e.msg);
	assert_int_equal(rc, 0);
	assert_true(pages > 1024); /* it took several steps */
	int contiguous = 0;
	long n = rows_of(f->copy, &contiguous);
	/* every row committed before the backup began, none torn */
	assert_true(contiguous);
	assert_true(n >= before);
	assert_true(n <= after);
	struct stat sb;
	char tmp[200];
	snprintf(tmp, sizeof tmp, "%s.tmp", f->copy);
	assert_int_not_equal(stat(tmp, &sb), 0);
	snprintf(tmp, sizeof tmp, "%s-wal", f->copy);
	assert_int_not_equal(stat(tmp, &sb), 0);

	/* restored: the same rows */
	assert_int_equal(db_restore(f->copy, f->back, 0, &e), 0);
	assert_int_equal(rows_of(f->back, &contiguous), n);
	/* an existing target only with force */
	err_init(&e);
	assert_int_equal(db_restore(f->copy, f->back, 0, &e), ERR_CONFLICT);
	err_init(&e);
	assert_int_equal(db_restore(f->copy, f->back, 1, &e), 0);
}

static void test_refusals(void **state)
{
	struct fx *f = *state;
	struct err e;
	char p[200], q[200];
	err_init(&e);
	assert_int_equal(db_backup("postgresql://x@127.0.0.1:1/y", f->copy, NULL, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "pg_dump"));
	err_init(&e);
	assert_int_equal(db_restore(f->tmp.path, "postgres://x@127.0.0.1:1/y", 1, &e), ERR_INVALID);
	/* never over the database itself */
	err_init(&e);
	assert_int_equal(db_backup(f->tmp.path, f->tmp.path, NULL, &e), ERR_INVALID);
	/* an absent source is never created */
	path_in(f, p, sizeof p, "absent.db");
	err_init(&e);
	assert_int_equal(db_backup(p, f->copy, NULL, &e), ERR_NOT_FOUND);
	struct stat sb;
	assert_int_not_equal(stat(p, &sb), 0);
	/* not a database */
	path_in(f, p, sizeof p, "junk.db");
	FILE *fp = fopen(p, "w");
	assert_non_null(fp);
	for (int i = 0; i < 100; i++)
		fputs("no database here, only text\n", fp);
	fclose(fp);
	path_in(f, q, sizeof q, "never.db");
	err_init(&e);
	assert_int_equal(db_restore(p, q, 0, &e), ERR_INVALID);
	assert_int_not_equal(stat(q, &sb), 0);
	/* a SQLite database without Tersa's schema */
	path_in(f, p, sizeof p, "plain.db");
	struct db *db;
	assert_int_equal(db_open(p, &db, &e), 0);
	assert_int_equal(db_exec(db, "CREATE TABLE other (x INTEGER)", &e), 0);
	db_close(db);
	err_init(&e);
	assert_int_equal(db_restore(p, q, 0, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "not a Tersa database"));
	assert_int_not_equal(stat(q, &sb), 0);
	/* a database another connection has open is not replaced */
	assert_int_equal(db_open(f->tmp.path, &db, &e), 0);
	assert_int_equal(db_exec(db, "SELECT count(*) FROM t", &e), 0);
	err_init(&e);
	assert_int_equal(db_backup(f->tmp.path, f->copy, NULL, &e), 0);
	err_init(&e);
	assert_int_equal(db_restore(f->copy, f->tmp.path, 1, &e), ERR_UNAVAILABLE);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_backup_while_writing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
