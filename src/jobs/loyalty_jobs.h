/* loyalty_jobs.h: the nightly loyalty jobs (see scheduler.c): points
 * expiry (points_expire_run) and tier downgrades (tier_downgrade_run), each
 * at the current time. */
#ifndef TERSA_LOYALTY_JOBS_H
#define TERSA_LOYALTY_JOBS_H

#include "base/err.h"
#include "db/db.h"

int loyalty_expiry_job(struct db *db, struct err *e);
int loyalty_downgrade_job(struct db *db, struct err *e);

#endif
