/* target.h: monthly targets per store and person (revenue, units, gross
 * margin; optionally of one category): a year or quarter entered and split
 * over its months by last year's same months (target_split), each month
 * editable with the rest of the entry rebalanced, the list with actuals
 * and attainment, and the live attainment of a month with the run rate
 * still needed. */
#ifndef TERSA_TARGET_H
#define TERSA_TARGET_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

extern const char *const target_metrics[]; /* revenue units margin, NULL-ended */

struct target_split_input {
	int64_t store_id;
	int64_t user_id;     /* 0: the store's own target */
	const char *metric;  /* one of target_metrics */
	int64_t category_id; /* 0: every category */
	const char *period;  /* "2027" or "2027-Q1" */
	int64_t total;       /* fen, or whole units */
	int dry_run;
};

/* Splits (and unless dry_run stores, audited, replacing the entry's months,
 * edited or not) the target: {entry_id|null, basis, months:[{month, amount,
 * last_year, share_bp}]}. basis: store_last_year (the store's history in
 * those months, metric by metric), company_last_year (the store has none),
 * even (the company has none either). 403 when who may not write for the
 * store; 422 for bad fields (a person not of the store, a bad period). */
int target_split_entry(struct db *db, struct arena *a, const struct actor *who,
		       const struct target_split_input *in, int64_t now, json_t **out,
		       struct err *e);

struct target_filter {
	int64_t store_id, user_id; /* 0: any; user_id -1: store targets only */
	const char *month;         /* 'YYYY-MM' or NULL */
	const char *year;          /* 'YYYY' or NULL */
	const char *metric;        /* or NULL */
};

/* Targets who may see (their own; a manager's: of the stores they see),
 * ordered by store, person, metric, category, month, each with its actual
 * so far and attainment_bp. *out: the items array (caller owns). */
int target_list(struct db *db, struct arena *a, const struct actor *who,
		const struct target_filter *f, json_t **out, struct err *e);

/* Sets one month's amount (edited), the entry's other non-edited months
 * absorbing the difference when rebalance; answers the entry's months as
 * target_list renders them (or the one month without an entry). 404
 * unseen, 409 state when nothing can absorb it. Audited. */
int target_set_month(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		     int64_t amount, int rebalance, int64_t now, json_t **out, struct err *e);

/* Entries of the stores who sees (store_id 0: all; period NULL: any). */
int target_entries_list(struct db *db, struct arena *a, const struct actor *who,
			int64_t store_id, const char *period, json_t **out, struct err *e);
/* Deletes an entry and its months. 404 unseen. Audited. */
int target_entry_delete(struct db *db, const struct actor *who, int64_t id, struct err *e);

/* Attainment of a month ('YYYY-MM') for a person (user_id) or a store's own
 * targets (user_id 0) on day `today`: {month, days_in_month, days_elapsed,
 * days_left, items:[{metric, category_id, target, actual, attainment_bp,
 * remaining, run_rate_needed, projected}]}. The caller checks who sees the
 * person or store. */
int target_attainment(struct db *db, struct arena *a, int64_t store_id, int64_t user_id,
		      const char *month, const char *today, json_t **out, struct err *e);

/* The actual of a metric from credited facts (see staff_facts.h) summed
 * for a store (user_id 0: everyone) or a person over [from, to]. */
int target_actual(struct db *db, struct arena *a, const char *metric, int64_t store_id,
		  int64_t user_id, int64_t category_id, const char *from, const char *to,
		  int64_t *out, struct err *e);

/* Days in a month 'YYYY-MM' (0 when not one) and its first and last day. */
int target_month_days(const char *month, char *first, char *last);

#endif
