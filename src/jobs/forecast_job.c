/* forecast_job.c: the nightly forecast job. The writer (the caller's
 * thread, the only one on the database) reads a batch of series, hands it
 * to the computing threads, and while they work writes the previous batch
 * and reads the next. */
#include "jobs/forecast_job.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analytics/forecast_data.h"
#include "base/arena.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "jobs/scheduler.h"

#define OTHER_BATCH 256 /* weekly and monthly series per batch */

struct batch {
	struct fcd_series *s;
	int n;
};

/* The work of the computing threads on one batch. */
struct crew {
	struct batch *b;
	const int64_t *hol;
	int nhol;
	atomic_int next;
	atomic_llong busy_us;
	pthread_t th[FORECAST_WORKERS];
	int started;
};

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void *compute(void *arg)
{
	struct crew *c = arg;
	int64_t t0 = mono_us();
	for (int i; (i = atomic_fetch_add(&c->next, 1)) < c->b->n;)
		fcd_compute(&c->b->s[i], c->hol, c->nhol);
	atomic_fetch_add(&c->busy_us, mono_us() - t0);
	return NULL;
}

static void crew_start(struct crew *c, struct batch *b)
{
	c->b = b;
	atomic_store(&c->next, 0);
	c->started = 0;
	for (int i = 0; i < FORECAST_WORKERS; i++)
		if (pthread_create(&c->th[i], NULL, compute, c) == 0)
			c->started++;
	if (!c->started) /* no thread to be had: compute here */
		compute(c);
}

static void crew_join(struct crew *c)
{
	for (int i = 0; i < c->started; i++)
		pthread_join(c->th[i], NULL);
	c->started = 0;
}

static void batch_free(struct batch *b)
{
	fcd_series_list_free(b->s, b->n);
	memset(b, 0, sizeof *b);
}

/* Writes a computed batch in one transaction; counts what failed. */
static int batch_write(struct db *db, struct batch *b, int64_t now, int64_t *failed,
		       struct err *e)
{
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	for (int i = 0; i < b->n; i++) {
		if (b->s[i].rc < 0) {
			(*failed)++;
			continue;
		}
		if ((rc = fcd_store(db, &b->s[i], now, e)) < 0) {
			db_rollback(db);
			return rc;
		}
	}
	if ((rc = db_commit(db, e)) < 0)
		db_rollback(db);
	return rc;
}

/* Reads batch k: the stores' daily series first, then the weekly and
 * monthly series of the products, categories and stores. 0 with b->n = 0
 * past the end. */
static int batch_read(struct db *db, const int64_t *stores, int nstores, int k, int64_t today,
		      struct batch *b, struct err *e)
{
	memset(b, 0, sizeof *b);
	if (k < nstores)
		return fcd_load_store(db, stores[k], today, &b->s, &b->n, e);
	if (k - nstores > FCD_STORES)
		return 0;
	return fcd_load_totals(db, (enum fcd_kind)(k - nstores), today, &b->s, &b->n, e);
}

int forecast_job_run(struct db *db, int64_t now, struct forecast_job_stats *out, struct err *e)
{
	struct forecast_job_stats st = {0};
	int64_t *stores = NULL;
	int nstores = 0;
	struct crew crew = {0};
	struct batch cur = {0}, next = {0};
	int64_t *hol = NULL, today = 0, t0 = mono_us(), t;
	int nhol = 0, rc, k = 0;
	char day[11];
	ts_day(now, day, sizeof day);
	ts_day_number(day, &today);
	if ((rc = fcd_active_stores(db, today, &stores, &nstores, e)) < 0)
		goto done;
	if ((rc = fcd_holidays_load(db, today - FCD_DAY_HISTORY - 7, today + FCD_DAY_HORIZON, &hol,
				    &nhol, e)) < 0)
		goto done;
	crew.hol = hol;
	crew.nhol = nhol;
	t = mono_us();
	rc = batch_read(db, stores, nstores, k, today, &cur, e);
	st.read_ms += (mono_us() - t) / 1000;
	db_idle(db);
	/* cur is batch k; batches past the stores end with an empty one */
	while (rc == 0 && (cur.n > 0 || k < nstores)) {
		crew_start(&crew, &cur);
		t = mono_us();
		rc = batch_read(db, stores, nstores, k + 1, today, &next, e);
		db_idle(db);
		st.read_ms += (mono_us() - t) / 1000;
		crew_join(&crew);
		if (rc == 0 && cur.n > 0) {
			t = mono_us();
			rc = batch_write(db, &cur, now, &st.failed, e);
			st.write_ms += (mono_us() - t) / 1000;
			if (k < nstores)
				st.daily += cur.n, st.daily_ms = (mono_us() - t0) / 1000;
			else
				st.other += cur.n;
		}
		batch_free(&cur);
		cur = next;
		memset(&next, 0, sizeof next);
		k++;
		if (rc == 0 && scheduler_stopping()) {
			log_info("forecast: stopping with the server");
			break;
		}
	}
done:
	batch_free(&cur);
	batch_free(&next);
	free(hol);
	free(stores);
	st.compute_ms = atomic_load(&crew.busy_us) / 1000;
	st.total_ms = (mono_us() - t0) / 1000;
	if (out)
		*out = st;
	return rc;
}

int forecast_job(struct db *db, struct err *e)
{
	struct forecast_job_stats st;
	int rc = forecast_job_run(db, ts_now_ms(), &st, e);
	if (rc == 0)
		log_info("forecast: %lld daily product x store series in %.1f s, then %lld weekly "
			 "and monthly; %.1f s in all (reading %.1f s, computing %.1f s on %d "
			 "threads, writing %.1f s); %lld failed",
			 (long long)st.daily, st.daily_ms / 1000.0, (long long)st.other,
			 st.total_ms / 1000.0, st.read_ms / 1000.0, st.compute_ms / 1000.0,
			 FORECAST_WORKERS, st.write_ms / 1000.0, (long long)st.failed);
	return rc;
}
