/* db.c: the engine-independent half of the database layer: opening, the
 * per-connection statement cache, binding, stepping and transactions, each
 * dispatched to db_sqlite.c or db_pg.c by a switch on the connection kind. */
#include <pthread.h>
#include <time.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/log.h"
#include "db/db_internal.h"

#define IS_PG(db) ((db)->kind == DB_PG)

static int is_pg_url(const char *t)
{
	return strncmp(t, "postgresql://", 13) == 0 ||
	       strncmp(t, "postgres://", 11) == 0;
}

int db_open(const char *target, struct db **out, struct err *e)
{
	*out = NULL;
	if (!target || !*target)
		return err_set(e, ERR_DB, "no database given");
	struct db *db = xcalloc(1, sizeof *db);
	int rc;
	if (is_pg_url(target)) {
		db->kind = DB_PG;
		rc = dbpg_open(db, target, e);
	} else {
		db->kind = DB_SQLITE;
		rc = dbsq_open(db, target, e);
	}
	if (rc < 0) {
		free(db);
		return rc;
	}
	*out = db;
	return 0;
}

static void stmt_free(struct db_stmt *st)
{
	if (st->db->kind == DB_PG)
		dbpg_finalize(st);
	else
		dbsq_finalize(st);
	free(st->sql);
	free(st);
}

void db_close(struct db *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < db->cap; i++)
		if (db->slots[i])
			stmt_free(db->slots[i]);
	free(db->slots);
	if (IS_PG(db))
		dbpg_close(db);
	else
		dbsq_close(db);
	free(db);
}

enum db_kind db_kind(const struct db *db)
{
	return db->kind;
}

const char *db_kind_name(const struct db *db)
{
	return IS_PG(db) ? "postgresql" : "sqlite";
}

int db_exec(struct db *db, const char *sql, struct err *e)
{
	if (IS_PG(db)) {
		dbpg_check(db);
		return dbpg_exec(db, sql, e);
	}
	return dbsq_exec(db, sql, e);
}

/* ---- statement cache: open addressing, linear probing, keyed by pointer */

