/* db.h: one database interface over two engines, SQLite and PostgreSQL.
 * SQL is written once with `?` placeholders (renumbered for PostgreSQL).
 * A struct db is one connection, used by one thread at a time. */
#ifndef TERSA_DB_H
#define TERSA_DB_H

#include <stdint.h>

#include "base/err.h"

enum db_kind { DB_SQLITE = 1, DB_PG = 2 };

struct db;
struct db_stmt;

/* db_step results */
#define DB_DONE 0
#define DB_ROW 1

/* Opens a connection: target is a file path for SQLite (created if absent)
 * or a postgresql:// (or postgres://) URL. Applies per-connection settings
 * (SQLite: WAL, synchronous=FULL unless TERSA_SQLITE_SYNC says otherwise,
 * foreign_keys=ON, busy_timeout). 0 or negative ERR_* with e filled. */
int db_open(const char *target, struct db **out, struct err *e);
void db_close(struct db *db);
enum db_kind db_kind(const struct db *db);
const char *db_kind_name(const struct db *db); /* "sqlite" | "postgresql" */

/* Runs SQL text that may hold several statements and no parameters
 * (migrations, PRAGMAs). 0 or negative. */
int db_exec(struct db *db, const char *sql, struct err *e);

/* Returns the connection's prepared statement for this SQL text, preparing it
 * on first use and caching it by the pointer `sql` (so pass a static const
 * char array). The statement is reset and its bindings cleared. NULL on error
 * (e filled). The statement belongs to db: never free it. */
struct db_stmt *db_prepare(struct db *db, const char *sql, struct err *e);

/* Binds parameter idx (1-based). Text is copied. NULL text binds SQL NULL. */
void db_bind_int64(struct db_stmt *st, int idx, int64_t v);
void db_bind_text(struct db_stmt *st, int idx, const char *s);
void db_bind_null(struct db_stmt *st, int idx);

/* Prepares sql and binds its parameters from `types`, one char each:
 * 'i' int64_t, 't' const char * (NULL -> SQL NULL), 'n' NULL (no argument),
 * 'I' int64_t bound as NULL when 0 (for optional ids), 'M' int64_t bound
 * as NULL when negative (for optional amounts such as a cost, -1 = none).
 * NULL on error (e filled). PostgreSQL types integer parameters (also 'I')
 * as bigint and infers the others: write CAST(? AS INTEGER) where a function
 * wants integer, CAST(? AS TEXT) IS NULL for optional text. */
struct db_stmt *db_query(struct db *db, struct err *e, const char *sql,
			 const char *types, ...);

/* Runs one writing statement (as db_query binds it). Outside a transaction
 * it gets its own write transaction, so that on SQLite it queues for the
 * writer like every other write instead of meeting a busy database.
 * 0 or negative. */
int db_write(struct db *db, struct err *e, const char *sql, const char *types, ...);
/* The same, with the number of rows the statement changed in *changes. */
int db_write_count(struct db *db, struct err *e, int64_t *changes, const char *sql,
		   const char *types, ...);

/* Advances: DB_ROW, DB_DONE, or a negative ERR_*: ERR_DUPLICATE for a unique
 * violation (e->msg names the constraint/columns), ERR_CONFLICT for a
 * foreign-key or check violation, ERR_UNAVAILABLE when busy, ERR_DB else. */
int db_step(struct db_stmt *st, struct err *e);
/* Steps to the end (for statements without rows); 0 or negative. st may be
 * NULL (a failed db_query), which returns e's error. */
int db_run(struct db_stmt *st, struct err *e);
/* Rows changed by the last completed INSERT/UPDATE/DELETE of st. */
int64_t db_changes(struct db_stmt *st);
/* Ends the current execution and clears bindings (also done by db_prepare). */
void db_reset(struct db_stmt *st);

int db_column_count(struct db_stmt *st); /* after db_step gave DB_ROW */
int db_col_null(struct db_stmt *st, int col);            /* 0-based */
/* Integer value; NULL reads 0. PostgreSQL text ("123", numeric "123" or
 * "123.000") is parsed with range checks; a bad value reads 0 and is logged. */
int64_t db_col_int64(struct db_stmt *st, int col);
/* Text; NULL reads NULL. Valid until the next step or reset of st. */
const char *db_col_text(struct db_stmt *st, int col);

