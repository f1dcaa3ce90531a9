/* test_scheduler.c: when a job is due next (every N minutes; daily at HH:MM
 * company time, in Shanghai and across Berlin's clock change), and the claim
 * that lets one of two servers run a job, on SQLite (a temp file) and, when
 * TERSA_TEST_PG_URL is set, on PostgreSQL (one schema per test). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/timeutil.h"
#include "db/db.h"
#include "jobs/scheduler.h"
#include "tmpdb.h"

#define H (3600LL * 1000)

static void test_next_every(void **state)
{
	(void)state;
	struct job j = {"t", 60, 0, NULL};
	assert_int_equal(sched_next_run(&j, 0), 0);
	assert_int_equal(sched_next_run(&j, 1795797000000LL), 1795797000000LL + H);
	j.every_min = 5;
	assert_int_equal(sched_next_run(&j, 1000), 1000 + 5 * 60000);
	/* The outbox sender: every five seconds. */
	const struct job *o = sched_job("outbox");
	assert_non_null(o);
	assert_int_equal(sched_every_s(o), 5);
	assert_int_equal(sched_every_s(&j), 0);
	assert_int_equal(sched_next_run(o, 1000), 1000 + 5000);
}

static void test_next_daily(void **state)
{
	(void)state;
	struct job j = {"t", 0, 3 * 60, NULL}; /* 03:00 */
	assert_int_equal(ts_set_zone("Asia/Shanghai"), 0);
	/* 2026-11-27 02:59 local (18:59Z the day before): 03:00 the same day */
	int64_t day_start = 1795795200000LL - 24 * H; /* 2026-11-27 00:00 +08 */
	assert_int_equal(sched_next_run(&j, day_start + 2 * H + 59 * 60000), day_start + 3 * H);
	/* 10:00 local: 03:00 the next day */
	assert_int_equal(sched_next_run(&j, day_start + 10 * H), day_start + 27 * H);
	/* exactly 03:00: the next day */
	assert_int_equal(sched_next_run(&j, day_start + 3 * H), day_start + 27 * H);
	assert_int_equal(sched_next_run(&j, 0), 0);

	/* Berlin: the night of 2026-03-29 has 23 hours; 04:00 local comes
	 * 23 hours after 04:00 the day before */
	assert_int_equal(ts_set_zone("Europe/Berlin"), 0);
	j.daily_at = 4 * 60 + 30;
	int64_t mar28 = 1774652400000LL; /* 2026-03-28 00:00 CET = 03-27 23:00Z */
	int64_t mar29 = 1774738800000LL; /* 2026-03-29 00:00 CET */
	int64_t run28 = mar28 + 4 * H + 30 * 60000;
	assert_int_equal(sched_next_run(&j, run28), mar29 + 4 * H + 30 * 60000);
	assert_int_equal(ts_set_zone("Asia/Shanghai"), 0);
}

struct fx {
	struct tmpdb tmp;
	struct db *a, *b; /* two servers' connections */
	char schema[64];
	char url[1024];
	char job[64];
};

static int open_two(struct fx *f, const char *target)
{
	struct err e;
	err_init(&e);
	if (db_open(target, &f->a, &e) < 0 || db_migrate(f->a, NULL, &e) < 0 ||
	    db_open(target, &f->b, &e) < 0) {
		fprintf(stderr, "setup: %s\n", e.msg);
		return -1;
	}
	snprintf(f->job, sizeof f->job, "test-%ld", (long)getpid());
	return 0;
}

static int setup_sqlite(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	*state = f;
	if (tmpdb_make(&f->tmp, "sched") < 0)
		return -1;
	return open_two(f, f->tmp.path);
}

static int teardown_sqlite(void **state)
{
	struct fx *f = *state;
	db_close(f->a);
	db_close(f->b);
	int rc = tmpdb_remove(&f->tmp);
	free(f);
	return rc;
}

static int setup_pg(void **state)
{
	static int seq;
	struct fx *f = calloc(1, sizeof *f);
	*state = f;
	const char *url = getenv("TERSA_TEST_PG_URL");
	if (!url || !*url)
		return 0;
	struct err e;
	err_init(&e);
	snprintf(f->schema, sizeof f->schema, "tersa_sched%ld_%d", (long)getpid(), ++seq);
	snprintf(f->url, sizeof f->url, "%s%coptions=-csearch_path%%3D%s", url,
		 strchr(url, '?') ? '&' : '?', f->schema);
	char sql[256];
	snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", f->schema,
		 f->schema);
	struct db *admin;
	if (db_open(f->url, &admin, &e) < 0 || db_exec(admin, sql, &e) < 0) {
		fprintf(stderr, "setup: %s\n", e.msg);
		return -1;
	}
	db_close(admin);
	return open_two(f, f->url);
}

static int teardown_pg(void **state)
{
	struct fx *f = *state;
	if (f->a) {
		char sql[128];
		struct err e;
		err_init(&e);
		db_close(f->b);
		snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE", f->schema);
		db_idle(f->a);
		db_exec(f->a, sql, &e);
		db_close(f->a);
	}
	free(f);
	return 0;
}

