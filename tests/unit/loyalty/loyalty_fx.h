/* loyalty_fx.h: the dbfx fixture on PostgreSQL too: when TERSA_TEST_PG_URL
 * is set, a test gets a fresh migrated schema of its own (dropped after);
 * without it the PostgreSQL variants are skipped. Include after dbfx.h. */
#ifndef TERSA_TEST_LOYALTY_FX_H
#define TERSA_TEST_LOYALTY_FX_H

#include <unistd.h>

struct pgfx {
	struct fx f; /* first: the tests take a struct fx */
	char schema[64];
};

static inline int pgfx_setup(void **state)
{
	static int seq;
	struct pgfx *p = xcalloc(1, sizeof *p);
	const char *url = getenv("TERSA_TEST_PG_URL");
	char full[1024], sql[256];
	struct err e;
	*state = p;
	if (!url || !*url)
		return 0;
	err_init(&e);
	snprintf(p->schema, sizeof p->schema, "tersa_loyalty%ld_%d", (long)getpid(), ++seq);
	snprintf(full, sizeof full, "%s%coptions=-csearch_path%%3D%s", url,
		 strchr(url, '?') ? '&' : '?', p->schema);
	snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", p->schema,
		 p->schema);
	if (db_open(full, &p->f.db, &e) < 0 || db_exec(p->f.db, sql, &e) < 0 ||
	    db_migrate(p->f.db, NULL, &e) < 0) {
		fprintf(stderr, "pg setup: %s\n", e.msg);
		return -1;
	}
	p->f.a = arena_new();
	err_init(&p->f.e);
	return 0;
}

static inline int pgfx_teardown(void **state)
{
	struct pgfx *p = *state;
	if (p->f.db) {
		char sql[128];
		struct err e;
		err_init(&e);
		db_idle(p->f.db);
		snprintf(sql, sizeof sql, "DROP SCHEMA %s CASCADE", p->schema);
		db_exec(p->f.db, sql, &e);
		db_close(p->f.db);
		arena_free(p->f.a);
	}
	free(p);
	return 0;
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
