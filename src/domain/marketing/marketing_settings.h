/* marketing_settings.h: the company-wide marketing settings (one row): the
 * budget over which a campaign needs approval, the company holdout, the
 * quiet hours for SMS and the public address links point to. The link key
 * is never read here (links.h). */
#ifndef TERSA_MARKETING_SETTINGS_H
#define TERSA_MARKETING_SETTINGS_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

#define MKT_HOLDOUT_MAX 20
#define MKT_URL_MAX 300

struct mkt_settings {
	int64_t approval_threshold; /* fen; 0 = never */
	int64_t holdout_pct;        /* 0..20 */
	int64_t holdout_lo;         /* first bucket of the holdout range */
	const char *quiet_start, *quiet_end; /* "HH:MM" company time */
	const char *public_url;     /* "" or http(s)://host[/path], no trailing / */
	int64_t updated_at;
};

/* A change: negative numbers and NULL strings keep the current value. */
struct mkt_settings_input {
	int64_t approval_threshold, holdout_pct;
	const char *quiet_start, *quiet_end, *public_url;
};

int mkt_settings_get(struct db *db, struct arena *a, struct mkt_settings **out, struct err *e);
/* Applies in (422 naming each bad field: quiet times "HH:MM", holdout
 * 0..20, public_url http(s)). A holdout turned on from 0 gets a new random
 * holdout_lo. Audited ("marketing_settings", 1). 0 or negative. */
int mkt_settings_put(struct db *db, struct arena *a, const struct actor *who,
		     const struct mkt_settings_input *in, struct mkt_settings **out, struct err *e);
json_t *mkt_settings_to_json(const struct mkt_settings *s);

/* "HH:MM" → minute of the day 0..1439, or -1. Pure. */
int mkt_hhmm(const char *s);

#endif
