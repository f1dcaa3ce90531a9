/* scheduler.h: background jobs (every N minutes, or daily at HH:MM company
 * time) run by one scheduler thread per server. A job runs only on the
 * server that claims it: its row in job_runs is claimed with a conditional
 * UPDATE, and on PostgreSQL also by pg_try_advisory_lock on the scheduler's
 * own connection, so several servers on one database run each job once. */
#ifndef TERSA_SCHEDULER_H
#define TERSA_SCHEDULER_H

#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "db/db.h"

struct job {
	const char *name;
	int every_min;  /* every N minutes; 0 for a daily job */
	int daily_at;   /* daily: minute of the company day (HH*60+MM) */
	/* The work: 0 or a negative ERR_* with e filled. A long job checks
	 * scheduler_stopping() between slices. */
	int (*run)(struct db *db, struct err *e);
};

/* Seconds between runs of a job run every few seconds (the outbox sender,
 * listed by name in scheduler.c), which overrides every_min; else 0. Such a
 * job's claim lapses after SCHED_FAST_LEASE_MS instead of SCHED_LEASE_MS. */
int sched_every_s(const struct job *j);

/* When a job whose last run started at last_started (ms, 0 = never) is due
 * next: never run: 0 (at once); every N seconds or minutes: that long after the last
 * start; daily: the first HH:MM company time after it, counted from that
 * day's midnight (on a day the clocks change, an hour off the wall clock). */
int64_t sched_next_run(const struct job *j, int64_t last_started);

/* Claims j for a run at now if it is due and not running elsewhere (a claim
 * older than SCHED_LEASE_MS is taken as abandoned): *claimed 1 when this
 * caller won (then sched_finish must follow on the same db), 0 otherwise.
 * owner names the claimant (unique per process). 0 or negative. */
#define SCHED_LEASE_MS (6LL * 3600 * 1000)
#define SCHED_FAST_LEASE_MS (3LL * 60 * 1000) /* a run: 50 s + one send (70 s) */
int sched_claim(struct db *db, const struct job *j, int64_t now, const char *owner,
		int *claimed, struct err *e);
/* Records the run's end (outcome "ok" or "failed", error text or NULL),
 * releases the claim and counts it for the metrics. 0 or negative. */
int sched_finish(struct db *db, const struct job *j, const char *owner, int64_t started,
		 int64_t duration_ms, int ok, const char *error, struct err *e);

/* Starts the scheduler thread on its own connection to target; 0, or -1
 * (logged). */
int scheduler_start(const char *target);
/* Stops it: a running job ends after its current slice. */
void scheduler_stop(void);
/* 1 once scheduler_stop was called. */
int scheduler_stopping(void);
/* tersa_job_runs_total{job,outcome} and tersa_job_last_duration_seconds{job}
 * of this process, as Prometheus text. */
void scheduler_metrics(struct buf *out);

/* The job named name, or NULL. */
const struct job *sched_job(const char *name);
/* The job names, comma-separated, for usage text. */
const char *sched_job_names(void);

#endif
