/* forecast_job.h: the nightly forecast of every active series (see
 * fcd_plan_make in analytics/forecast_data.h), two computing threads and
 * one writer. */
#ifndef TERSA_FORECAST_JOB_H
#define TERSA_FORECAST_JOB_H

#include <stdint.h>

#include "base/err.h"
#include "db/db.h"

#define FORECAST_WORKERS 2

struct forecast_job_stats {
	int64_t daily, other, failed;      /* series forecast (daily product × store,
					    * weekly and monthly) and those that failed */
	int64_t read_ms, compute_ms, write_ms, total_ms; /* compute: the workers' busy
							  * time summed; the rest wall */
	int64_t daily_ms; /* wall time until the daily series were all written */
};

/* Forecasts and stores every active series as of now, store by store (one
 * read per store), checking scheduler_stopping() between batches. Fills st
 * (may be NULL). 0 or negative (e filled). */
int forecast_job_run(struct db *db, int64_t now, struct forecast_job_stats *st, struct err *e);

/* The scheduler's entry: forecast_job_run now, its figures logged. */
int forecast_job(struct db *db, struct err *e);

#endif
