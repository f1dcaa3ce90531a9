/* db_pg.c: the PostgreSQL engine over libpq: `?` placeholders renumbered to
 * $n, named prepared statements made on first execution, parameters and
 * results as text, SQLSTATE mapped to ERR_* codes. */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/log.h"
#include "db/db_internal.h"

#define CONN(db) ((PGconn *)(db)->pg)
#define RES(st) ((PGresult *)(st)->res)

#define INT8OID 20

/* ---- placeholder rewriting */

static int ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || (unsigned char)c >= 0x80;
}

int db_pg_rewrite(const char *sql, char **out)
{
	size_t len = strlen(sql), nq = 0;
	for (size_t i = 0; i < len; i++)
		nq += sql[i] == '?';
	/* each `?` grows to at most "$" and 10 digits */
	char *o = xmalloc(len + nq * 11 + 1);
	size_t j = 0, i = 0;
	long max = 0;
	while (i < len) {
		char c = sql[i];
		if (c == '\'') {
			int esc = i > 0 &&
				  (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
				  (i < 2 || !ident_char(sql[i - 2]));
			o[j++] = sql[i++];
			while (i < len && sql[i] != '\'') {
				if (esc && sql[i] == '\\' && i + 1 < len)
					o[j++] = sql[i++];
				o[j++] = sql[i++];
			}
			if (i < len)
				o[j++] = sql[i++];
		} else if (c == '"') {
			o[j++] = sql[i++];
			while (i < len && sql[i] != '"')
				o[j++] = sql[i++];
			if (i < len)
				o[j++] = sql[i++];
		} else if (c == '-' && sql[i + 1] == '-') {
			while (i < len && sql[i] != '\n')
				o[j++] = sql[i++];
		} else if (c == '/' && sql[i + 1] == '*') {
			int depth = 0;
			while (i < len) {
				if (sql[i] == '/' && sql[i + 1] == '*') {
					depth++;
					o[j++] = sql[i++];
				} else if (sql[i] == '*' && sql[i + 1] == '/') {
					depth--;
					o[j++] = sql[i++];
					if (depth == 0) {
						o[j++] = sql[i++];
						break;
					}
				}
				o[j++] = sql[i++];
			}
		} else if (c == '?') {
			long n = 0;
			size_t k = i + 1;
			while (k < len && sql[k] >= '0' && sql[k] <= '9' &&
			       n < 100000)
				n = n * 10 + (sql[k++] - '0');
			if (k == i + 1)
				n = max + 1; /* plain `?`: after the highest */
			if (n > max)
				max = n;
			j += (size_t)snprintf(o + j, 12, "$%ld", n);
			i = k;
		} else {
			o[j++] = sql[i++];
		}
	}
	o[j] = 0;
	*out = o;
	return (int)max;
}

/* ---- integer text */

int db_parse_int64(const char *s, int64_t *out)
{
	if (!s || !*s)
		return -1;
	if ((s[0] == 't' || s[0] == 'f') && s[1] == 0) {
		*out = s[0] == 't';
		return 0;
	}
	int neg = 0;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (*s < '0' || *s > '9')
		return -1;
	/* accumulate negatively so INT64_MIN fits */
	int64_t v = 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		int d = *s - '0';
		if (v < (INT64_MIN + d) / 10)
			return -1;
		v = v * 10 - d;
	}
	if (*s == '.')
		for (s++; *s == '0'; s++)
			;
	if (*s)
		return -1;
	if (!neg) {
		if (v == INT64_MIN)
			return -1;
		v = -v;
	}
	*out = v;
	return 0;
}

/* ---- errors */

static int pg_bad(const struct db *db)
{
	return PQstatus(CONN(db)) == CONNECTION_BAD;
}

static void chomp(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = 0;
}

/* "UNIQUE constraint failed: t.a, t.b" from the detail "Key (a, b)=(...)",
 * the same text SQLite gives; else the constraint name. */
