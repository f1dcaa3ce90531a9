/* db_sqlite.c: the SQLite engine: one connection per thread (NOMUTEX), WAL,
 * foreign keys, busy timeout, persistent prepared statements, and the
 * mapping of SQLite result codes to ERR_* codes. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/log.h"
#include "db/db_internal.h"

#define SQ(db) ((sqlite3 *)(db)->sq)
#define STMT(st) ((sqlite3_stmt *)(st)->sq)

/* Maps the connection's last error to ERR_* and fills e. `what` is the SQL
 * (for the log only). */
static int sq_error(struct db *db, int rc, const char *what, struct err *e)
{
	int xrc = sqlite3_extended_errcode(SQ(db));
	if ((xrc & 0xff) != (rc & 0xff))
		xrc = rc;
	const char *msg = sqlite3_errmsg(SQ(db));
	switch (xrc) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		log_debug("sqlite: %s", msg);
		return err_set(e, ERR_DUPLICATE, "%s", msg);
	case SQLITE_CONSTRAINT_FOREIGNKEY:
	case SQLITE_CONSTRAINT_CHECK:
	case SQLITE_CONSTRAINT_NOTNULL:
		log_debug("sqlite: %s", msg);
		return err_set(e, ERR_CONFLICT, "%s", msg);
	default:
		break;
	}
	switch (xrc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		log_warn("sqlite: %s (%d) in: %.200s", msg, xrc, what);
		return err_set(e, ERR_UNAVAILABLE, "database busy");
	default:
		log_error("sqlite: %s (%d) in: %.200s", msg, xrc, what);
		return err_set(e, ERR_DB, "database error");
	}
}

int dbsq_exec(struct db *db, const char *sql, struct err *e)
{
	int rc = sqlite3_exec(SQ(db), sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return sq_error(db, rc, sql, e);
	return 0;
}

static const char *sync_mode(void)
{
	const char *s = getenv("TERSA_SQLITE_SYNC");
	if (!s || !*s)
		return "FULL";
	static const char *const modes[] = {"FULL", "NORMAL", "OFF"};
	for (size_t i = 0; i < sizeof modes / sizeof *modes; i++)
		if (strcasecmp(s, modes[i]) == 0)
			return modes[i];
	log_warn("TERSA_SQLITE_SYNC must be FULL, NORMAL or OFF; using FULL");
	return "FULL";
}

/* Process-wide SQLite set-up before first use: no memory statistics, whose
 * global mutex every allocation would otherwise take. */
static void sqlite_global_init(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_initialize();
}

int dbsq_open(struct db *db, const char *path, struct err *e)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, sqlite_global_init);
	sqlite3 *h = NULL;
	int rc = sqlite3_open_v2(path, &h,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
					 SQLITE_OPEN_NOMUTEX,
				 NULL);
	if (rc != SQLITE_OK) {
		err_set(e, ERR_DB, "cannot open database %s: %s", path,
			h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
		log_error("%s", e ? e->msg : "cannot open database");
		sqlite3_close(h);
		return ERR_DB;
	}
	db->sq = h;
	sqlite3_extended_result_codes(h, 1);
	sqlite3_busy_timeout(h, 5000);
	/* temp_store=MEMORY keeps savepoint (statement) journals off disk: a
	 * group commit opens a savepoint per sale. A checkpoint every 8,000 WAL
	 * pages (32 MiB) instead of 1,000: the pages every sale rewrites (table
	 * and index tails, balances, rollups) are copied back once per
	 * checkpoint, so fewer checkpoints copy less. */
	char sql[192];
	snprintf(sql, sizeof sql,
		 "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s; "
		 "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; "
		 "PRAGMA wal_autocheckpoint=8000;",
		 sync_mode());
	rc = dbsq_exec(db, sql, e);
	if (rc < 0) {
		sqlite3_close(h);
		db->sq = NULL;
		return rc;
	}
	return 0;
}

void dbsq_close(struct db *db)
{
	if (db->sq && sqlite3_close(SQ(db)) != SQLITE_OK)
		log_error("sqlite: close: %s", sqlite3_errmsg(SQ(db)));
	db->sq = NULL;
}

int dbsq_in_tx(const struct db *db)
{
	return !sqlite3_get_autocommit(SQ(db));
}

static int only_space(const char *s)
{
	for (; *s; s++)
		if (!(*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' ||
		      *s == ';'))
			return 0;
	return 1;
}

int dbsq_prepare(struct db_stmt *st, struct err *e)
{
	sqlite3_stmt *h = NULL;
	const char *tail = NULL;
	int rc = sqlite3_prepare_v3(SQ(st->db), st->sql, -1,
				    SQLITE_PREPARE_PERSISTENT, &h, &tail);
	if (rc != SQLITE_OK)
		return sq_error(st->db, rc, st->sql, e);
	if (!h || (tail && !only_space(tail))) {
		sqlite3_finalize(h);
		log_error("sqlite: db_prepare takes exactly one statement: "
			  "%.200s",
			  st->sql);
		return err_set(e, ERR_DB, "database error");
	}
	st->sq = h;
	st->nparams = sqlite3_bind_parameter_count(h);
	return 0;
}

void dbsq_finalize(struct db_stmt *st)
{
	sqlite3_finalize(STMT(st));
	st->sq = NULL;
}

void dbsq_reset(struct db_stmt *st)
{
	sqlite3_reset(STMT(st));
	sqlite3_clear_bindings(STMT(st));
}

int dbsq_bind(struct db_stmt *st, int idx, enum db_pkind k, int64_t v,
	      const char *s)
{
	int rc;
	switch (k) {
	case DBP_INT:
		rc = sqlite3_bind_int64(STMT(st), idx, v);
		break;
	case DBP_TEXT:
		rc = sqlite3_bind_text(STMT(st), idx, s, -1, SQLITE_TRANSIENT);
		break;
	default:
		rc = sqlite3_bind_null(STMT(st), idx);
		break;
	}
	return rc == SQLITE_OK ? 0 : -1;
}

int dbsq_step(struct db_stmt *st, struct err *e)
{
	int rc = sqlite3_step(STMT(st));
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE) {
		st->changes = sqlite3_stmt_readonly(STMT(st))
				      ? 0
				      : sqlite3_changes64(SQ(st->db));
		return DB_DONE;
	}
	int r = sq_error(st->db, rc, st->sql, e);
	sqlite3_reset(STMT(st));
	return r;
}

int dbsq_column_count(struct db_stmt *st)
{
	return sqlite3_column_count(STMT(st));
}

int dbsq_col_null(struct db_stmt *st, int col)
{
	return sqlite3_column_type(STMT(st), col) == SQLITE_NULL;
}

int64_t dbsq_col_int64(struct db_stmt *st, int col)
{
	return sqlite3_column_int64(STMT(st), col);
}

const char *dbsq_col_text(struct db_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(STMT(st), col);
}
