/* staff_jobs.h: the staff jobs of evaluations and routines: the hourly
 * `recurring_tasks` (domain/staff/task_recurrence.h) and the nightly
 * `evaluations` that opens evaluations whose period has ended. */
#ifndef TERSA_STAFF_JOBS_H
#define TERSA_STAFF_JOBS_H

#include "base/err.h"
#include "db/db.h"

/* Makes the due task of each recurrence once. 0 or negative. */
int recurring_tasks_job(struct db *db, struct err *e);
/* Scheduled evaluations whose period ended before today become open. */
int evaluations_job(struct db *db, struct err *e);

#endif
