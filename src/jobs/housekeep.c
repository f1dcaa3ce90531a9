/* housekeep.c: the housekeeping job (see housekeep.h). */
#include "jobs/housekeep.h"

#include "base/log.h"
#include "base/timeutil.h"
#include "domain/org/idem.h"
#include "domain/org/session.h"
#include "jobs/scheduler.h"

/* Keys per delete: a slice short enough that sales never wait long. */
#define SLICE 1000

int housekeep_run(struct db *db, struct err *e)
{
	int64_t now = ts_now_ms(), n = 0, keys = 0, sessions = 0, failures = 0;
	do {
		if (idem_prune(db, now - IDEM_KEEP_MS, SLICE, &n, e) < 0)
			return db_fail(e);
		keys += n;
	} while (n == SLICE && !scheduler_stopping());
	if (session_prune(db, now, &sessions, e) < 0)
		return db_fail(e);
	if (session_prune_failures(db, now, &failures, e) < 0)
		return db_fail(e);
	if (keys || sessions || failures)
		log_info("housekeeping: pruned %lld idempotency keys older than %lld days, "
			 "%lld expired sessions and %lld old failed logins", (long long)keys,
			 (long long)(IDEM_KEEP_MS / 86400000), (long long)sessions,
			 (long long)failures);
	return 0;
}