/* A column of the job's row (-1 for NULL); col is one of the names below. */
static int64_t job_int(struct db *db, const char *job, const char *col)
{
	/* db_query caches statements by the SQL's address: one array each */
	static const char ok[] = "SELECT COALESCE(runs_ok, -1) FROM job_runs WHERE job = ?";
	static const char failed[] = "SELECT COALESCE(runs_failed, -1) FROM job_runs WHERE job = ?";
	static const char dur[] = "SELECT COALESCE(last_duration_ms, -1) FROM job_runs WHERE job = ?";
	static const char started[] = "SELECT COALESCE(last_started_at, -1) FROM job_runs WHERE job = ?";
	static const char running[] = "SELECT COALESCE(running_since, -1) FROM job_runs WHERE job = ?";
	const char *sql = strcmp(col, "runs_ok") == 0 ? ok
			: strcmp(col, "runs_failed") == 0 ? failed
			: strcmp(col, "last_duration_ms") == 0 ? dur
			: strcmp(col, "last_started_at") == 0 ? started : running;
	struct err e;
	err_init(&e);
	struct db_stmt *st = db_query(db, &e, sql, "t", job);
	assert_non_null(st);
	assert_int_equal(db_step(st, &e), DB_ROW);
	int64_t v = db_col_int64(st, 0);
	db_reset(st);
	return v;
}

static void claims(void **state)
{
	struct fx *f = *state;
	if (!f->a)
		skip();
	struct job j = {f->job, 60, 0, NULL};
	struct err e;
	err_init(&e);
	int64_t now = ts_now_ms();
	int won_a = -1, won_b = -1;
	/* two servers claim the same due job: one wins */
	assert_int_equal(sched_claim(f->a, &j, now, "server-a", &won_a, &e), 0);
	assert_int_equal(sched_claim(f->b, &j, now, "server-b", &won_b, &e), 0);
	assert_int_equal(won_a, 1);
	assert_int_equal(won_b, 0);
	/* while the run goes on, a later claim loses (the claim's lease) */
	assert_int_equal(sched_claim(f->b, &j, now + 2 * H, "server-b", &won_b, &e), 0);
	assert_int_equal(won_b, 0);
	if (f->schema[0]) {
		/* PostgreSQL: even with the row's claim gone, the advisory lock
		 * of the running server keeps the other one out */
		static const char sql[] = "UPDATE job_runs SET running_since = NULL WHERE job = ?";
		assert_int_equal(db_write(f->b, &e, sql, "t", f->job), 0);
		assert_int_equal(sched_claim(f->b, &j, now + 2 * H, "server-b", &won_b, &e), 0);
		assert_int_equal(won_b, 0);
	}
	assert_int_equal(sched_finish(f->a, &j, "server-a", now, 1234, 1, NULL, &e), 0);
	assert_int_equal(job_int(f->b, f->job, "runs_ok"), 1);
	assert_int_equal(job_int(f->b, f->job, "last_duration_ms"), 1234);
	assert_int_equal(job_int(f->b, f->job, "last_started_at"), now);
	assert_int_equal(job_int(f->b, f->job, "running_since"), -1);
	/* not due again before an hour has passed, on either server */
	assert_int_equal(sched_claim(f->b, &j, now + H - 1, "server-b", &won_b, &e), 0);
	assert_int_equal(won_b, 0);
	assert_int_equal(sched_claim(f->a, &j, now + H - 1, "server-a", &won_a, &e), 0);
	assert_int_equal(won_a, 0);
	/* then the other server may run it, and a failure is recorded */
	assert_int_equal(sched_claim(f->b, &j, now + H, "server-b", &won_b, &e), 0);
	assert_int_equal(won_b, 1);
	assert_int_equal(sched_claim(f->a, &j, now + H, "server-a", &won_a, &e), 0);
	assert_int_equal(won_a, 0);
	assert_int_equal(sched_finish(f->b, &j, "server-b", now + H, 5, 0, "boom", &e), 0);
	assert_int_equal(job_int(f->a, f->job, "runs_failed"), 1);
	assert_int_equal(job_int(f->a, f->job, "runs_ok"), 1);
}

static void abandoned_claim(void **state)
{
	struct fx *f = *state;
	if (!f->a)
		skip();
	struct job j = {f->job, 60, 0, NULL};
	struct err e;
	err_init(&e);
	int64_t now = ts_now_ms();
	int won = -1;
	assert_int_equal(sched_claim(f->a, &j, now, "server-a", &won, &e), 0);
	assert_int_equal(won, 1);
	/* server a dies without finishing (its connection goes with it) */
	db_close(f->a);
	f->a = NULL;
	assert_int_equal(sched_claim(f->b, &j, now + 2 * H, "server-b", &won, &e), 0);
	assert_int_equal(won, 0); /* the lease still holds */
	/* PostgreSQL frees a closed session's advisory lock when its backend
	 * exits, a moment after the close: try for up to 2 s */
	for (int i = 0; i < 100; i++) {
		assert_int_equal(sched_claim(f->b, &j, now + SCHED_LEASE_MS + 1, "server-b", &won, &e), 0);
		if (won)
			break;
		usleep(20000);
	}
	assert_int_equal(won, 1);
	assert_int_equal(sched_finish(f->b, &j, "server-b", now + SCHED_LEASE_MS + 1, 1, 1, NULL, &e), 0);
	/* reopen for the teardown */
	const char *target = f->schema[0] ? f->url : f->tmp.path;
	assert_int_equal(db_open(target, &f->a, &e), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_next_every),
		cmocka_unit_test(test_next_daily),
		cmocka_unit_test_setup_teardown(claims, setup_sqlite, teardown_sqlite),
		cmocka_unit_test_setup_teardown(abandoned_claim, setup_sqlite, teardown_sqlite),
		cmocka_unit_test_setup_teardown(claims, setup_pg, teardown_pg),
		cmocka_unit_test_setup_teardown(abandoned_claim, setup_pg, teardown_pg),
	};
	return cmocka_run_group_tests_name("scheduler", tests, NULL, NULL);
}
