/* staff_jobs.c: the scheduler's wrappers of the recurring tasks and the
 * opening of evaluations. */
#include "jobs/staff_jobs.h"

#include "base/log.h"
#include "base/timeutil.h"
#include "domain/staff/evaluation.h"
#include "domain/staff/task_recurrence.h"

int recurring_tasks_job(struct db *db, struct err *e)
{
	int64_t now = ts_now_ms(), n = 0;
	char today[11];
	int rc;

	ts_day(now, today, sizeof today);
	if ((rc = recur_run(db, today, now, &n, e)) == 0)
		log_info("recurring_tasks: %lld tasks made", (long long)n);
	return rc;
}

int evaluations_job(struct db *db, struct err *e)
{
	int64_t now = ts_now_ms(), n = 0;
	char today[11];
	int rc;

	ts_day(now, today, sizeof today);
	if ((rc = eval_open_due(db, today, now, &n, e)) == 0)
		log_info("evaluations: %lld opened", (long long)n);
	return rc;
}
