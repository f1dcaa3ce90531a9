/* training_job.c: the nightly `training` job (see training_job.h). */
#include "jobs/training_job.h"

#include "base/log.h"
#include "base/timeutil.h"
#include "domain/staff/training.h"

int training_job(struct db *db, struct err *e)
{
	static const struct actor system = {0};
	int64_t made = 0;
	int rc = training_assign_due(db, &system, ts_now_ms(), &made, e);

	if (rc == 0 && made)
		log_info("training: %lld required courses assigned", (long long)made);
	return rc;
}
