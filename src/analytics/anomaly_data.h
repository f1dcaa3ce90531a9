/* anomaly_data.h: the hourly anomaly check on the database: reads the
 * rollups, sales, returns and stock moves, scores them (anomaly.h) and
 * raises or updates the explained alerts (one per kind × store × subject ×
 * day). */
#ifndef TERSA_ANOMALY_DATA_H
#define TERSA_ANOMALY_DATA_H

#include <stdint.h>

#include "base/err.h"
#include "db/db.h"

#define ANOMALY_PEER_DAYS 28   /* the cashiers' window */
#define ANOMALY_SHARE_DAYS 28  /* the hourly shares' window */
#define ANOMALY_HISTORY_DAYS 90 /* the forecasts' and the adjustments' history */
#define ANOMALY_MIN_HISTORY 21 /* days of history a forecast needs */
#define ANOMALY_MAX_PRODUCTS 200 /* products checked per store at most */

struct anomaly_stats {
	int checked;  /* series and cashiers judged */
	int raised;   /* new alerts */
	int updated;  /* alerts whose figures were refreshed */
};

/* Runs every check as of `at` (Unix ms; the day so far is the company-time
 * business day of `at`, cut at its last full hour) over every active store,
 * raising or updating alerts. stats may be NULL. 0 or negative (e filled). */
int anomaly_run(struct db *db, int64_t at, struct anomaly_stats *stats, struct err *e);

#endif