static size_t slot_of(const void *p, size_t mask)
{
	uint64_t h = (uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ull;
	return (size_t)(h ^ (h >> 29)) & mask;
}

static void cache_put(struct db *db, struct db_stmt *st)
{
	if ((db->count + 1) * 2 > db->cap) {
		size_t ncap = db->cap ? db->cap * 2 : 64;
		struct db_stmt **ns = xcalloc(ncap, sizeof *ns);
		for (size_t i = 0; i < db->cap; i++) {
			struct db_stmt *o = db->slots[i];
			if (!o)
				continue;
			size_t j = slot_of(o->key, ncap - 1);
			while (ns[j])
				j = (j + 1) & (ncap - 1);
			ns[j] = o;
		}
		free(db->slots);
		db->slots = ns;
		db->cap = ncap;
	}
	size_t j = slot_of(st->key, db->cap - 1);
	while (db->slots[j])
		j = (j + 1) & (db->cap - 1);
	db->slots[j] = st;
	db->count++;
}

static struct db_stmt **cache_find(struct db *db, const char *key)
{
	if (!db->cap)
		return NULL;
	size_t j = slot_of(key, db->cap - 1);
	while (db->slots[j]) {
		if (db->slots[j]->key == key)
			return &db->slots[j];
		j = (j + 1) & (db->cap - 1);
	}
	return NULL;
}

/* ---- active list: statements that returned a row and may hold a snapshot */

static void active_add(struct db_stmt *st)
{
	if (st->on_active)
		return;
	struct db *db = st->db;
	st->act_prev = NULL;
	st->act_next = db->active;
	if (db->active)
		db->active->act_prev = st;
	db->active = st;
	st->on_active = 1;
}

static void active_del(struct db_stmt *st)
{
	if (!st->on_active)
		return;
	if (st->act_prev)
		st->act_prev->act_next = st->act_next;
	else
		st->db->active = st->act_next;
	if (st->act_next)
		st->act_next->act_prev = st->act_prev;
	st->act_prev = st->act_next = NULL;
	st->on_active = 0;
}

static void stmt_engine_reset(struct db_stmt *st)
{
	if (st->db->kind == DB_PG)
		dbpg_reset(st);
	else
		dbsq_reset(st);
}

void db_reset(struct db_stmt *st)
{
	if (!st)
		return;
	active_del(st);
	stmt_engine_reset(st);
	st->state = DBS_READY;
	st->bind_err = 0;
}

/* Resets every statement still holding rows and marks it stale, so a later
 * db_step on it fails loudly instead of restarting. */
static void reset_active(struct db *db)
{
	while (db->active) {
		struct db_stmt *st = db->active;
		active_del(st);
		stmt_engine_reset(st);
		st->state = DBS_STALE;
	}
}

static struct db_stmt *stmt_new(struct db *db, const char *sql, struct err *e)
{
	struct db_stmt *st = xcalloc(1, sizeof *st);
	st->db = db;
	st->key = sql;
	st->sql = xstrdup(sql);
	int rc = IS_PG(db) ? dbpg_prepare(st, e) : dbsq_prepare(st, e);
	if (rc < 0) {
		free(st->sql);
		free(st);
		return NULL;
	}
	return st;
}

struct db_stmt *db_prepare(struct db *db, const char *sql, struct err *e)
{
	if (IS_PG(db))
		dbpg_check(db);
	struct db_stmt **slot = cache_find(db, sql);
	if (slot) {
		struct db_stmt *st = *slot;
		if (strcmp(st->sql, sql) == 0) {
			db_reset(st);
			return st;
		}
		/* The pointer was reused for other text (not static). */
		log_warn("db: statement cache key reused for new SQL text");
		struct db_stmt *ns = stmt_new(db, sql, e);
		if (!ns)
			return NULL;
		active_del(st);
		stmt_free(st);
		*slot = ns;
		return ns;
	}
	struct db_stmt *st = stmt_new(db, sql, e);
	if (st)
		cache_put(db, st);
	return st;
}

/* ---- binding */

static void bind_any(struct db_stmt *st, int idx, enum db_pkind k, int64_t v,
		     const char *s)
{
	if (st->state != DBS_READY)
		db_reset(st);
	int rc = st->db->kind == DB_PG ? dbpg_bind(st, idx, k, v, s)
				       : dbsq_bind(st, idx, k, v, s);
	if (rc < 0) {
		log_error("db: cannot bind parameter %d of: %.200s", idx,
			  st->sql);
		st->bind_err = 1;
	}
}

void db_bind_int64(struct db_stmt *st, int idx, int64_t v)
{
	bind_any(st, idx, DBP_INT, v, NULL);
}

void db_bind_text(struct db_stmt *st, int idx, const char *s)
{
	if (s)
		bind_any(st, idx, DBP_TEXT, 0, s);
	else
		bind_any(st, idx, DBP_NULL, 0, NULL);
}

void db_bind_null(struct db_stmt *st, int idx)
{
	bind_any(st, idx, DBP_NULL, 0, NULL);
}

static struct db_stmt *db_vquery(struct db *db, struct err *e, const char *sql,
				 const char *types, va_list ap);

struct db_stmt *db_query(struct db *db, struct err *e, const char *sql,
			 const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	struct db_stmt *st = db_vquery(db, e, sql, types, ap);
	va_end(ap);
	return st;
}

static int vwrite(struct db *db, struct err *e, int64_t *changes, const char *sql,
		  const char *types, va_list ap)
{
	int own = !db_in_tx(db), rc;
	if (own && (rc = db_begin(db, 1, e)) < 0)
		return rc;
	struct db_stmt *st = db_vquery(db, e, sql, types, ap);
	rc = db_run(st, e);
	if (rc == 0 && changes)
		*changes = db_changes(st);
	if (own)
		rc = rc < 0 ? (db_rollback(db), rc) : db_commit(db, e);
	return rc;
}

int db_write(struct db *db, struct err *e, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	int rc = vwrite(db, e, NULL, sql, types, ap);
	va_end(ap);
	return rc;
}

int db_write_count(struct db *db, struct err *e, int64_t *changes, const char *sql,
		   const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	int rc = vwrite(db, e, changes, sql, types, ap);
	va_end(ap);
	return rc;
}

static struct db_stmt *db_vquery(struct db *db, struct err *e, const char *sql,
				 const char *types, va_list ap)
{
	struct db_stmt *st = db_prepare(db, sql, e);
	if (!st)
		return NULL;
	int idx = 1;
	for (const char *t = types ? types : ""; *t; t++, idx++) {
		switch (*t) {
		case 'i':
			bind_any(st, idx, DBP_INT, va_arg(ap, int64_t), NULL);
			break;
		case 'I': {
			int64_t v = va_arg(ap, int64_t);
			if (v)
				bind_any(st, idx, DBP_INT, v, NULL);
			else
				bind_any(st, idx, DBP_NULL_INT, 0, NULL);
			break;
		}
		case 'M': {
			int64_t v = va_arg(ap, int64_t);
			if (v >= 0)
				bind_any(st, idx, DBP_INT, v, NULL);
			else
				bind_any(st, idx, DBP_NULL_INT, 0, NULL);
			break;
		}
		case 't':
			db_bind_text(st, idx, va_arg(ap, const char *));
			break;
		case 'n':
			bind_any(st, idx, DBP_NULL, 0, NULL);
			break;
		default:
			log_error("db_query: bad type '%c' for: %.200s", *t,
				  sql);
			db_reset(st);
			err_set(e, ERR_DB, "database error");
			return NULL;
		}
	}
	return st;
}

/* ---- stepping and columns */

int db_step(struct db_stmt *st, struct err *e)
{
	switch (st->state) {
	case DBS_DONE:
		return DB_DONE;
	case DBS_STALE:
		log_error("db: statement stepped after a transaction boundary "
			  "reset it: %.200s",
			  st->sql);
		return err_set(e, ERR_DB, "database error");
	default:
		break;
	}
	if (st->bind_err) {
		st->state = DBS_DONE;
		return err_set(e, ERR_DB, "database error");
	}
	int rc = st->db->kind == DB_PG ? dbpg_step(st, e) : dbsq_step(st, e);
	if (rc == DB_ROW) {
		st->state = DBS_ROWS;
		active_add(st);
	} else {
		st->state = DBS_DONE;
		active_del(st);
	}
	return rc;
}

int db_run(struct db_stmt *st, struct err *e)
{
	int rc;
	if (!st) /* the prepare failed (e filled): db_run(db_query(...)) is safe */
		return db_fail(e);
	while ((rc = db_step(st, e)) == DB_ROW)
		;
	return rc;
}

int64_t db_changes(struct db_stmt *st)
{
	return st->changes;
}

int db_column_count(struct db_stmt *st)
{
	return st->db->kind == DB_PG ? dbpg_column_count(st)
				     : dbsq_column_count(st);
}

int db_col_null(struct db_stmt *st, int col)
{
	if (st->state != DBS_ROWS)
		return 1;
	return st->db->kind == DB_PG ? dbpg_col_null(st, col)
				     : dbsq_col_null(st, col);
}

int64_t db_col_int64(struct db_stmt *st, int col)
{
	if (st->state != DBS_ROWS)
		return 0;
	return st->db->kind == DB_PG ? dbpg_col_int64(st, col)
				     : dbsq_col_int64(st, col);
}

const char *db_col_text(struct db_stmt *st, int col)
{
	if (st->state != DBS_ROWS)
		return NULL;
	return st->db->kind == DB_PG ? dbpg_col_text(st, col)
				     : dbsq_col_text(st, col);
}

/* ---- transactions */

static const char SQL_BEGIN_IMMEDIATE[] = "BEGIN IMMEDIATE";
static const char SQL_BEGIN[] = "BEGIN";
static const char SQL_COMMIT[] = "COMMIT";
static const char SQL_ROLLBACK[] = "ROLLBACK";

/* Runs a transaction-control statement: cached on SQLite, simple query on
 * PostgreSQL (which accepts COMMIT/ROLLBACK in an aborted transaction). */
static int tx_run(struct db *db, const char *sql, struct err *e)
{
	if (IS_PG(db))
		return dbpg_exec(db, sql, e);
	struct db_stmt *st = db_prepare(db, sql, e);
	if (!st)
		return e ? e->code : ERR_DB;
	int rc = db_run(st, e);
	return rc < 0 ? rc : 0;
}

int db_in_tx(const struct db *db)
{
	return IS_PG(db) ? dbpg_in_tx(db) : dbsq_in_tx(db);
}

/* SQLite has one writer at a time. Threads of this process queue on a
 * mutex for it instead of meeting SQLITE_BUSY inside BEGIN IMMEDIATE, whose
 * busy handler sleeps in growing steps (milliseconds each) before retrying.
 * Other processes still meet the busy timeout. */
static pthread_mutex_t sqlite_writer = PTHREAD_MUTEX_INITIALIZER;
#define WRITER_WAIT_S 5

static int writer_lock(struct db *db, struct err *e)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += WRITER_WAIT_S;
	if (pthread_mutex_timedlock(&sqlite_writer, &until) != 0)
		return err_set(e, ERR_UNAVAILABLE, "the database is busy");
	db->write_locked = 1;
	return 0;
}