/* Transactions. db_begin(db, 1) starts a write transaction (SQLite: BEGIN
 * IMMEDIATE). Savepoints nest inside (names: [a-z_0-9]+). All return 0 or
 * negative. db_begin, db_commit and db_rollback reset every statement still
 * holding rows (read what you need first): stepping one of them again fails
 * with ERR_DB. A failed db_commit (also on PostgreSQL after an error aborted
 * the transaction) leaves the transaction rolled back. */
int db_begin(struct db *db, int write, struct err *e);
int db_commit(struct db *db, struct err *e);
int db_rollback(struct db *db);
int db_savepoint(struct db *db, const char *name, struct err *e);
int db_release(struct db *db, const char *name, struct err *e);
int db_rollback_to(struct db *db, const char *name, struct err *e);
int db_in_tx(const struct db *db);
/* Opens a write transaction that holds every db_begin/db_commit/db_rollback
 * made inside it as a savepoint (begin: SAVEPOINT, commit: RELEASE,
 * rollback: ROLLBACK TO and RELEASE), so that functions that commit their
 * own work can be run many times in one all-or-nothing unit (an import).
 * db_unhold ends it: commit 1 commits everything, 0 rolls it all back. */
int db_hold(struct db *db, struct err *e);
int db_unhold(struct db *db, int commit, struct err *e);
/* Ends a unit of work (a request, a job): resets statements still holding
 * rows, which on SQLite keep a read snapshot open, and rolls back (and logs)
 * a transaction left open. */
void db_idle(struct db *db);

/* Migrations embedded in the binary (src/db/migrations/NNNN_name.sql).
 * Applies each pending one in its own transaction, recording it in
 * schema_migrations. *applied (may be NULL) gets the count. */
int db_migrate(struct db *db, int *applied, struct err *e);
/* Highest applied migration version, 0 if none, negative on error. */
int db_schema_version(struct db *db, struct err *e);

/* Substitution applied to migration text, the one place the two engines'
 * SQL differs: {{ID}} -> auto-increment primary key column type. Returns a
 * malloc'd string. */
char *db_substitute(enum db_kind kind, const char *sql);

/* A LIKE pattern for "contains q", lower-cased (ASCII) with %, _ and \\
 * escaped, for `lower(col) LIKE ? ESCAPE '\\'`. NULL when q is NULL or
 * empty. Allocated in a. */
struct arena;
char *db_like_pattern(struct arena *a, const char *q);

/* The one way to answer a failed db call (a NULL from db_query, a negative
 * step or run): `return db_fail(e);` gives e->code, or ERR_DB (set in e)
 * when the failure left none. */
int db_fail(struct err *e);

/* Steps a one-row existence query and resets it: 1 if a row came back, 0
 * if none, or a negative error (st NULL: the prepare failed, e filled). */
int db_exists(struct db_stmt *st, struct err *e);
/* Runs the existence query sql (one ? = id) for each of ids and notes a
 * field error under field, "<what> <id> does not exist", for the first one
 * it does not find. 0 (field error or not) or a negative db error. */
int db_ids_exist(struct db *db, const char *sql, const char *what, const char *field,
		 const int64_t *ids, int n, struct err *e);
/* The same for a one-row, one-text-column query: 1 with the text copied
 * into out (size n, truncated), 0 leaving out as it was, or negative. */
int db_text(struct db_stmt *st, char *out, size_t n, struct err *e);
/* Steps a read of one object by its id: 0 with its row current (read it,
 * then db_reset st); when no row came back, ERR_NOT_FOUND with the message
 * "no <what> <id>" (st reset); or another negative error (st NULL: the
 * prepare failed, e filled). */
int db_get_row(struct db_stmt *st, const char *what, int64_t id, struct err *e);
/* The same for a one-row, one-integer-column query (also an INSERT ...
 * RETURNING id): 1 with the value in *out, 0 with *out = 0 when no row
 * came back, or negative (*out = 0). */
int db_int(struct db_stmt *st, int64_t *out, struct err *e);

/* SQLite's PRAGMA integrity_check; *ok 1 when it answers "ok" (always 1 on
 * PostgreSQL, which checks its pages itself). 0 or negative. */
int db_integrity(struct db *db, int *ok, struct err *e);

#endif
