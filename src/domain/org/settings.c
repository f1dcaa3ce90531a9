/* settings.c: the company settings row (name, currency, time zone, locale,
 * receipt texts): read, validated replace with an audit row, and the
 * company time zone kept current in this process (settings_sync). */
#include <jansson.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "base/jx.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "domain/org/audit.h"
#include "domain/org/settings.h"

#define COMPANY_NAME_MAX 200
#define RECEIPT_TEXT_MAX 1000

static const char *const settings_locales[] = {"zh-CN", "en", NULL};

static const char SQL_SETTINGS_GET[] =
	"SELECT company_name, currency, time_zone, locale, receipt_header,"
	" receipt_footer, updated_at FROM settings WHERE id = 1";

int settings_get(struct db *db, struct arena *a, struct settings **out,
		 struct err *e)
{
	struct db_stmt *st = db_query(db, e, SQL_SETTINGS_GET, "");
	struct settings *s;
	int rc;

	if (!st)
		return db_fail(e);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		s = arena_alloc(a, sizeof(*s));
		s->company_name = arena_strdup(a, db_col_text(st, 0));
		s->currency = arena_strdup(a, db_col_text(st, 1));
		s->time_zone = arena_strdup(a, db_col_text(st, 2));
		s->locale = arena_strdup(a, db_col_text(st, 3));
		s->receipt_header = arena_strdup(a, db_col_text(st, 4));
		s->receipt_footer = arena_strdup(a, db_col_text(st, 5));
		s->updated_at = db_col_int64(st, 6);
		*out = s;
	}
	db_reset(st);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return err_set(e, ERR_INTERNAL, "the settings row is missing");
	return 0;
}

json_t *settings_to_json(const struct settings *s)
{
	json_t *o = json_object();

	json_object_set_new(o, "company_name", jx_strn(s->company_name));
	json_object_set_new(o, "currency", jx_strn(s->currency));
	json_object_set_new(o, "time_zone", jx_strn(s->time_zone));
	json_object_set_new(o, "locale", jx_strn(s->locale));
	json_object_set_new(o, "receipt_header", jx_strn(s->receipt_header));
	json_object_set_new(o, "receipt_footer", jx_strn(s->receipt_footer));
	json_object_set_new(o, "updated_at", jx_time(s->updated_at));
	return o;
}

/* Receipt text: may be empty, may hold line breaks and tabs, no other
 * control characters. */
static void check_receipt_text(struct err *e, const char *field, const char *s)
{
	const char *p;

	if (!s) {
		err_field(e, field, "is required");
		return;
	}
	for (p = s; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\r' &&
		    *p != '\t') {
			err_field(e, field, "must not contain control characters");
			return;
		}
	if (utf8_chars(s) > RECEIPT_TEXT_MAX)
		err_field(e, field, "must be at most %d characters",
			  RECEIPT_TEXT_MAX);
}

static void settings_check(const struct settings *in, struct err *e)
{
	const char *const *l;
	const char *p;

	if (!in->company_name)
		err_field(e, "company_name", "is required");
	else if (!*in->company_name || strspn(in->company_name, " ") ==
					       strlen(in->company_name))
		err_field(e, "company_name", "must not be empty");
	else if (utf8_chars(in->company_name) > COMPANY_NAME_MAX)
		err_field(e, "company_name", "must be at most %d characters",
			  COMPANY_NAME_MAX);

	if (!in->currency) {
		err_field(e, "currency", "is required");
	} else {
		for (p = in->currency; *p >= 'A' && *p <= 'Z'; p++)
			;
		if (*p || p - in->currency != 3)
			err_field(e, "currency",
				  "must be 3 upper-case letters (ISO 4217)");
	}

	if (!in->time_zone)
		err_field(e, "time_zone", "is required");
	else if (!*in->time_zone || !ts_zone_valid(in->time_zone))
		err_field(e, "time_zone", "is not a known time zone");

	if (!in->locale) {
		err_field(e, "locale", "is required");
	} else {
		for (l = settings_locales; *l && strcmp(*l, in->locale); l++)
			;
		if (!*l)
			err_field(e, "locale", "must be one of: zh-CN, en");
	}

	check_receipt_text(e, "receipt_header", in->receipt_header);
	check_receipt_text(e, "receipt_footer", in->receipt_footer);
}

/* When this process last read the zone from the database (ms, 0 never). */
static _Atomic int64_t zone_checked;

static const char SQL_SETTINGS_PUT[] =
	"UPDATE settings SET company_name = ?, currency = ?, time_zone = ?,"
	" locale = ?, receipt_header = ?, receipt_footer = ?, updated_at = ?"
	" WHERE id = 1";

int settings_put(struct db *db, struct arena *a, const struct actor *who,
		 const struct settings *in, struct settings **out,
		 struct err *e)
{
	struct settings *cur, *res;
	struct db_stmt *st;
	json_t *before, *after;
	int rc;

	settings_check(in, e);
	if (err_fields_done(e))
		return e->code;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = settings_get(db, a, &cur, e)) < 0)
		goto fail;
	st = db_query(db, e, SQL_SETTINGS_PUT, "tttttti", in->company_name,
		      in->currency, in->time_zone, in->locale,
		      in->receipt_header, in->receipt_footer, ts_now_ms());
	if (!st) {
		rc = db_fail(e);
		goto fail;
	}
	if ((rc = db_run(st, e)) < 0)
		goto fail;
	if ((rc = settings_get(db, a, &res, e)) < 0)
		goto fail;
	before = settings_to_json(cur);
	after = settings_to_json(res);
	rc = audit_commit(db, who, "update", "settings", 1, 0, before, after, e);
	if (rc < 0)
		goto fail;
	ts_set_zone(res->time_zone);
	atomic_store(&zone_checked, ts_now_ms());
	*out = res;
	return 0;
fail:
	db_rollback(db);
	return rc;
}

int settings_sync(struct db *db, int64_t max_age_ms, struct err *e)
{
	static const char sql[] = "SELECT time_zone FROM settings WHERE id = 1";
	int64_t now = ts_now_ms(), last = atomic_load(&zone_checked);
	if (now - last < max_age_ms)
		return 0;
	/* One thread of the process reads; the others go on with the zone
	 * they have. */
	if (!atomic_compare_exchange_strong(&zone_checked, &last, now))
		return 0;
	char tz[128] = "";
	int rc = db_text(db_query(db, e, sql, ""), tz, sizeof tz, e);
	if (rc < 0) {
		atomic_store(&zone_checked, last);
		return rc;
	}
	if (rc == 1 && strcmp(tz, ts_zone()) != 0 && ts_set_zone(tz) < 0)
		return err_set(e, ERR_INTERNAL, "the company time zone %s is unknown here", tz);
	return 0;
}
