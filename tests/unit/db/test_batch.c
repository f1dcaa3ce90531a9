/* test_batch.c: the group-commit writer on SQLite (a temp file): pieces
 * queued while a batch runs share the next commit, a failing piece is rolled
 * back alone, and every caller hears its own result after the commit. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/batch.h"
#include "db/db.h"
#include "tmpdb.h"

struct fx {
	struct tmpdb tmp;
	struct db *db; /* a reader's connection */
	struct db_batch *b;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct err e;
	err_init(&e);
	if (tmpdb_make(&f->tmp, "batch") < 0)
		return -1;
	if (db_open(f->tmp.path, &f->db, &e) < 0 ||
	    db_run(db_query(f->db, &e, "CREATE TABLE t (x INTEGER UNIQUE)", ""), &e) < 0 ||
	    db_batch_open(f->tmp.path, 64, &f->b, &e) < 0) {
		fprintf(stderr, "setup: %s\n", e.msg);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	db_batch_close(f->b);
	db_close(f->db);
	tmpdb_remove(&f->tmp);
	free(f);
	return 0;
}

/* One piece: inserts x, then (when dup) inserts 1 again, which fails. */
struct piece {
	int x, dup;
	struct err e;
	int rc;
	int done;
	int rows_seen; /* rows committed when the caller was told */
	struct fx *f;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int gate_open, gate_entered;

static int insert(struct db *db, void *arg, struct err *e)
{
	struct piece *p = arg;
	if (db_run(db_query(db, e, "INSERT INTO t (x) VALUES (?)", "i", (int64_t)p->x), e) < 0)
		return db_fail(e);
	if (p->dup && db_run(db_query(db, e, "INSERT INTO t (x) VALUES (1)", ""), e) < 0)
		return db_fail(e);
	return 0;
}

/* Holds the writer inside its first batch until the test opens the gate. */
static int gate(struct db *db, void *arg, struct err *e)
{
	pthread_mutex_lock(&mu);
	gate_entered = 1;
	pthread_cond_broadcast(&cv);
	while (!gate_open)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	return insert(db, arg, e);
}

static int count_rows(struct db *db)
{
	struct err e;
	err_init(&e);
	struct db_stmt *st = db_query(db, &e, "SELECT count(*) FROM t", "");
	int n = st && db_step(st, &e) == DB_ROW ? (int)db_col_int64(st, 0) : -1;
	db_idle(db);
	return n;
}

static void told(void *arg, int rc)
{
	struct piece *p = arg;
	pthread_mutex_lock(&mu);
	p->rc = rc;
	p->done = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

static void wait_done(struct piece *p)
{
	pthread_mutex_lock(&mu);
	while (!p->done)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
}

static void test_pieces_share_a_commit_and_fail_alone(void **state)
{
	struct fx *f = *state;
	struct piece first = {.x = 1}, p[10];
	err_init(&first.e);
	gate_open = gate_entered = 0;
	db_batch_submit(f->b, gate, &first, &first.e, told, &first);
	pthread_mutex_lock(&mu);
	while (!gate_entered)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	/* Queued while the writer is held in the first batch: one batch. */
	for (int i = 0; i < 10; i++) {
		memset(&p[i], 0, sizeof p[i]);
		err_init(&p[i].e);
		p[i].x = 100 + i;
		p[i].dup = i == 4;
		db_batch_submit(f->b, insert, &p[i], &p[i].e, told, &p[i]);
	}
	usleep(20000);
	assert_int_equal(count_rows(f->db), 0); /* nothing committed yet */
	pthread_mutex_lock(&mu);
	gate_open = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	wait_done(&first);
	assert_int_equal(first.rc, 0);
	for (int i = 0; i < 10; i++) {
		wait_done(&p[i]);
		if (i == 4) {
			assert_int_equal(p[i].rc, ERR_DUPLICATE);
		} else {
			assert_int_equal(p[i].rc, 0);
		}
	}
	/* The failed piece's first insert (104) was rolled back with it. */
	assert_int_equal(count_rows(f->db), 10);
	struct err e;
	err_init(&e);
	struct db_stmt *st = db_query(f->db, &e, "SELECT count(*) FROM t WHERE x = 104", "");
	assert_non_null(st);
	assert_int_equal(db_step(st, &e), DB_ROW);
	assert_int_equal(db_col_int64(st, 0), 0);
	db_idle(f->db);
	unsigned long long commits, writes;
	db_batch_stats(f->b, &commits, &writes);
	assert_int_equal(writes, 11);
	assert_int_equal(commits, 2);
}

/* A caller is told only after its commit: the row is there when told. */
static void seen_when_told(void *arg, int rc)
{
	struct piece *p = arg;
	p->rows_seen = count_rows(p->f->db);
	told(arg, rc);
}

static void test_told_after_commit(void **state)
{
	struct fx *f = *state;
	struct piece p = {.x = 7, .f = f};
	err_init(&p.e);
	db_batch_submit(f->b, insert, &p, &p.e, seen_when_told, &p);
	wait_done(&p);
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.rows_seen, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pieces_share_a_commit_and_fail_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_told_after_commit, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
