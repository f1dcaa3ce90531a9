/* batch.c: the group-commit writer thread and its queue. */
#include "db/batch.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/log.h"

struct job {
	db_batch_fn fn;
	void *arg;
	struct err *e;
	int rc;
	db_batch_done_fn then; /* called when the job's commit is done */
	void *then_arg;
	struct job *next;
};

struct db_batch {
	struct db *db;
	int max;
	int stopping;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t work; /* the writer waits for jobs */
	struct job *head, *tail;
	atomic_ullong batches, jobs;
};

/* Savepoints as prepared statements: the writer runs two per job. */
static const char SQL_SAVEPOINT[] = "SAVEPOINT job";
static const char SQL_RELEASE[] = "RELEASE SAVEPOINT job";
static const char SQL_ROLLBACK_TO[] = "ROLLBACK TO SAVEPOINT job";

static int sp(struct db *db, const char *sql, struct err *e)
{
	return db_run(db_query(db, e, sql, ""), e) < 0 ? db_fail(e) : 0;
}

/* Runs one batch: the jobs taken off the queue, in order. A job alone
 * needs no savepoint: its failure rolls the transaction back. */
static void run_batch(struct db_batch *b, struct job *jobs)
{
	struct err te;
	err_init(&te);
	int rc = db_begin(b->db, 1, &te);
	if (rc == 0 && !jobs->next) {
		if ((jobs->rc = jobs->fn(b->db, jobs->arg, jobs->e)) < 0) {
			db_rollback(b->db);
			db_idle(b->db);
			return;
		}
	} else {
		for (struct job *j = jobs; j; j = j->next) {
			if (rc < 0) {
				*j->e = te;
				j->rc = rc;
				continue;
			}
			struct err se;
			err_init(&se);
			if (sp(b->db, SQL_SAVEPOINT, &se) < 0) {
				*j->e = se;
				j->rc = db_fail(j->e);
				continue;
			}
			j->rc = j->fn(b->db, j->arg, j->e);
			if (j->rc < 0)
				sp(b->db, SQL_ROLLBACK_TO, &se);
			sp(b->db, SQL_RELEASE, &se);
		}
	}
	if (rc < 0)
		return;
	if (db_commit(b->db, &te) < 0) {
		/* Nothing of this batch is durable: every piece fails. */
		for (struct job *j = jobs; j; j = j->next)
			if (j->rc == 0) {
				*j->e = te;
				j->rc = db_fail(j->e);
			}
	}
	db_idle(b->db);
}

static void *writer(void *arg)
{
	struct db_batch *b = arg;
	pthread_mutex_lock(&b->mu);
	for (;;) {
		while (!b->head && !b->stopping)
			pthread_cond_wait(&b->work, &b->mu);
		if (!b->head && b->stopping)
			break;
		/* Take up to max jobs; later arrivals wait for the next batch. */
		struct job *first = b->head, *last = first;
		for (int n = 1; n < b->max && last->next; n++)
			last = last->next;
		b->head = last->next;
		if (!b->head)
			b->tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&b->mu);
		run_batch(b, first);
		/* Counted first, so that a caller sees its own commit counted. */
		unsigned long long n = 0;
		for (struct job *j = first; j; j = j->next)
			n++;
		atomic_fetch_add(&b->batches, 1);
		atomic_fetch_add(&b->jobs, n);
		/* Tell exactly the callers of this batch, outside the lock. */
		for (struct job *j = first, *next; j; j = next) {
			next = j->next;
			j->then(j->then_arg, j->rc);
			free(j);
		}
		pthread_mutex_lock(&b->mu);
	}
	pthread_mutex_unlock(&b->mu);
	return NULL;
}

int db_batch_open(const char *target, int max, struct db_batch **out, struct err *e)
{
	struct db_batch *b = xcalloc(1, sizeof *b);
	b->max = max > 0 ? max : 64;
	if (db_open(target, &b->db, e) < 0) {
		free(b);
		return e->code;
	}
	pthread_mutex_init(&b->mu, NULL);
	pthread_cond_init(&b->work, NULL);
	if (pthread_create(&b->thread, NULL, writer, b) != 0) {
		db_close(b->db);
		free(b);
		return err_set(e, ERR_INTERNAL, "cannot start the group-commit thread");
	}
	*out = b;
	return 0;
}

void db_batch_submit(struct db_batch *b, db_batch_fn fn, void *arg, struct err *e,
		     db_batch_done_fn then, void *then_arg)
{
	struct job *j = xcalloc(1, sizeof *j);
	j->fn = fn;
	j->arg = arg;
	j->e = e;
	j->then = then;
	j->then_arg = then_arg;
	pthread_mutex_lock(&b->mu);
	if (b->tail)
		b->tail->next = j;
	else
		b->head = j;
	b->tail = j;
	pthread_cond_signal(&b->work);
	pthread_mutex_unlock(&b->mu);
}

void db_batch_stats(struct db_batch *b, unsigned long long *batches,
		    unsigned long long *jobs)
{
	*batches = atomic_load(&b->batches);
	*jobs = atomic_load(&b->jobs);
}

void db_batch_close(struct db_batch *b)
{
	if (!b)
		return;
	pthread_mutex_lock(&b->mu);
	b->stopping = 1;
	pthread_cond_signal(&b->work);
	pthread_mutex_unlock(&b->mu);
	pthread_join(b->thread, NULL);
	db_close(b->db);
	pthread_mutex_destroy(&b->mu);
	pthread_cond_destroy(&b->work);
	free(b);
}