static void writer_unlock(struct db *db)
{
	if (db->write_locked) {
		db->write_locked = 0;
		pthread_mutex_unlock(&sqlite_writer);
	}
}

int db_begin(struct db *db, int write, struct err *e)
{
	if (IS_PG(db))
		dbpg_check(db);
	if (IS_PG(db) && dbpg_bad(db))
		return err_set(e, ERR_UNAVAILABLE, "database unavailable");
	if (db->held && db_in_tx(db))
		return db_savepoint(db, "held", e);
	if (db_in_tx(db)) {
		log_error("db_begin: a transaction is already open");
		return err_set(e, ERR_DB, "database error");
	}
	reset_active(db);
	if (IS_PG(db))
		return tx_run(db, SQL_BEGIN, e);
	if (write && writer_lock(db, e) < 0)
		return e->code;
	int rc = tx_run(db, write ? SQL_BEGIN_IMMEDIATE : SQL_BEGIN, e);
	if (rc < 0)
		writer_unlock(db);
	return rc;
}

int db_commit(struct db *db, struct err *e)
{
	if (IS_PG(db) && dbpg_bad(db)) {
		log_error("db_commit: the connection was lost");
		return err_set(e, ERR_UNAVAILABLE, "database unavailable");
	}
	if (db->held && db_in_tx(db))
		return db_release(db, "held", e);
	if (!db_in_tx(db)) {
		log_error("db_commit: no transaction is open");
		return err_set(e, ERR_DB, "database error");
	}
	reset_active(db);
	if (IS_PG(db) && dbpg_tx_failed(db)) {
		log_error("db_commit: the transaction was aborted by an "
			  "earlier error; rolled back");
		tx_run(db, SQL_ROLLBACK, NULL);
		return err_set(e, ERR_DB, "database error");
	}
	int rc = tx_run(db, SQL_COMMIT, e);
	if (rc < 0 && db_in_tx(db))
		tx_run(db, SQL_ROLLBACK, NULL);
	if (!db_in_tx(db))
		writer_unlock(db);
	return rc;
}

