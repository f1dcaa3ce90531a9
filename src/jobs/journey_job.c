/* journey_job.c: the hourly journeys job (see journey_job.h). */
#include "jobs/journey_job.h"

#include "base/log.h"
#include "base/timeutil.h"
#include "domain/marketing/journey.h"

int journey_job(struct db *db, struct err *e)
{
	struct journey_run_stats st;
	int rc = journey_run(db, ts_now_ms(), &st, e);
	if (rc == 0 && (st.enrolled || st.steps || st.ended))
		log_info("journeys: %lld enrolled, %lld steps run, %lld coupons issued, "
			 "%lld messages queued, %lld passes ended",
			 (long long)st.enrolled, (long long)st.steps, (long long)st.coupons,
			 (long long)st.messages, (long long)st.ended);
	return rc;
}
