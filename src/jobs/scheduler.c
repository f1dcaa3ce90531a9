/* scheduler.c: the job table, when each job is due, the claim that lets one
 * server run it, and the scheduler thread (see scheduler.h). */
#include "jobs/scheduler.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/timeutil.h"
#include "domain/org/settings.h"
#include "jobs/anomaly_job.h"
#include "jobs/campaign_job.h"
#include "jobs/commission_job.h"
#include "jobs/coupon_jobs.h"
#include "jobs/customer_rfm_job.h"
#include "jobs/forecast_job.h"
#include "jobs/housekeep.h"
#include "jobs/journey_job.h"
#include "jobs/loyalty_jobs.h"
#include "jobs/outbox_job.h"
#include "jobs/staff_jobs.h"
#include "jobs/training_job.h"

/* The jobs, in the order they are tried on each tick. */
static const struct job jobs[] = {
	{"housekeeping", 60, 0, housekeep_run},
	{"customer_rfm", 0, 2 * 60 + 20, customer_rfm_job},
	{"points_expiry", 0, 2 * 60 + 30, loyalty_expiry_job},
	{"tier_downgrade", 0, 2 * 60 + 40, loyalty_downgrade_job},
	{"coupon_expiry", 0, 2 * 60 + 50, coupon_expiry_job},
	{"care", 0, 8 * 60, care_job},
	{"journeys", 60, 0, journey_job},
	{"forecast", 0, 3 * 60, forecast_job},
	{"anomalies", 60, 0, anomalies_job},
	{"campaigns", 1, 0, campaigns_job},
	{"outbox", 1, 0, outbox_job},
	{"recurring_tasks", 60, 0, recurring_tasks_job},
	{"evaluations", 0, 2 * 60 + 15, evaluations_job},
	{"training", 0, 3 * 60 + 10, training_job},
	{"commission", 0, 2 * 60 + 30, commission_job},
};
#define NJOBS ((int)(sizeof jobs / sizeof jobs[0]))

/* The jobs run every few seconds rather than minutes. */
static const struct {
	const char *name;
	int every_s;
} fast_jobs[] = {{"outbox", 5}};

int sched_every_s(const struct job *j)
{
	for (size_t i = 0; i < sizeof fast_jobs / sizeof fast_jobs[0]; i++)
		if (strcmp(fast_jobs[i].name, j->name) == 0)
			return fast_jobs[i].every_s;
	return 0;
}

/* How often the thread looks for due jobs (s); jobs run every few seconds
 * are looked at every FAST_TICK_S. */
#define TICK_S 30
#define FAST_TICK_S 5

/* Runs of this process, for /metrics. */
static atomic_ullong runs_ok[NJOBS], runs_failed[NJOBS];
static _Atomic int64_t last_ms[NJOBS];

static int job_index(const struct job *j)
{
	for (int i = 0; i < NJOBS; i++)
		if (strcmp(jobs[i].name, j->name) == 0)
			return i;
	return -1;
}

int64_t sched_next_run(const struct job *j, int64_t last_started)
{
	if (last_started <= 0)
		return 0;
	if (sched_every_s(j) > 0)
		return last_started + (int64_t)sched_every_s(j) * 1000;
	if (j->every_min > 0)
		return last_started + (int64_t)j->every_min * 60000;
	char day[11];
	int64_t start;
	ts_day(last_started, day, sizeof day);
	if (ts_day_start(day, &start) < 0)
		return last_started + 86400000;
	int64_t at = start + (int64_t)j->daily_at * 60000;
	if (at > last_started)
		return at;
	/* The next day: its midnight is 23 to 25 hours on. */
	ts_day(start + 30LL * 3600 * 1000, day, sizeof day);
	if (ts_day_start(day, &start) < 0)
		return last_started + 86400000;
	return start + (int64_t)j->daily_at * 60000;
}