static int dup_error(const PGresult *res, struct err *e)
{
	const char *table = PQresultErrorField(res, PG_DIAG_TABLE_NAME);
	const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	const char *cons = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
	char cols[200] = "";
	const char *a = detail && strncmp(detail, "Key (", 5) == 0 ? detail + 5
								    : NULL;
	const char *b = a ? strstr(a, ")=(") : NULL;
	if (table && a && b && memchr(a, '(', (size_t)(b - a)) == NULL) {
		size_t n = 0;
		const char *p = a;
		while (p < b && n < sizeof cols - 1) {
			const char *q = p;
			while (q < b && *q != ',')
				q++;
			int w = snprintf(cols + n, sizeof cols - n, "%s%s.%.*s",
					 n ? ", " : "", table, (int)(q - p), p);
			if (w < 0 || (size_t)w >= sizeof cols - n)
				break;
			n += (size_t)w;
			p = q;
			while (p < b && (*p == ',' || *p == ' '))
				p++;
		}
		return err_set(e, ERR_DUPLICATE, "UNIQUE constraint failed: %s",
			       cols);
	}
	return err_set(e, ERR_DUPLICATE, "UNIQUE constraint failed: %s",
		       cons ? cons : "?");
}

/* Maps a failed result (or a broken connection) to ERR_* and fills e. */
static int pg_error(struct db *db, const PGresult *res, const char *what,
		    struct err *e)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE)
				: NULL;
	if (!state) {
		char m[256];
		snprintf(m, sizeof m, "%s", PQerrorMessage(CONN(db)));
		chomp(m);
		log_error("postgresql: %s", m);
		return err_set(e, pg_bad(db) ? ERR_UNAVAILABLE : ERR_DB,
			       pg_bad(db) ? "database unavailable"
					  : "database error");
	}
	const char *cons = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
	const char *table = PQresultErrorField(res, PG_DIAG_TABLE_NAME);
	const char *column = PQresultErrorField(res, PG_DIAG_COLUMN_NAME);
	char m[512];
	snprintf(m, sizeof m, "%s", PQresultErrorMessage(res));
	chomp(m);
	if (strcmp(state, "23505") == 0) {
		log_debug("postgresql: %s", m);
		return dup_error(res, e);
	}
	if (strcmp(state, "23503") == 0) {
		log_debug("postgresql: %s", m);
		return err_set(e, ERR_CONFLICT,
			       "FOREIGN KEY constraint failed: %s",
			       cons ? cons : "?");
	}
	if (strcmp(state, "23514") == 0) {
		log_debug("postgresql: %s", m);
		return err_set(e, ERR_CONFLICT, "CHECK constraint failed: %s",
			       cons ? cons : "?");
	}
	if (strcmp(state, "23502") == 0) {
		log_debug("postgresql: %s", m);
		return err_set(e, ERR_CONFLICT,
			       "NOT NULL constraint failed: %s.%s",
			       table ? table : "?", column ? column : "?");
	}
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
	    strcmp(state, "55P03") == 0 || strncmp(state, "08", 2) == 0 ||
	    strncmp(state, "53", 2) == 0 || strncmp(state, "57P0", 4) == 0 ||
	    pg_bad(db)) {
		log_warn("postgresql: %s [%s] in: %.200s", m, state, what);
		return err_set(e, ERR_UNAVAILABLE, "database unavailable");
	}
	log_error("postgresql: %s [%s] in: %.200s", m, state, what);
	return err_set(e, ERR_DB, "database error");
}

/* ---- connection */

static void pg_quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* Per-session settings. JIT compilation is off: it costs a second or more
 * on each of the wide report and check queries and saves nothing on tables
 * of this size (check-db on the small demo: 3.1 s with it, 0.5 s without). */
static int pg_session(PGconn *c)
{
	if (PQsetClientEncoding(c, "UTF8") != 0)
		return -1;
	PGresult *r = PQexec(c, "SET jit = off");
	/* Servers before 11 have no such setting: nothing to turn off. */
	PQclear(r);
	return 0;
}

