/* outbox_job.c: the outbox sender job (see outbox_job.h). */
#include "jobs/outbox_job.h"

#include "base/log.h"
#include "base/timeutil.h"
#include "domain/marketing/outbox_send.h"
#include "jobs/scheduler.h"

int outbox_job(struct db *db, struct err *e)
{
	struct outbox_send_opts o;
	struct outbox_send_stats st = {0};
	outbox_send_opts_default(&o);
	o.stop = scheduler_stopping;
	int rc = outbox_send_run(db, ts_now_ms(), &o, &st, e);
	if (st.sent || st.retried || st.failed || st.opted_out || st.suppressed || st.deferred ||
	    st.interrupted)
		log_info("outbox: %lld sent, %lld to retry, %lld failed, %lld opted out, "
			 "%lld suppressed, %lld held for quiet hours, %lld interrupted sends",
			 (long long)st.sent, (long long)st.retried, (long long)st.failed,
			 (long long)st.opted_out, (long long)st.suppressed, (long long)st.deferred,
			 (long long)st.interrupted);
	return rc;
}
