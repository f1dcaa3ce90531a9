/* coupon_jobs.c: the daily coupon and care jobs (see coupon_jobs.h). */
#include "jobs/coupon_jobs.h"

#include "base/log.h"
#include "base/timeutil.h"
#include "domain/loyalty/care.h"
#include "domain/loyalty/coupon.h"

/* Coupons per transaction of the expiry job. */
#define EXPIRY_SLICE 1000

int coupon_expiry_job(struct db *db, struct err *e)
{
	int64_t n = 0;
	int rc = coupon_expire_due(db, ts_now_ms(), EXPIRY_SLICE, &n, e);
	if (rc == 0 && n)
		log_info("coupon_expiry: %lld coupons expired", (long long)n);
	return rc;
}

int care_job(struct db *db, struct err *e)
{
	struct care_stats st;
	int rc = care_run(db, ts_now_ms(), &st, e);
	if (rc == 0 && st.customers)
		log_info("care: %lld customers, %lld coupons issued, %lld messages queued",
			 (long long)st.customers, (long long)st.coupons, (long long)st.messages);
	return rc;
}