int db_rollback(struct db *db)
{
	if (db->held && db_in_tx(db)) {
		struct err e;
		err_init(&e);
		reset_active(db);
		int rc = db_rollback_to(db, "held", &e);
		return rc < 0 ? rc : db_release(db, "held", &e);
	}
	if (!db_in_tx(db)) {
		writer_unlock(db); /* SQLite may have ended it on an error */
		return 0;
	}
	reset_active(db);
	struct err e;
	err_init(&e);
	int rc = tx_run(db, SQL_ROLLBACK, &e);
	writer_unlock(db);
	return rc;
}

int db_name_ok(const char *name)
{
	size_t n = 0;
	if (!name)
		return 0;
	for (; name[n]; n++) {
		char c = name[n];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return 0;
	}
	return n > 0 && n <= 63;
}

static int savepoint_cmd(struct db *db, const char *verb, const char *name,
			 struct err *e)
{
	if (!db_name_ok(name)) {
		log_error("db: bad savepoint name");
		return err_set(e, ERR_DB, "database error");
	}
	char sql[128];
	snprintf(sql, sizeof sql, "%s %s", verb, name);
	return IS_PG(db) ? dbpg_exec(db, sql, e) : dbsq_exec(db, sql, e);
}

int db_savepoint(struct db *db, const char *name, struct err *e)
{
	return savepoint_cmd(db, "SAVEPOINT", name, e);
}

int db_release(struct db *db, const char *name, struct err *e)
{
	return savepoint_cmd(db, "RELEASE SAVEPOINT", name, e);
}

int db_rollback_to(struct db *db, const char *name, struct err *e)
{
	return savepoint_cmd(db, "ROLLBACK TO SAVEPOINT", name, e);
}

int db_hold(struct db *db, struct err *e)
{
	/* SQLite: a big unit of work keeps its pages in memory instead of
	 * spilling them (up to 256 MiB, only as used; back to the default after) */
	if (!IS_PG(db) && dbsq_exec(db, "PRAGMA cache_size=-262144", e) < 0)
		return e->code;
	int rc = db_begin(db, 1, e);
	if (rc == 0)
		db->held = 1;
	return rc;
}

int db_unhold(struct db *db, int commit, struct err *e)
{
	db->held = 0;
	int rc = commit ? db_commit(db, e) : db_rollback(db);
	if (!IS_PG(db))
		dbsq_exec(db, "PRAGMA cache_size=-2000", NULL);
	return rc;
}

void db_idle(struct db *db)
{
	db->held = 0;
	reset_active(db);
	if (db_in_tx(db)) {
		log_warn("db: a transaction was left open; rolled back");
		db_rollback(db);
	}
	writer_unlock(db);
}

/* ---- migration text */

char *db_substitute(enum db_kind kind, const char *sql)
{
	static const char tok[] = "{{ID}}";
	const char *rep = kind == DB_PG
				  ? "BIGINT GENERATED BY DEFAULT AS IDENTITY "
				    "PRIMARY KEY"
				  : "INTEGER PRIMARY KEY";
	size_t tl = sizeof tok - 1, rl = strlen(rep), n = 0;
	for (const char *p = sql; (p = strstr(p, tok)); p += tl)
		n++;
	size_t len = strlen(sql);
	char *out = xmalloc(len + n * rl + 1); /* rl > tl: no overflow risk */
	char *o = out;
	const char *p = sql, *q;
	while ((q = strstr(p, tok))) {
		memcpy(o, p, (size_t)(q - p));
		o += q - p;
		memcpy(o, rep, rl);
		o += rl;
		p = q + tl;
	}
	size_t rest = strlen(p);
	memcpy(o, p, rest + 1);
	return out;
}
