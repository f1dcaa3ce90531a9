/* util.c: helpers around the db interface shared by domain code. */
#include <ctype.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/log.h"
#include "db/db.h"

char *db_like_pattern(struct arena *a, const char *q)
{
	if (!q || !*q)
		return NULL;
	struct buf b;
	buf_init(&b, 0);
	buf_putc(&b, '%');
	for (const char *p = q; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			buf_putc(&b, '\\');
		buf_putc(&b, (char)tolower((unsigned char)*p));
	}
	buf_putc(&b, '%');
	char *s = arena_strdup(a, b.data);
	buf_release(&b);
	return s;
}

int db_fail(struct err *e)
{
	return e->code < 0 ? e->code : err_set(e, ERR_DB, "database error");
}

int db_integrity(struct db *db, int *ok, struct err *e)
{
	static const char sql[] = "PRAGMA integrity_check";
	*ok = 1;
	if (db_kind(db) != DB_SQLITE)
		return 0;
	struct db_stmt *st = db_query(db, e, sql, "");
	int rc;
	if (!st)
		return db_fail(e);
	while ((rc = db_step(st, e)) == DB_ROW) {
		const char *t = db_col_text(st, 0);
		if (!t || strcmp(t, "ok") != 0) {
			*ok = 0;
			log_error("integrity_check: %s", t ? t : "(null)");
		}
	}
	return rc < 0 ? db_fail(e) : 0;
}

int db_exists(struct db_stmt *st, struct err *e)
{
	if (!st)
		return db_fail(e);
	int rc = db_step(st, e);
	db_reset(st);
	return rc < 0 ? rc : rc == DB_ROW;
}

int db_ids_exist(struct db *db, const char *sql, const char *what, const char *field,
		 const int64_t *ids, int n, struct err *e)
{
	for (int i = 0; i < n; i++) {
		int rc = db_exists(db_query(db, e, sql, "i", ids[i]), e);
		if (rc < 0)
			return rc;
		if (!rc) {
			err_field(e, field, "%s %lld does not exist", what, (long long)ids[i]);
			return 0;
		}
	}
	return 0;
}

int db_text(struct db_stmt *st, char *out, size_t n, struct err *e)
{
	if (!st)
		return db_fail(e);
	int rc = db_step(st, e);
	if (rc == DB_ROW)
		snprintf(out, n, "%s", db_col_null(st, 0) ? "" : db_col_text(st, 0));
	db_reset(st);
	return rc < 0 ? rc : rc == DB_ROW;
}

int db_get_row(struct db_stmt *st, const char *what, int64_t id, struct err *e)
{
	if (!st)
		return db_fail(e);
	int rc = db_step(st, e);
	if (rc == DB_ROW)
		return 0;
	db_reset(st);
	return rc < 0 ? rc : err_set(e, ERR_NOT_FOUND, "no %s %lld", what, (long long)id);
}

int db_int(struct db_stmt *st, int64_t *out, struct err *e)
{
	*out = 0;
	if (!st)
		return db_fail(e);
	int rc = db_step(st, e);
	if (rc == DB_ROW)
		*out = db_col_int64(st, 0);
	db_reset(st);
	return rc < 0 ? rc : rc == DB_ROW;
}
