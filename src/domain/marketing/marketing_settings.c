/* marketing_settings.c: the marketing settings row (see marketing_settings.h). */
#include "domain/marketing/marketing_settings.h"

#include <sodium.h>
#include <string.h>

#include "base/jx.h"
#include "base/timeutil.h"
#include "domain/org/audit.h"

int mkt_hhmm(const char *s)
{
	if (!s || strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 23 || m > 59)
		return -1;
	return h * 60 + m;
}

int mkt_settings_get(struct db *db, struct arena *a, struct mkt_settings **out, struct err *e)
{
	static const char sql[] =
		"SELECT approval_threshold, holdout_pct, holdout_lo, quiet_start, quiet_end, "
		"public_url, updated_at FROM marketing_settings WHERE id = 1";
	struct db_stmt *st = db_query(db, e, sql, "");
	int rc = db_get_row(st, "marketing settings", 1, e);
	if (rc < 0)
		return rc;
	struct mkt_settings *s = arena_calloc(a, 1, sizeof *s);
	s->approval_threshold = db_col_int64(st, 0);
	s->holdout_pct = db_col_int64(st, 1);
	s->holdout_lo = db_col_int64(st, 2);
	s->quiet_start = arena_strdup(a, db_col_text(st, 3));
	s->quiet_end = arena_strdup(a, db_col_text(st, 4));
	s->public_url = arena_strdup(a, db_col_text(st, 5));
	s->updated_at = db_col_int64(st, 6);
	db_reset(st);
	*out = s;
	return 0;
}

json_t *mkt_settings_to_json(const struct mkt_settings *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "approval_threshold", json_integer(s->approval_threshold));
	json_object_set_new(o, "holdout_pct", json_integer(s->holdout_pct));
	json_object_set_new(o, "quiet_start", json_string(s->quiet_start));
	json_object_set_new(o, "quiet_end", json_string(s->quiet_end));
	json_object_set_new(o, "public_url", json_string(s->public_url));
	json_object_set_new(o, "updated_at", jx_time(s->updated_at));
	return o;
}

/* "" or http(s)://host... without spaces; a trailing '/' is dropped. */
static const char *check_url(struct arena *a, const char *u, struct err *e)
{
	if (!*u)
		return u;
	int ok = (strncmp(u, "http://", 7) == 0 && u[7]) || (strncmp(u, "https://", 8) == 0 && u[8]);
	for (const char *p = u; ok && *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '"' || *p == '<' || *p == '>' || *p == '?' ||
		    *p == '#')
			ok = 0;
	if (!ok) {
		err_field(e, "public_url",
			  "must be an http:// or https:// address without query (or empty)");
		return u;
	}
	size_t n = strlen(u);
	while (n > 0 && u[n - 1] == '/')
		n--;
	return arena_strndup(a, u, n);
}

int mkt_settings_put(struct db *db, struct arena *a, const struct actor *who,
		     const struct mkt_settings_input *in, struct mkt_settings **out, struct err *e)
{
	static const char sql[] =
		"UPDATE marketing_settings SET approval_threshold = ?, holdout_pct = ?, "
		"holdout_lo = ?, quiet_start = ?, quiet_end = ?, public_url = ?, updated_at = ? "
		"WHERE id = 1";
	struct mkt_settings *cur, *res;
	int rc;
	const char *url = in->public_url;
	if (in->holdout_pct > MKT_HOLDOUT_MAX)
		err_field(e, "holdout_pct", "must be between 0 and %d", MKT_HOLDOUT_MAX);
	if (in->quiet_start && mkt_hhmm(in->quiet_start) < 0)
		err_field(e, "quiet_start", "must be a time HH:MM");
	if (in->quiet_end && mkt_hhmm(in->quiet_end) < 0)
		err_field(e, "quiet_end", "must be a time HH:MM");
	if (url)
		url = check_url(a, url, e);
	if (err_fields_done(e))
		return e->code;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = mkt_settings_get(db, a, &cur, e)) < 0)
		goto fail;
	int64_t pct = in->holdout_pct >= 0 ? in->holdout_pct : cur->holdout_pct;
	int64_t lo = cur->holdout_lo;
	if (cur->holdout_pct == 0 && pct > 0)
		lo = (int64_t)randombytes_uniform(10000);
	if ((rc = db_write(db, e, sql, "iiittti",
			   in->approval_threshold >= 0 ? in->approval_threshold : cur->approval_threshold,
			   pct, lo, in->quiet_start ? in->quiet_start : cur->quiet_start,
			   in->quiet_end ? in->quiet_end : cur->quiet_end, url ? url : cur->public_url,
			   ts_now_ms())) < 0)
		goto fail;
	if ((rc = mkt_settings_get(db, a, &res, e)) < 0)
		goto fail;
	if ((rc = audit_commit(db, who, "update", "marketing_settings", 1, 0,
			       mkt_settings_to_json(cur), mkt_settings_to_json(res), e)) < 0)
		goto fail;
	*out = res;
	return 0;
fail:
	db_rollback(db);
	return rc;
}
