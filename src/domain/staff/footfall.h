/* footfall.h: store entries per hour from a door counter, entered by hand
 * (a day's hours) or imported from the counter's CSV, for the conversion
 * KPI (transactions ÷ entries). */
#ifndef TERSA_FOOTFALL_H
#define TERSA_FOOTFALL_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/table.h"
#include "db/db.h"
#include "domain/org/actor.h"

/* Sets a day's hours of a store by hand (hours[h] < 0: not given, kept;
 * given hours replace what was there, source manual). 403 when who may not
 * write for the store, 422 for a bad store. Audited. */
int footfall_put(struct db *db, const struct actor *who, int64_t store_id, const char *day,
		 const int64_t hours[24], int64_t now, struct err *e);

/* Days of [from, to] of the stores who sees (store_id 0: all), by store and
 * day: items [{store_id, day, entries, hours:[{hour, entries}], source}]
 * (source: manual, import or mixed). Caller owns *out. */
int footfall_list(struct db *db, const struct actor *who, int64_t store_id, const char *from,
		  const char *to, json_t **out, struct err *e);

/* Store entries per (day, store) of [from, to], every store: for the KPIs. */
struct footfall_day {
	char day[11];
	int64_t store_id, entries;
};
int footfall_days(struct db *db, struct arena *a, const char *from, const char *to,
		  struct footfall_day **out, int *n, struct err *e);

/* Imports a counter's table into store_id: columns day + hour + entries, or
 * timestamp + in (+ out, ignored) with timestamps "2026-11-02 10:00",
 * "2026-11-02T10:00:00" (wall clock) or with Z / an offset (converted to
 * the company zone); rows of the same hour are added up. Answers {rows,
 * errors:[{line,column,message}], applied}; nothing is written with an
 * error or dry_run. 403 for a store not who's. Audited. */
int footfall_import(struct db *db, struct arena *a, const struct actor *who, int64_t store_id,
		    const struct table *t, int dry_run, int64_t now, json_t **out,
		    struct err *e);

#endif