int dbpg_open(struct db *db, const char *url, struct err *e)
{
	PGconn *c = PQconnectdb(url);
	if (!c || PQstatus(c) != CONNECTION_OK) {
		char m[200];
		snprintf(m, sizeof m, "%s",
			 c ? PQerrorMessage(c) : "out of memory");
		chomp(m);
		log_error("postgresql: cannot connect: %s", m);
		PQfinish(c);
		return err_set(e, ERR_UNAVAILABLE,
			       "cannot connect to PostgreSQL: %s", m);
	}
	PQsetNoticeProcessor(c, pg_quiet, NULL);
	if (pg_session(c) != 0) {
		log_error("postgresql: cannot set client encoding UTF8");
		PQfinish(c);
		return err_set(e, ERR_DB, "cannot use UTF8 with PostgreSQL");
	}
	db->pg = c;
	db->pg_gen = 1;
	return 0;
}

void dbpg_close(struct db *db)
{
	PQfinish(CONN(db));
	db->pg = NULL;
}

void dbpg_check(struct db *db)
{
	if (!pg_bad(db))
		return;
	PQreset(CONN(db));
	if (pg_bad(db)) {
		log_error("postgresql: reconnect failed");
		return;
	}
	pg_session(CONN(db));
	db->pg_gen++; /* prepared statements died with the old session */
	log_warn("postgresql: reconnected");
}

int dbpg_bad(const struct db *db)
{
	return pg_bad(db);
}

int dbpg_in_tx(const struct db *db)
{
	PGTransactionStatusType t = PQtransactionStatus(CONN(db));
	return t == PQTRANS_INTRANS || t == PQTRANS_INERROR ||
	       t == PQTRANS_ACTIVE;
}

int dbpg_tx_failed(const struct db *db)
{
	return PQtransactionStatus(CONN(db)) == PQTRANS_INERROR;
}

int dbpg_exec(struct db *db, const char *sql, struct err *e)
{
	PGresult *r = PQexec(CONN(db), sql);
	ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	int rc = 0;
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK &&
	    s != PGRES_EMPTY_QUERY) {
		rc = pg_error(db, r, sql, e);
	} else if (strcmp(sql, "COMMIT") == 0 &&
		   strcmp(PQcmdStatus(r), "ROLLBACK") == 0) {
		log_error("postgresql: COMMIT of an aborted transaction");
		rc = err_set(e, ERR_DB, "database error");
	}
	PQclear(r);
	return rc;
}

/* ---- statements */

int dbpg_prepare(struct db_stmt *st, struct err *e)
{
	(void)e;
	int n = db_pg_rewrite(st->sql, &st->pg_sql);
	st->nparams = n;
	size_t cnt = n > 0 ? (size_t)n : 1;
	st->pvals = xcalloc(cnt, sizeof *st->pvals);
	st->pkind = xcalloc(cnt, sizeof *st->pkind);
	st->pnum = xcalloc(cnt, sizeof *st->pnum);
	snprintf(st->pg_name, sizeof st->pg_name, "s%u", st->db->pg_next++);
	return 0;
}

static void clear_params(struct db_stmt *st)
{
	for (int i = 0; i < st->nparams; i++) {
		if (st->pkind[i] == DBP_TEXT)
			free(st->pvals[i]);
		st->pvals[i] = NULL;
		st->pkind[i] = DBP_UNSET;
	}
}

void dbpg_finalize(struct db_stmt *st)
{
	/* server-side statements die with the connection */
	clear_params(st);
	PQclear(RES(st));
	st->res = NULL;
	free(st->pg_sql);
	free(st->pvals);
	free(st->pkind);
	free(st->pnum);
}

void dbpg_reset(struct db_stmt *st)
{
	PQclear(RES(st));
	st->res = NULL;
	st->row = st->nrows = 0;
	clear_params(st);
}

