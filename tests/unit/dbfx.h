/* dbfx.h: a unit test fixture holding a fresh migrated SQLite database, an
 * arena, an actor and an error, with small helpers over them. Include after
 * cmocka.h. */
#ifndef TERSA_TEST_DBFX_H
#define TERSA_TEST_DBFX_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include <jansson.h>

#include "domain/org/actor.h"
#include "tmpdb.h"

struct fx {
	struct tmpdb tmp;
	struct db *db;
	struct arena *a;
	struct actor who;
	struct err e;
};

/* A fresh migrated SQLite database named after the test file. */
static inline int fx_setup_named(void **state, const char *name)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	struct err e;

	if (tmpdb_make(&f->tmp, name) < 0)
		return -1;
	err_init(&e);
	if (db_open(f->tmp.path, &f->db, &e) < 0 || db_migrate(f->db, NULL, &e) < 0) {
		fprintf(stderr, "db: %s\n", e.msg);
		return -1;
	}
	f->a = arena_new();
	err_init(&f->e);
	*state = f;
	return 0;
}

static inline int fx_teardown(void **state)
{
	struct fx *f = *state;
	db_close(f->db);
	arena_free(f->a);
	tmpdb_remove(&f->tmp);
	free(f);
	return 0;
}

/* The message noted for field, or NULL. */
static inline const char *field_msg(const struct err *e, const char *field)
{
	for (int i = 0; i < e->nfields; i++)
		if (strcmp(e->fields[i].field, field) == 0)
			return e->fields[i].message;
	return NULL;
}

static inline int64_t audit_count(struct fx *f, const char *entity)
{
	struct err e;
	struct db_stmt *st;
	int64_t n = -1;

	err_init(&e);
	st = db_query(f->db, &e,
		      "SELECT COUNT(*) FROM audit_log WHERE entity = ?", "t",
		      entity);
	assert_non_null(st);
	if (db_step(st, &e) == DB_ROW)
		n = db_col_int64(st, 0);
	db_reset(st);
	return n;
}

#endif
