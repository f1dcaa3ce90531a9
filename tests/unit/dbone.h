/* dbone.h: one value from a query, for test set-up and checks: runs sql with
 * its parameters ('i' int64, 't' text) and answers column 0 of the first
 * row, 0 when there is none; a failing statement fails the test. Include
 * after cmocka.h. */
#ifndef TERSA_TEST_DBONE_H
#define TERSA_TEST_DBONE_H

#include <stdarg.h>
#include <stdio.h>

#include "base/err.h"
#include "db/db.h"

static inline int64_t db_one(struct db *db, const char *sql, const char *types, ...)
{
	struct err e;
	err_init(&e);
	struct db_stmt *st = db_prepare(db, sql, &e);
	assert_non_null(st);
	va_list ap;
	va_start(ap, types);
	for (int i = 0; types[i]; i++) {
		if (types[i] == 'i')
			db_bind_int64(st, i + 1, va_arg(ap, int64_t));
		else
			db_bind_text(st, i + 1, va_arg(ap, const char *));
	}
	va_end(ap);
	int rc = db_step(st, &e);
	if (rc < 0)
		fprintf(stderr, "%s: %s\n", sql, e.msg);
	assert_true(rc >= 0);
	int64_t v = rc == DB_ROW ? db_col_int64(st, 0) : 0;
	db_reset(st);
	return v;
}

#endif
