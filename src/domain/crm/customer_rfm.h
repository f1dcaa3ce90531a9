/* customer_rfm.h: the RFM scores (recency, frequency, monetary, 1 to 5
 * each), recomputed nightly over the customers who bought in the last 365
 * days, exactly as SQL's NTILE(5) gives them. */
#ifndef TERSA_CUSTOMER_RFM_H
#define TERSA_CUSTOMER_RFM_H

#include <stdint.h>

#include "base/err.h"
#include "db/db.h"

#define RFM_WINDOW_DAYS 365

/* Over the customers with a non-voided sale in (now - 365 days, now]:
 * orders = those sales, spend = the sum of their totals, last = the latest
 * sale's time. r = NTILE(5) over (last, id), f over (orders, id), m over
 * (spend, id), all ascending (5 is the best). Every other customer's scores
 * become NULL. One write transaction; *scored (may be NULL) gets the number
 * of customers scored. 0 or negative. */
int customer_rfm_run(struct db *db, int64_t now, int64_t *scored, struct err *e);

#endif
