/* staff_kpi.h: staff KPIs per person or store per day, week or month from
 * sales credited to salespeople (shared sales by share_bp, returns negative
 * on their day): revenue, transactions, average ticket, units per
 * transaction, discount and return rates, gross margin, members recruited,
 * opportunities won with the sales cycle, footfall and conversion; the
 * store's and the company's medians; and the leaderboards of people and
 * stores by store, region or company. A few queries per request, whatever
 * the number of people. */
#ifndef TERSA_STAFF_KPI_H
#define TERSA_STAFF_KPI_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

extern const char *const staff_kpi_levels[];   /* person store */
extern const char *const staff_kpi_periods[];  /* day week month */
extern const char *const staff_board_kpis[];   /* revenue ... attainment */
extern const char *const staff_board_scopes[]; /* store region company */

struct staff_kpi_query {
	const char *level;   /* person | store */
	int64_t store_id;    /* 0: every store seen */
	int64_t user_id;     /* 0: every person seen */
	const char *period;  /* day | week | month */
	const char *from, *to; /* business days, inclusive */
};

/* {items:[{key,label,store_id,period_start,revenue,...}], medians:{store,
 * company}}. Who sees: their own figures (and their stores' at store
 * level); a manager the people and stores they see. An unseen person or
 * store: 404. */
int staff_kpis(struct db *db, struct arena *a, const struct actor *who,
	       const struct staff_kpi_query *q, json_t **out, struct err *e);

struct staff_board_query {
	const char *subject; /* people | stores */
	const char *scope;   /* store | region | company */
	int64_t store_id;    /* scope store (default: who's first store) */
	const char *region;  /* scope region (default: the store's region) */
	const char *kpi;     /* one of staff_board_kpis */
	const char *period;  /* day | month */
	const char *day;     /* the day, or a day of the month */
};

/* {kpi, period, from, to, items:[{rank,id,name,store_id,store_name,region,
 * value}], me:{rank,value,of}|null}; ties share a rank. Store-bound people
 * see the boards of their stores and their stores' regions (else 403);
 * company: admin and hq only (403). */
int staff_leaderboard(struct db *db, struct arena *a, const struct actor *who,
		      const struct staff_board_query *q, json_t **out, struct err *e);

#endif
