/* pgschema.h: a PostgreSQL schema of a unit test's own, when
 * TERSA_TEST_PG_URL names a database: created fresh and migrated, the
 * connection's search_path set to it, and dropped after the test. */
#ifndef TERSA_TEST_PGSCHEMA_H
#define TERSA_TEST_PGSCHEMA_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "db/db.h"

struct pgschema {
	char name[64];   /* <prefix><pid>_<n>; "" when none was made */
	char url[1024];  /* the connection string with its search_path */
};

/* Opens *db on a fresh migrated schema named after prefix: 1; 0 when
 * TERSA_TEST_PG_URL is unset (the PostgreSQL variant is skipped); -1 on
 * failure (printed). */
static inline int pgschema_open(struct pgschema *s, const char *prefix, struct db **db)
{
	static int seq;
	const char *url = getenv("TERSA_TEST_PG_URL");
	char sql[256];
	struct err e;
	if (!url || !*url)
		return 0;
	err_init(&e);
	snprintf(s->name, sizeof s->name, "%s%ld_%d", prefix, (long)getpid(), ++seq);
	snprintf(s->url, sizeof s->url, "%s%coptions=-csearch_path%%3D%s", url,
		 strchr(url, '?') ? '&' : '?', s->name);
	snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", s->name,
		 s->name);
	if (db_open(s->url, db, &e) < 0 || db_exec(*db, sql, &e) < 0 ||
	    db_migrate(*db, NULL, &e) < 0) {
		fprintf(stderr, "pg setup: %s\n", e.msg);
		return -1;
	}
	return 1;
}

/* Drops the schema through db (left open for the caller to close). */
static inline void pgschema_drop(const struct pgschema *s, struct db *db)
{
	char sql[128];
	struct err e;
	err_init(&e);
	db_idle(db);
	snprintf(sql, sizeof sql, "DROP SCHEMA %s CASCADE", s->name);
	db_exec(db, sql, &e);
}

#endif
