/* batch.h: group commit. Work from many threads runs one piece after another
 * on one connection inside a shared write transaction, each piece under its
 * own savepoint (a failing one is rolled back alone; a piece alone in its
 * batch needs none), and every caller is told only after the one commit
 * that makes its piece durable. */
#ifndef TERSA_BATCH_H
#define TERSA_BATCH_H

#include "db/db.h"

struct db_batch;

/* The work: runs inside the shared transaction and must not begin, commit
 * or roll back itself. 0 on success or a negative ERR_* (then rolled back to
 * its savepoint, or with the transaction when it ran alone). */
typedef int (*db_batch_fn)(struct db *db, void *arg, struct err *e);

/* Opens the batch's own connection and writer thread; at most max pieces
 * share a commit. 0 or negative. */
int db_batch_open(const char *target, int max, struct db_batch **out, struct err *e);
/* Called on the writer thread when a submitted piece is committed (rc 0)
 * or failed (negative ERR_*, details in the piece's err). It must be quick
 * and must not wait for the batch. */
typedef void (*db_batch_done_fn)(void *arg, int rc);
/* Queues fn(arg) for the next batch and returns at once; then(then_arg, rc)
 * follows as above. fn, arg and e must stay valid until then. */
void db_batch_submit(struct db_batch *b, db_batch_fn fn, void *arg, struct err *e,
		     db_batch_done_fn then, void *then_arg);
/* Commits made and pieces run since open (for metrics). */
void db_batch_stats(struct db_batch *b, unsigned long long *batches,
		    unsigned long long *jobs);
/* Finishes the queued work, stops the thread, closes the connection. */
void db_batch_close(struct db_batch *b);

#endif
