/* commission_job.h: the nightly commission job (see scheduler.c): opens
 * the current period of every approved plan and recomputes the open ones
 * (commission_nightly). */
#ifndef TERSA_COMMISSION_JOB_H
#define TERSA_COMMISSION_JOB_H

#include "base/err.h"
#include "db/db.h"

int commission_job(struct db *db, struct err *e);

#endif
