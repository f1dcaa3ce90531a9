/* holidays.h: the company's holiday calendar (days the forecasts treat as
 * known events), listed, set and removed with an audit row each. */
#ifndef TERSA_HOLIDAYS_H
#define TERSA_HOLIDAYS_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

#define HOLIDAY_NAME_MAX 100

/* The holidays from..to (days 'YYYY-MM-DD', inclusive; either NULL for
 * open) by day: {items:[{day, name, created_at, updated_at}]}. At most
 * 1000 (a few years). New reference in *out. ERR_DB. */
int holidays_list(struct db *db, const char *from, const char *to, json_t **out, struct err *e);

/* Sets day's holiday name (day valid, name 1..HOLIDAY_NAME_MAX characters:
 * the caller checks). *created 1 when the day was not a holiday yet. The
 * holiday as one list item in *out. Audit "create" or "update" on entity
 * "holiday", id the day as YYYYMMDD. 0 or ERR_DB. */
int holidays_put(struct db *db, const struct actor *who, const char *day, const char *name,
		 json_t **out, int *created, struct err *e);

/* Removes day from the calendar (audit "delete"). ERR_NOT_FOUND when it
 * is not a holiday; ERR_DB. */
int holidays_delete(struct db *db, const struct actor *who, const char *day, struct err *e);

/* Adds the holiday unless day has one (no audit: the demo's seed). 0 or
 * ERR_DB. */
int holidays_seed(struct db *db, const char *day, const char *name, struct err *e);

#endif
