/* settings.h: company-wide settings (name, currency, time zone, locale,
 * receipt header and footer), one row in the database. */
#ifndef TERSA_SETTINGS_H
#define TERSA_SETTINGS_H

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

struct settings {
	const char *company_name;
	const char *currency;  /* ISO 4217, e.g. "CNY" */
	const char *time_zone; /* IANA, e.g. "Asia/Shanghai" */
	const char *locale;    /* "zh-CN" | "en" */
	const char *receipt_header;
	const char *receipt_footer;
	int64_t updated_at;
};

/* The settings as JSON (replies and audit rows); caller owns it. */
json_t *settings_to_json(const struct settings *s);

int settings_get(struct db *db, struct arena *a, struct settings **out,
		 struct err *e);
/* Replaces all settings (validated: currency 3 upper-case letters, a known
 * zone, a supported locale) and applies the time zone to this process. */
int settings_put(struct db *db, struct arena *a, const struct actor *who,
		 const struct settings *in, struct settings **out,
		 struct err *e);

/* Keeps this process's company time zone (base/timeutil.h) equal to the
 * settings row, re-reading it when the last read is more than max_age_ms
 * old (one caller reads, the others return at once): so every server on
 * one PostgreSQL follows a change made through another. 0 or negative. */
int settings_sync(struct db *db, int64_t max_age_ms, struct err *e);

#endif
