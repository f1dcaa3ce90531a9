/* batch.h: group commit. Work from many threads runs one piece after another
 * on one connection inside a shared write transaction, each piece under its
 * own savepoint (a failing one is rolled back alone), and every caller is
 * answered only after the one commit that makes its piece durable. */
#ifndef TERSA_BATCH_H
#define TERSA_BATCH_H

#include "db.h"

struct db_batch;

/* The work: runs inside the shared transaction and must not begin, commit
 * or roll back itself. 0 on success or a negative ERR_* (then rolled back to
 * its savepoint). */
typedef int (*db_batch_fn)(struct db *db, void *arg, struct err *e);

/* Opens the batch's own connection and writer thread; at most max pieces
 * share a commit. 0 or negative. */
int db_batch_open(const char *target, int max, struct db_batch **out, struct err *e);
/* Runs fn(arg) in the next batch and waits until it is committed (or
 * failed). Returns fn's result, or the commit's error for a piece that
 * succeeded but could not be committed. e receives fn's details. */
int db_batch_run(struct db_batch *b, db_batch_fn fn, void *arg, struct err *e);
/* Finishes the queued work, stops the thread, closes the connection. */
void db_batch_close(struct db_batch *b);

#endif
