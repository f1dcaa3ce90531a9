/* anomaly_job.h: the hourly anomaly check as a scheduler job (the work is
 * anomaly_run in analytics/anomaly_data.h). */
#ifndef TERSA_ANOMALY_JOB_H
#define TERSA_ANOMALY_JOB_H

#include "base/err.h"
#include "db/db.h"

/* Checks every store as of now, raising or updating the explained alerts.
 * 0 or negative (e filled). */
int anomalies_job(struct db *db, struct err *e);

#endif
