/* housekeep.h: the housekeeping job (run hourly by the scheduler, see
 * scheduler.c): prunes idempotency keys past their keeping time (idem.h),
 * expired sessions and failed logins past the throttle's window
 * (session.h). */
#ifndef TERSA_HOUSEKEEP_H
#define TERSA_HOUSEKEEP_H

#include "base/err.h"
#include "db/db.h"

/* One pass; deletes keys in slices and stops early when the scheduler
 * stops. 0 or negative (e filled). */
int housekeep_run(struct db *db, struct err *e);

#endif
