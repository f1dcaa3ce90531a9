/* coupon_jobs.h: the daily jobs of coupons and care (see scheduler.c):
 * marking expired coupons, and the holiday care run (birthdays: journey_job.h). */
#ifndef TERSA_COUPON_JOBS_H
#define TERSA_COUPON_JOBS_H

#include "base/err.h"
#include "db/db.h"

/* coupon_expire_due at now. 0 or negative. */
int coupon_expiry_job(struct db *db, struct err *e);
/* care_run at now, its counts logged. 0 or negative. */
int care_job(struct db *db, struct err *e);

#endif
