/* housekeep.c: the housekeeping thread (see housekeep.h). */
#include "jobs/housekeep.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "base/log.h"
#include "base/timeutil.h"
#include "db/db.h"
#include "domain/org/session.h"
#include "domain/org/idem.h"

#define EVERY_S 3600
/* Keys per delete: a slice short enough that sales never wait long. */
#define SLICE 1000

static pthread_t thread;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static int stop, running;

static int stopping(void)
{
	pthread_mutex_lock(&mu);
	int s = stop;
	pthread_mutex_unlock(&mu);
	return s;
}

static void pass(struct db *db)
{
	struct err e;
	err_init(&e);
	int64_t now = ts_now_ms(), n = 0, keys = 0, sessions = 0;
	do {
		if (idem_prune(db, now - IDEM_KEEP_MS, SLICE, &n, &e) < 0) {
			log_warn("housekeeping: pruning idempotency keys failed: %s", e.msg);
			return;
		}
		keys += n;
	} while (n == SLICE && !stopping());
	if (session_prune(db, now, &sessions, &e) < 0) {
		log_warn("housekeeping: pruning sessions failed: %s", e.msg);
		return;
	}
	int64_t failures = 0;
	if (session_prune_failures(db, now, &failures, &e) < 0) {
		log_warn("housekeeping: pruning failed logins failed: %s", e.msg);
		return;
	}
	if (keys || sessions)
		log_info("housekeeping: pruned %lld idempotency keys older than %lld days and "
			 "%lld expired sessions", (long long)keys,
			 (long long)(IDEM_KEEP_MS / 86400000), (long long)sessions);
}

static void *run(void *arg)
{
	struct db *db = arg;
	pthread_mutex_lock(&mu);
	while (!stop) {
		pthread_mutex_unlock(&mu);
		pass(db);
		pthread_mutex_lock(&mu);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += EVERY_S;
		while (!stop && pthread_cond_timedwait(&wake, &mu, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&mu);
	db_close(db);
	return NULL;
}

int housekeep_start(const char *target)
{
	struct err e;
	err_init(&e);
	struct db *db;
	if (db_open(target, &db, &e) < 0) {
		log_error("housekeeping: cannot open the database: %s", e.msg);
		return -1;
	}
	stop = 0;
	if (pthread_create(&thread, NULL, run, db) != 0) {
		db_close(db);
		log_error("housekeeping: cannot start its thread");
		return -1;
	}
	running = 1;
	return 0;
}

void housekeep_stop(void)
{
	if (!running)
		return;
	pthread_mutex_lock(&mu);
	stop = 1;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&mu);
	pthread_join(thread, NULL);
	running = 0;
}
