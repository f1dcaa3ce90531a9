/* anomaly_job.c: the scheduler's wrapper of the hourly anomaly check. */
#include "jobs/anomaly_job.h"

#include "analytics/anomaly_data.h"
#include "base/log.h"
#include "base/timeutil.h"

int anomalies_job(struct db *db, struct err *e)
{
	struct anomaly_stats st;
	int rc = anomaly_run(db, ts_now_ms(), &st, e);

	if (rc == 0)
		log_info("anomalies: %d checked, %d raised, %d updated", st.checked, st.raised,
			 st.updated);
	return rc;
}
