/* loyalty_fx.h: the dbfx fixture on PostgreSQL too: when TERSA_TEST_PG_URL
 * is set, a test gets a fresh migrated schema of its own (dropped after);
 * without it the PostgreSQL variants are skipped; and one_id, a one-value
 * query. Include after dbfx.h and cmocka.h. */
#ifndef TERSA_TEST_LOYALTY_FX_H
#define TERSA_TEST_LOYALTY_FX_H

#include <stdarg.h>

#include "pgschema.h"

struct pgfx {
	struct fx f; /* first: the tests take a struct fx */
	struct pgschema schema;
};

static inline int pgfx_setup(void **state)
{
	struct pgfx *p = xcalloc(1, sizeof *p);
	*state = p;
	int rc = pgschema_open(&p->schema, "tersa_loyalty", &p->f.db);
	if (rc <= 0)
		return rc;
	p->f.a = arena_new();
	err_init(&p->f.e);
	return 0;
}

static inline int pgfx_teardown(void **state)
{
	struct pgfx *p = *state;
	if (p->f.db) {
		pgschema_drop(&p->schema, p->f.db);
		db_close(p->f.db);
		arena_free(p->f.a);
	}
	free(p);
	return 0;
}

/* Runs sql with parameters ('i' int64, 't' text); column 0 of its first
 * row, 0 when none. */
static inline int64_t one_id(struct fx *f, const char *sql, const char *types, ...)
{
	struct err e;
	err_init(&e);
	struct db_stmt *st = db_prepare(f->db, sql, &e);
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

/* The PostgreSQL variant of a test: skipped without a database. */
#define PG_TEST(fn)                                                                    \
	static void fn##_pg(void **state)                                              \
	{                                                                              \
		if (!((struct pgfx *)*state)->f.db)                                    \
			skip();                                                        \
		fn(state);                                                             \
	}

#endif
