/* holidays.c: the company's holiday calendar (see holidays.h). */
#include "domain/org/holidays.h"

#include <string.h>

#include "base/jx.h"
#include "base/timeutil.h"
#include "domain/org/audit.h"

/* The audit id of a day: YYYYMMDD. */
static int64_t day_id(const char *day)
{
	int64_t v = 0;
	for (const char *p = day; *p; p++)
		if (*p >= '0' && *p <= '9')
			v = v * 10 + (*p - '0');
	return v;
}

static json_t *row_json(struct db_stmt *st)
{
	return json_pack("{s:s, s:s, s:o, s:o}", "day", db_col_text(st, 0), "name",
			 db_col_text(st, 1), "created_at", jx_time(db_col_int64(st, 2)),
			 "updated_at", jx_time(db_col_int64(st, 3)));
}

static const char SQL_HOLIDAYS_LIST[] =
	"SELECT day, name, created_at, updated_at FROM holidays"
	" WHERE (CAST(? AS TEXT) IS NULL OR day >= ?) AND (CAST(? AS TEXT) IS NULL OR day <= ?)"
	" ORDER BY day LIMIT 1000";

int holidays_list(struct db *db, const char *from, const char *to, json_t **out, struct err *e)
{
	int rc;
	struct db_stmt *st = db_query(db, e, SQL_HOLIDAYS_LIST, "tttt", from, from, to, to);
	if (!st)
		return db_fail(e);
	json_t *items = json_array();
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(items, row_json(st));
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		return db_fail(e);
	}
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

static const char SQL_HOLIDAY_GET[] =
	"SELECT day, name, created_at, updated_at FROM holidays WHERE day = ?";
static const char SQL_HOLIDAY_INSERT[] =
	"INSERT INTO holidays (day, name, created_at, updated_at) VALUES (?, ?, ?, ?)";
static const char SQL_HOLIDAY_UPDATE[] =
	"UPDATE holidays SET name = ?, updated_at = ? WHERE day = ?";
static const char SQL_HOLIDAY_DELETE[] = "DELETE FROM holidays WHERE day = ?";

/* The holiday of day as JSON into *out (NULL when none). 0 or negative. */
static int holiday_get(struct db *db, const char *day, json_t **out, struct err *e)
{
	*out = NULL;
	struct db_stmt *st = db_query(db, e, SQL_HOLIDAY_GET, "t", day);
	if (!st)
		return db_fail(e);
	int rc = db_step(st, e);
	if (rc == DB_ROW)
		*out = row_json(st);
	db_reset(st);
	return rc < 0 ? db_fail(e) : 0;
}

int holidays_put(struct db *db, const struct actor *who, const char *day, const char *name,
		 json_t **out, int *created, struct err *e)
{
	json_t *before = NULL, *after = NULL;
	int64_t now = ts_now_ms();
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	if ((rc = holiday_get(db, day, &before, e)) < 0)
		goto fail;
	*created = before == NULL;
	rc = before ? db_write(db, e, SQL_HOLIDAY_UPDATE, "tit", name, now, day)
		    : db_write(db, e, SQL_HOLIDAY_INSERT, "ttii", day, name, now, now);
	if (rc < 0 || (rc = holiday_get(db, day, &after, e)) < 0)
		goto fail;
	*out = json_incref(after);
	rc = audit_commit(db, who, *created ? "create" : "update", "holiday", day_id(day), 0,
			  before, after, e);
	before = after = NULL;
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
		goto fail;
	}
	return 0;
fail:
	json_decref(before);
	json_decref(after);
	db_rollback(db);
	return rc;
}

int holidays_delete(struct db *db, const struct actor *who, const char *day, struct err *e)
{
	json_t *before = NULL;
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	if ((rc = holiday_get(db, day, &before, e)) < 0)
		goto fail;
	if (!before) {
		rc = err_set(e, ERR_NOT_FOUND, "no holiday on %s", day);
		goto fail;
	}
	if ((rc = db_write(db, e, SQL_HOLIDAY_DELETE, "t", day)) < 0)
		goto fail;
	rc = audit_commit(db, who, "delete", "holiday", day_id(day), 0, before, NULL, e);
	before = NULL;
	if (rc < 0)
		goto fail;
	return 0;
fail:
	json_decref(before);
	db_rollback(db);
	return rc;
}

static const char SQL_HOLIDAY_SEED[] =
	"INSERT INTO holidays (day, name, created_at, updated_at) SELECT ?, ?, ?, ?"
	" WHERE NOT EXISTS (SELECT 1 FROM holidays WHERE day = ?)";

int holidays_seed(struct db *db, const char *day, const char *name, struct err *e)
{
	int64_t now = ts_now_ms();
	return db_write(db, e, SQL_HOLIDAY_SEED, "ttiit", day, name, now, now, day);
}
