/* commission_job.c: the nightly commission job (see commission_job.h). */
#include "jobs/commission_job.h"

#include "base/log.h"
#include "base/timeutil.h"
#include "domain/staff/commission.h"

int commission_job(struct db *db, struct err *e)
{
	char day[11];
	int opened, computed;
	ts_day(ts_now_ms(), day, sizeof day);
	int rc = commission_nightly(db, day, &opened, &computed, e);
	if (rc == 0 && (opened || computed))
		log_info("commission: %d periods opened, %d recomputed", opened, computed);
	return rc;
}
