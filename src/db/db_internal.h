/* db_internal.h: what db.c shares with the two engine files (db_sqlite.c,
 * db_pg.c): the connection and statement structs and the engine entry points.
 * Not for use outside src/db and its tests. */
#ifndef TERSA_DB_INTERNAL_H
#define TERSA_DB_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

/* Kind of value bound to a parameter (PostgreSQL declares int8 for ints). */
enum db_pkind { DBP_UNSET = 0, DBP_NULL, DBP_NULL_INT, DBP_INT, DBP_TEXT };

/* Execution state of a statement. */
enum db_sstate {
	DBS_READY = 0, /* prepared or reset, bindings may be set */
	DBS_ROWS,      /* has returned a row and may return more */
	DBS_DONE,      /* finished (or failed): db_step returns DB_DONE */
	DBS_STALE      /* reset by a transaction boundary while it had rows */
};

struct db_stmt {
	struct db *db;
	const char *key;  /* the caller's pointer (cache key) */
	char *sql;        /* copy of the text, to detect a reused pointer */
	enum db_sstate state;
	int bind_err;     /* a bind was out of range: the next step fails */
	int64_t changes;
	struct db_stmt *act_prev, *act_next; /* on db->active while DBS_ROWS */
	int on_active;

	/* SQLite */
	void *sq; /* sqlite3_stmt * */

	/* PostgreSQL */
	char *pg_sql;        /* text with $1..$n */
	char pg_name[24];    /* server-side prepared statement name */
	unsigned pg_gen;     /* connection generation it was prepared in */
	int pg_prepared;
	int nparams;
	char **pvals;        /* values as text; NULL means SQL NULL */
	unsigned char *pkind;/* enum db_pkind per parameter */
	char (*pnum)[24];    /* decimal text of bound integers */
	void *res;           /* PGresult * */
	int row, nrows;
};

struct db {
	enum db_kind kind;
	void *sq; /* sqlite3 * */
	void *pg; /* PGconn * */
	unsigned pg_gen;     /* bumped when the connection is reset */
	unsigned pg_next;    /* next prepared statement number */

	/* statement cache: open addressing on the key pointer */
	struct db_stmt **slots;
	size_t cap, count;
	struct db_stmt *active; /* statements in DBS_ROWS */
	int write_locked;       /* SQLite: holds the process's writer lock */
	int held;               /* db_hold: begin/commit nest as savepoints */
};

/* Engine entry points. Connection level. */
int dbsq_open(struct db *db, const char *path, struct err *e);
void dbsq_close(struct db *db);
int dbsq_exec(struct db *db, const char *sql, struct err *e);
int dbsq_in_tx(const struct db *db);
int dbpg_open(struct db *db, const char *url, struct err *e);
void dbpg_close(struct db *db);
int dbpg_exec(struct db *db, const char *sql, struct err *e);
int dbpg_in_tx(const struct db *db);
/* 1 if the transaction is in PostgreSQL's aborted state. */
int dbpg_tx_failed(const struct db *db);
/* Before a statement is used: resets a broken connection once. */
void dbpg_check(struct db *db);
/* 1 if the connection is broken. */
int dbpg_bad(const struct db *db);

/* Statement level. prepare fills engine fields of a zeroed st. */
int dbsq_prepare(struct db_stmt *st, struct err *e);
void dbsq_finalize(struct db_stmt *st);
void dbsq_reset(struct db_stmt *st);
int dbsq_bind(struct db_stmt *st, int idx, enum db_pkind k, int64_t v,
	      const char *s);
int dbsq_step(struct db_stmt *st, struct err *e);
int dbsq_column_count(struct db_stmt *st);
int dbsq_col_null(struct db_stmt *st, int col);
int64_t dbsq_col_int64(struct db_stmt *st, int col);
const char *dbsq_col_text(struct db_stmt *st, int col);

int dbpg_prepare(struct db_stmt *st, struct err *e);
void dbpg_finalize(struct db_stmt *st);
void dbpg_reset(struct db_stmt *st);
int dbpg_bind(struct db_stmt *st, int idx, enum db_pkind k, int64_t v,
	      const char *s);
int dbpg_step(struct db_stmt *st, struct err *e);
int dbpg_column_count(struct db_stmt *st);
int dbpg_col_null(struct db_stmt *st, int col);
int64_t dbpg_col_int64(struct db_stmt *st, int col);
const char *dbpg_col_text(struct db_stmt *st, int col);

/* Rewrites `?` placeholders to $1..$n, leaving alone those inside
 * single-quoted strings (also E'...' with backslash escapes), double-quoted
 * identifiers, -- line comments and block comments. *out gets a malloc'd
 * string (caller frees). Returns n (the number of placeholders). */
int db_pg_rewrite(const char *sql, char **out);

/* Parses PostgreSQL integer text strictly: optional sign, digits, and an
 * optional fraction of zeros only ("12.000"); "t"/"f" read as 1/0.
 * 0 and *out set, or -1 (bad syntax or out of range). */
int db_parse_int64(const char *s, int64_t *out);

/* 1 if name is a valid savepoint name: [a-z_0-9]+, at most 63 bytes. */
int db_name_ok(const char *name);

#endif
