/* training_job.h: the nightly job that assigns each published course
 * required for a role to the users of that role who lack it. */
#ifndef TERSA_TRAINING_JOB_H
#define TERSA_TRAINING_JOB_H

#include "base/err.h"
#include "db/db.h"

/* training_assign_due at now, its count logged. 0 or negative. */
int training_job(struct db *db, struct err *e);

#endif
