/* migrate.c: applies the embedded migrations (src/db/migrations/NNNN_name.sql),
 * each in its own write transaction, recorded in schema_migrations. On
 * PostgreSQL an advisory lock serialises servers starting at the same time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/timeutil.h"
#include "db/db.h"
#include "db/migrations.h"

static const char SQL_CREATE[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	"version BIGINT PRIMARY KEY, name TEXT NOT NULL, "
	"applied_at BIGINT NOT NULL)";
static const char SQL_LOCK[] = "SELECT pg_advisory_xact_lock(727274)";
static const char SQL_HAS_TABLE_SQLITE[] =
	"SELECT COUNT(*) FROM sqlite_master "
	"WHERE type = 'table' AND name = 'schema_migrations'";
static const char SQL_HAS_TABLE_PG[] =
	"SELECT CASE WHEN to_regclass('schema_migrations') IS NULL "
	"THEN 0 ELSE 1 END";
static const char SQL_MAX[] =
	"SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
static const char SQL_APPLIED[] =
	"SELECT COUNT(*) FROM schema_migrations WHERE version = ?";
static const char SQL_RECORD[] =
	"INSERT INTO schema_migrations (version, name, applied_at) "
	"VALUES (?, ?, ?)";

/* Runs a one-row, one-column integer query; 0 and *out, or negative. */
static int query_int(struct db *db, const char *sql, int64_t arg, int bind,
		     int64_t *out, struct err *e)
{
	struct db_stmt *st = bind ? db_query(db, e, sql, "i", arg)
				  : db_query(db, e, sql, "");
	if (!st)
		return db_fail(e);
	int rc = db_step(st, e);
	if (rc < 0)
		return rc;
	*out = rc == DB_ROW ? db_col_int64(st, 0) : 0;
	db_reset(st);
	return 0;
}

int db_schema_version(struct db *db, struct err *e)
{
	struct err local;
	if (!e) {
		err_init(&local);
		e = &local;
	}
	int64_t has = 0, v = 0;
	int rc = query_int(db,
			   db_kind(db) == DB_PG ? SQL_HAS_TABLE_PG
						: SQL_HAS_TABLE_SQLITE,
			   0, 0, &has, e);
	if (rc < 0)
		return rc;
	if (!has)
		return 0;
	rc = query_int(db, SQL_MAX, 0, 0, &v, e);
	if (rc < 0)
		return rc;
	return (int)v;
}

/* Begins a write transaction, serialised across servers on PostgreSQL. */
static int begin_locked(struct db *db, struct err *e)
{
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	if (db_kind(db) == DB_PG) {
		struct db_stmt *st = db_query(db, e, SQL_LOCK, "");
		rc = st ? db_run(st, e) : e->code;
		if (rc < 0) {
			db_rollback(db);
			return rc;
		}
	}
	return 0;
}

/* Applies migration m unless already applied; *did gets 1 if it ran. */
static int apply_one(struct db *db, const struct db_migration *m, int *did,
		     struct err *e)
{
	int64_t n = 0;
	*did = 0;
	int rc = begin_locked(db, e);
	if (rc < 0)
		return rc;
	rc = query_int(db, SQL_APPLIED, m->version, 1, &n, e);
	if (rc < 0 || n) {
		db_rollback(db);
		return rc < 0 ? rc : 0;
	}
	char *sql = db_substitute(db_kind(db), m->sql);
	rc = db_exec(db, sql, e);
	free(sql);
	if (rc == 0) {
		struct db_stmt *st = db_query(db, e, SQL_RECORD, "iti",
					      (int64_t)m->version, m->name,
					      ts_now_ms());
		rc = st ? db_run(st, e) : e->code;
	}
	if (rc == 0)
		rc = db_commit(db, e);
	else
		db_rollback(db);
	if (rc < 0) {
		char m2[sizeof e->msg];
		snprintf(m2, sizeof m2, "%s", e->msg);
		return err_set(e, rc, "migration %04d_%s failed: %s",
			       m->version, m->name, m2);
	}
	*did = 1;
	log_info("db: applied migration %04d_%s", m->version, m->name);
	return 0;
}

int db_migrate(struct db *db, int *applied, struct err *e)
{
	struct err local;
	if (!e) {
		err_init(&local);
		e = &local;
	}
	if (applied)
		*applied = 0;
	if (db_in_tx(db)) {
		log_error("db_migrate: called inside a transaction");
		return err_set(e, ERR_DB, "database error");
	}
	int latest = 0;
	for (int i = 0; i < db_migrations_count; i++) {
		if (db_migrations[i].version <= latest)
			return err_set(e, ERR_DB,
				       "embedded migrations are not in order");
		latest = db_migrations[i].version;
	}

	int rc = begin_locked(db, e);
	if (rc < 0)
		return rc;
	rc = db_exec(db, SQL_CREATE, e);
	if (rc == 0)
		rc = db_commit(db, e);
	else
		db_rollback(db);
	if (rc < 0)
		return rc;

	int cur = db_schema_version(db, e);
	if (cur < 0)
		return cur;
	if (cur > latest)
		return err_set(e, ERR_DB,
			       "the database schema is version %d, newer than "
			       "this program knows (%d): use a newer tersa",
			       cur, latest);

	for (int i = 0; i < db_migrations_count; i++) {
		const struct db_migration *m = &db_migrations[i];
		int64_t done = 0;
		rc = query_int(db, SQL_APPLIED, m->version, 1, &done, e);
		if (rc < 0)
			return rc;
		if (done)
			continue;
		int did = 0;
		rc = apply_one(db, m, &did, e);
		if (rc < 0)
			return rc;
		if (did && applied)
			(*applied)++;
	}
	return 0;
}