/* A PostgreSQL advisory lock key per job: FNV-1a of the name. */
static int64_t lock_key(const char *name)
{
	uint64_t h = 1469598103934665603ULL;
	for (const char *p = "tersa-job:"; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	for (const char *p = name; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return (int64_t)h;
}

/* PostgreSQL only: the advisory lock on this connection (session level,
 * released by sched_finish or when the connection ends). *got 1 or 0. */
static int pg_lock(struct db *db, const struct job *j, int *got, struct err *e)
{
	static const char sql[] = "SELECT CASE WHEN pg_try_advisory_lock(?) THEN 1 ELSE 0 END";
	*got = 1;
	if (db_kind(db) != DB_PG)
		return 0;
	struct db_stmt *st = db_query(db, e, sql, "i", lock_key(j->name));
	if (!st || db_step(st, e) != DB_ROW)
		return db_fail(e);
	*got = (int)db_col_int64(st, 0);
	db_reset(st);
	return 0;
}

static void pg_unlock(struct db *db, const struct job *j)
{
	static const char sql[] = "SELECT pg_advisory_unlock(?)";
	if (db_kind(db) != DB_PG)
		return;
	struct err e;
	err_init(&e);
	struct db_stmt *st = db_query(db, &e, sql, "i", lock_key(j->name));
	if (!st || db_step(st, &e) != DB_ROW)
		log_warn("job %s: advisory unlock failed: %s", j->name, e.msg);
	if (st)
		db_reset(st);
}

int sched_claim(struct db *db, const struct job *j, int64_t now, const char *owner,
		int *claimed, struct err *e)
{
	static const char sql_row[] =
		"INSERT INTO job_runs (job) VALUES (?) ON CONFLICT (job) DO NOTHING";
	static const char sql_get[] =
		"SELECT last_started_at, COALESCE(running_since, 0) FROM job_runs WHERE job = ?";
	/* Compare-and-set on the start read: of two servers that read the
	 * same row, one changes it and the other finds it changed. */
	static const char sql_claim[] =
		"UPDATE job_runs SET running_since = ?, owner = ?, last_started_at = ? "
		"WHERE job = ? AND last_started_at = ? "
		"AND (running_since IS NULL OR running_since < ?)";
	*claimed = 0;
	int rc = db_write(db, e, sql_row, "t", j->name);
	if (rc < 0)
		return rc;
	struct db_stmt *st = db_query(db, e, sql_get, "t", j->name);
	if (!st || db_step(st, e) != DB_ROW)
		return db_fail(e);
	int64_t last = db_col_int64(st, 0), running = db_col_int64(st, 1);
	db_reset(st);
	int64_t lease = sched_every_s(j) > 0 ? SCHED_FAST_LEASE_MS : SCHED_LEASE_MS;
	if (now < sched_next_run(j, last) || (running && now - running < lease))
		return 0;
	int got;
	if ((rc = pg_lock(db, j, &got, e)) < 0)
		return rc;
	if (!got)
		return 0;
	int64_t n = 0;
	if ((rc = db_write_count(db, e, &n, sql_claim, "ititii", now, owner, now, j->name, last,
				 now - lease)) < 0 || n != 1) {
		pg_unlock(db, j);
		return rc;
	}
	*claimed = 1;
	return 0;
}

int sched_finish(struct db *db, const struct job *j, const char *owner, int64_t started,
		 int64_t duration_ms, int ok, const char *error, struct err *e)
{
	static const char sql[] =
		"UPDATE job_runs SET running_since = NULL, owner = NULL, last_finished_at = ?, "
		"last_duration_ms = ?, last_outcome = ?, last_error = ?, "
		"runs_ok = runs_ok + ?, runs_failed = runs_failed + ? "
		"WHERE job = ? AND owner = ?";
	int rc = db_write(db, e, sql, "iittiitt", started + duration_ms, duration_ms,
			  ok ? "ok" : "failed", error, (int64_t)(ok != 0), (int64_t)(ok == 0),
			  j->name, owner);
	pg_unlock(db, j);
	int i = job_index(j);
	if (i >= 0) {
		atomic_fetch_add(ok ? &runs_ok[i] : &runs_failed[i], 1);
		atomic_store(&last_ms[i], duration_ms);
	}
	return rc;
}

void scheduler_metrics(struct buf *out)
{
	buf_puts(out, "# HELP tersa_job_runs_total Background job runs of this process by outcome.\n"
		      "# TYPE tersa_job_runs_total counter\n");
	for (int i = 0; i < NJOBS; i++)
		buf_printf(out, "tersa_job_runs_total{job=\"%s\",outcome=\"ok\"} %llu\n"
				"tersa_job_runs_total{job=\"%s\",outcome=\"failed\"} %llu\n",
			   jobs[i].name, atomic_load(&runs_ok[i]), jobs[i].name,
			   atomic_load(&runs_failed[i]));
	buf_puts(out, "# HELP tersa_job_last_duration_seconds How long the job's last run here took.\n"
		      "# TYPE tersa_job_last_duration_seconds gauge\n");
	for (int i = 0; i < NJOBS; i++)
		buf_printf(out, "tersa_job_last_duration_seconds{job=\"%s\"} %.3f\n", jobs[i].name,
			   (double)atomic_load(&last_ms[i]) / 1000.0);
}

/* ---- the thread ---- */

static pthread_t thread;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static atomic_int stop;
static int running;
static char owner[64];

int scheduler_stopping(void)
{
	return atomic_load(&stop);
}

static void run_one(struct db *db, const struct job *j)
{
	struct err e;
	err_init(&e);
	int64_t now = ts_now_ms();
	int claimed;
	if (sched_claim(db, j, now, owner, &claimed, &e) < 0) {
		log_warn("job %s: claim failed: %s", j->name, e.msg);
		db_idle(db);
		return;
	}
	if (!claimed)
		return;
	int64_t t0 = ts_mono_ms();
	int rc = j->run(db, &e);
	db_idle(db);
	int64_t ms = ts_mono_ms() - t0;
	if (rc < 0)
		log_warn("job %s failed after %lld ms: %s", j->name, (long long)ms, e.msg);
	char msg[sizeof e.msg];
	snprintf(msg, sizeof msg, "%s", e.msg);
	err_init(&e);
	if (sched_finish(db, j, owner, now, ms, rc == 0, rc < 0 ? msg : NULL, &e) < 0)
		log_warn("job %s: recording the run failed: %s", j->name, e.msg);
	db_idle(db);
}

static void *run(void *arg)
{
	struct db *db = arg;
	int64_t last_full = 0;
	pthread_mutex_lock(&mu);
	while (!atomic_load(&stop)) {
		pthread_mutex_unlock(&mu);
		struct err e;
		err_init(&e);
		/* Every TICK_S all jobs, in between only the fast ones. */
		int full = ts_mono_ms() - last_full >= (TICK_S - 1) * 1000LL || !last_full;
		if (full) {
			last_full = ts_mono_ms();
			/* Daily jobs count in company time: keep the zone current. */
			if (settings_sync(db, 0, &e) < 0)
				log_warn("scheduler: reading the company time zone failed: %s", e.msg);
		}
		for (int i = 0; i < NJOBS && !atomic_load(&stop); i++)
			if (full || sched_every_s(&jobs[i]) > 0)
				run_one(db, &jobs[i]);
		pthread_mutex_lock(&mu);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += FAST_TICK_S;
		while (!atomic_load(&stop) && pthread_cond_timedwait(&wake, &mu, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&mu);
	db_close(db);
	return NULL;
}

int scheduler_start(const char *target)
{
	struct err e;
	err_init(&e);
	struct db *db;
	if (db_open(target, &db, &e) < 0) {
		log_error("scheduler: cannot open the database: %s", e.msg);
		return -1;
	}
	unsigned char rnd[6];
	char hex[13];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
	snprintf(owner, sizeof owner, "%ld-%s", (long)getpid(), hex);
	atomic_store(&stop, 0);
	if (pthread_create(&thread, NULL, run, db) != 0) {
		db_close(db);
		log_error("scheduler: cannot start its thread");
		return -1;
	}
	running = 1;
	return 0;
}

void scheduler_stop(void)
{
	if (!running)
		return;
	pthread_mutex_lock(&mu);
	atomic_store(&stop, 1);
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&mu);
	pthread_join(thread, NULL);
	running = 0;
}

const struct job *sched_job(const char *name)
{
	for (int i = 0; i < NJOBS; i++)
		if (strcmp(jobs[i].name, name) == 0)
			return &jobs[i];
	return NULL;
}

const char *sched_job_names(void)
{
	static char names[512];
	size_t n = 0;
	names[0] = 0;
	for (int i = 0; i < NJOBS && n < sizeof names; i++)
		n += (size_t)snprintf(names + n, sizeof names - n, "%s%s", i ? ", " : "",
				      jobs[i].name);
	return names;
}
