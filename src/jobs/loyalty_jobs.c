/* loyalty_jobs.c: the nightly loyalty jobs (see loyalty_jobs.h). */
#include "jobs/loyalty_jobs.h"

#include "base/log.h"
#include "base/timeutil.h"
#include "domain/loyalty/points.h"
#include "domain/loyalty/tier.h"

int loyalty_expiry_job(struct db *db, struct err *e)
{
	int64_t n = 0;
	int rc = points_expire_run(db, ts_now_ms(), &n, e);
	if (rc == 0 && n)
		log_info("points expiry: %lld lots expired", (long long)n);
	return rc;
}

int loyalty_downgrade_job(struct db *db, struct err *e)
{
	int64_t n = 0;
	int rc = tier_downgrade_run(db, ts_now_ms(), &n, e);
	if (rc == 0 && n)
		log_info("tier downgrade: %lld customers moved down", (long long)n);
	return rc;
}
