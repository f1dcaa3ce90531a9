/* campaign_job.h: the campaigns job (every minute: start the campaigns
 * due, resume cut snapshots, decide A/B tests, complete those past their
 * end) and the environment campaigns run in: a segment's members and the
 * two-proportion test, which live in analytics above the domain. */
#ifndef TERSA_CAMPAIGN_JOB_H
#define TERSA_CAMPAIGN_JOB_H

#include "base/err.h"
#include "db/db.h"
#include "domain/marketing/campaign.h"

extern const struct campaign_env campaign_env_default;

/* campaign_run_due at now, what it did logged. 0 or negative. */
int campaigns_job(struct db *db, struct err *e);

#endif
