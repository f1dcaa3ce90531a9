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

/* day week month store region channel category brand product staff hour
 * weekday payment (NULL-ended) */
extern const char *const report_groups[];
/* The measures of every row, also the values of sort= (NULL-ended). */
extern const char *const report_measures[];

/* Moves a business day 'YYYY-MM-DD' by delta days into out (11 bytes).
 * 0, or -1 if day is not a valid date. */
int report_day_add(const char *day, int delta, char *out);
/* The ISO 8601 week of a day: key "2026-W48" (out 9+ bytes) and, when not
 * NULL, its Monday and Sunday (11 bytes each). 0 or -1. */
int report_iso_week(const char *day, char *key, char *monday, char *sunday);

/* The period a report is compared with: "previous" (as many days right
 * before from) or "last_year" (the same dates a year earlier; Feb 29 is
 * Feb 28). from_out and to_out need 11 bytes. 0, or -1 on a bad day or
 * kind. */
int report_compare_range(const char *from, const char *to, const char *kind, char *from_out,
			 char *to_out);
/* The same date a year earlier (Feb 29 -> Feb 28). 0 or -1. */
int report_year_back(const char *day, char *out);

/* A range split into whole months and the days around them: days
 * [d1from, d1to] and [d2from, d2to] (an empty range has from > to) and
 * months [mfrom, mto] ('YYYY-MM'; empty when mfrom > mto). */
struct report_split {
	char d1from[11], d1to[11], d2from[11], d2to[11];
	char mfrom[8], mto[8];
};
int report_month_split(const char *from, const char *to, struct report_split *out);

/* ABC classes of values sorted largest first: a value is A while the
 * share of the total before it is below a_pct, B below a_pct + b_pct, C
 * otherwise (and every value <= 0). cls[i] gets 'A', 'B' or 'C'. */
void report_abc_classes(const int64_t *values, int n, double a_pct, double b_pct, char *cls);

/* The share of an hour's amount v that falls in its first `minutes`
 * minutes (0..60): v * minutes / 60, rounded half away from zero. */
int64_t report_prorate(int64_t v, int minutes);

struct report_sales_query {
	const char *from, *to;  /* business days, to inclusive; NULL: the last 30 days */
	const char *group_by;   /* one of report_groups; NULL: day */
	int64_t store_id;       /* 0: every store the viewer sees */
	int64_t scope_user_id;  /* a store-bound viewer: only their stores; 0 = all */
	int64_t category_id;    /* 0: none; category: its children; else its subtree only */
	const char *compare;    /* NULL, "previous" or "last_year" */
	const char *sort;       /* one of report_measures; NULL: the group's order */
	const char *order;      /* "desc" (default) or "asc" */
	int64_t limit;          /* 0: every row */
};

/* {"from","to","group_by","items":[{key,label,revenue,orders,units,
 * avg_basket,upt,discount,gross_margin,gross_margin_pct,returns,refunded,
 * return_rate}],"totals":{...same}} read in one snapshot (docs/reports.md
 * has every field; compare adds previous and change to each row).
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
/* GET /reports/abc: products by revenue in classes A, B, C (q's from, to,
 * store and scope; a_pct and b_pct the class shares). ERR_INVALID naming
 * the bad parameter. *out owned by the caller. */
int report_abc(struct db *db, struct arena *a, const struct report_sales_query *q,
	       double a_pct, double b_pct, json_t **out, struct err *e);

/* GET /dashboard: {today, same_time_last_week, same_day_last_week,
 * trend_30d, top_products, alerts} for store_id (0: every store in scope)
 * from the rollups. same_time_last_week is the same weekday last week up to
 * the current time of day (company zone) from the hour rollup: the whole
 * hours before the current one plus the current hour prorated by the
 * minutes gone; today.change compares with it. */
int report_dashboard(struct db *db, struct arena *a, int64_t store_id, int64_t scope_user_id,
		     json_t **out, struct err *e);

int report_journal(struct db *db, struct arena *a, int64_t store_id,
		   struct journal_report *out, struct err *e);

#endif
