/* journey_job.h: the hourly journeys job (see scheduler.c): journey_run at
 * the current time. */
#ifndef TERSA_JOURNEY_JOB_H
#define TERSA_JOURNEY_JOB_H

#include "base/err.h"
#include "db/db.h"

int journey_job(struct db *db, struct err *e);

#endif
