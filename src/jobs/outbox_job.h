/* outbox_job.h: the outbox sender as a job (every few seconds; also
 * `tersa job run outbox`), see domain/marketing/outbox_send.h. */
#ifndef TERSA_OUTBOX_JOB_H
#define TERSA_OUTBOX_JOB_H

#include "base/err.h"
#include "db/db.h"

int outbox_job(struct db *db, struct err *e);

#endif