int dbpg_bind(struct db_stmt *st, int idx, enum db_pkind k, int64_t v,
	      const char *s)
{
	if (idx < 1 || idx > st->nparams)
		return -1;
	int i = idx - 1;
	if (st->pkind[i] == DBP_TEXT)
		free(st->pvals[i]);
	st->pvals[i] = NULL;
	st->pkind[i] = (unsigned char)k;
	if (k == DBP_INT) {
		snprintf(st->pnum[i], sizeof st->pnum[i], "%" PRId64, v);
		st->pvals[i] = st->pnum[i];
	} else if (k == DBP_TEXT) {
		st->pvals[i] = xstrdup(s);
	}
	return 0;
}

/* Prepares on the server on first use in this session. Integers (and nulls
 * bound for optional ids) are declared int8 so that `? - 1` or `? IS NULL`
 * resolve; other parameters are left for the server to infer. */
static int server_prepare(struct db_stmt *st, struct err *e)
{
	struct db *db = st->db;
	Oid *types = xcalloc(st->nparams > 0 ? (size_t)st->nparams : 1,
			     sizeof *types);
	for (int i = 0; i < st->nparams; i++)
		types[i] = (st->pkind[i] == DBP_INT ||
			    st->pkind[i] == DBP_NULL_INT)
				   ? INT8OID
				   : 0;
	PGresult *r = PQprepare(CONN(db), st->pg_name, st->pg_sql, st->nparams,
				types);
	free(types);
	int rc = 0;
	if (!r || PQresultStatus(r) != PGRES_COMMAND_OK)
		rc = pg_error(db, r, st->sql, e);
	PQclear(r);
	if (rc == 0) {
		st->pg_prepared = 1;
		st->pg_gen = db->pg_gen;
	}
	return rc;
}

static int64_t affected(const PGresult *r)
{
	const char *s = PQcmdStatus((PGresult *)r);
	if (strncmp(s, "INSERT", 6) && strncmp(s, "UPDATE", 6) &&
	    strncmp(s, "DELETE", 6) && strncmp(s, "MERGE", 5))
		return 0;
	int64_t n = 0;
	if (db_parse_int64(PQcmdTuples((PGresult *)r), &n) < 0)
		return 0;
	return n;
}

int dbpg_step(struct db_stmt *st, struct err *e)
{
	if (st->res) {
		st->row++;
		return st->row < st->nrows ? DB_ROW : DB_DONE;
	}
	struct db *db = st->db;
	if (!st->pg_prepared || st->pg_gen != db->pg_gen) {
		int rc = server_prepare(st, e);
		if (rc < 0)
			return rc;
	}
	PGresult *r = PQexecPrepared(CONN(db), st->pg_name, st->nparams,
				     (const char *const *)st->pvals, NULL, NULL,
				     0);
	ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
		int rc = pg_error(db, r, st->sql, e);
		PQclear(r);
		return rc;
	}
	st->res = r;
	st->row = 0;
	st->nrows = s == PGRES_TUPLES_OK ? PQntuples(r) : 0;
	st->changes = affected(r);
	return st->nrows > 0 ? DB_ROW : DB_DONE;
}

int dbpg_column_count(struct db_stmt *st)
{
	return st->res ? PQnfields(RES(st)) : 0;
}

static int col_ok(struct db_stmt *st, int col)
{
	return st->res && st->row < st->nrows && col >= 0 &&
	       col < PQnfields(RES(st));
}

int dbpg_col_null(struct db_stmt *st, int col)
{
	return !col_ok(st, col) || PQgetisnull(RES(st), st->row, col);
}

int64_t dbpg_col_int64(struct db_stmt *st, int col)
{
	if (dbpg_col_null(st, col))
		return 0;
	const char *s = PQgetvalue(RES(st), st->row, col);
	int64_t v;
	if (db_parse_int64(s, &v) < 0) {
		log_error("postgresql: column %d is not an integer: %.40s in: "
			  "%.200s",
			  col, s, st->sql);
		return 0;
	}
	return v;
}

const char *dbpg_col_text(struct db_stmt *st, int col)
{
	if (dbpg_col_null(st, col))
		return NULL;
	return PQgetvalue(RES(st), st->row, col);
}
