/* loyalty_fx.h: the dbfx fixture on PostgreSQL too: when TERSA_TEST_PG_URL
 * is set, a test gets a fresh migrated schema of its own (dropped after);
 * without it the PostgreSQL variants are skipped; and one_id, a one-value
 * query. Include after dbfx.h and cmocka.h. */
#ifndef TERSA_TEST_LOYALTY_FX_H
#define TERSA_TEST_LOYALTY_FX_H

#include <stdarg.h>

#include "dbone.h"
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

/* db_one on the fixture's database. */
#define one_id(f, ...) db_one((f)->db, __VA_ARGS__)

/* The PostgreSQL variant of a test: skipped without a database. */
#define PG_TEST(fn)                                                                    \
	static void fn##_pg(void **state)                                              \
	{                                                                              \
		if (!((struct pgfx *)*state)->f.db)                                    \
			skip();                                                        \
		fn(state);                                                             \
	}

#endif
