/* customer_rfm_job.c: the scheduler's wrapper of the RFM scoring. */
#include "jobs/customer_rfm_job.h"

#include "base/log.h"
#include "base/timeutil.h"
#include "domain/crm/customer_rfm.h"

int customer_rfm_job(struct db *db, struct err *e)
{
	int64_t n = 0;
	int rc = customer_rfm_run(db, ts_now_ms(), &n, e);

	if (rc == 0)
		log_info("customer_rfm: %lld customers scored", (long long)n);
	return rc;
}
