/* report.h: the sales report, read only from the day rollups that every
 * sale and return keeps current (never from sale lines), grouped by a time
 * period, a store attribute, a product or category, or a staff member. */
#ifndef TERSA_REPORT_H
#define TERSA_REPORT_H

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"
#include "domain/pos/journal.h"

/* day week month store region channel category product staff (NULL-ended) */
extern const char *const report_groups[];

/* Moves a business day 'YYYY-MM-DD' by delta days into out (11 bytes).
 * 0, or -1 if day is not a valid date. */
int report_day_add(const char *day, int delta, char *out);
/* The ISO 8601 week of a day: key "2026-W48" (out 9+ bytes) and, when not
 * NULL, its Monday and Sunday (11 bytes each). 0 or -1. */
int report_iso_week(const char *day, char *key, char *monday, char *sunday);

struct report_sales_query {
	const char *from, *to;  /* business days, to inclusive; NULL: the last 30 days */
	const char *group_by;   /* one of report_groups; NULL: day */
	int64_t store_id;       /* 0: every store the viewer sees */
	int64_t scope_user_id;  /* a store-bound viewer: only their stores; 0 = all */
};

/* {"from","to","group_by","items":[{key,label,revenue,orders,units,
 * avg_basket,gross_margin}],"totals":{...same}} read in one snapshot.
 * revenue is what customers paid (VAT included, net of returns);
 * gross_margin = revenue - VAT - cost; avg_basket = revenue / orders
 * (half-up, 0 without orders); units are quantities. Totals come from the
 * day × store rollup; product and category items carry what is not booked
 * to products (cash rounding) in one more item with key "rounding", so the
 * items' money always adds up to the totals. Bad parameters: ERR_INVALID
 * naming from, to or group_by. *out is owned by the caller. */
int report_sales(struct db *db, struct arena *a, const struct report_sales_query *q,
		 json_t **out, struct err *e);

/* journal_verify (store_id 0: every store) inside one read snapshot, so
 * that sales committed while it runs cannot look like missing records.
 * 0 or negative; the verdict is in *out. */
int report_journal(struct db *db, struct arena *a, int64_t store_id,
		   struct journal_report *out, struct err *e);

#endif
