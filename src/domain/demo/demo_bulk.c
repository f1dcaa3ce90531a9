/* demo_bulk.c: the demo generator's seeded random numbers and its bulk
 * inserter (multi-row INSERTs through one cached statement). */
#include "domain/demo/demo_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"

uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

int64_t rng_below(struct rng *r, int64_t n)
{
	return n <= 1 ? 0 : (int64_t)(rng_next(r) % (uint64_t)n);
}

double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

enum { V_INT, V_TEXT, V_NULL };

struct bval {
	int type;
	int64_t i;   /* V_INT value, V_TEXT offset into text */
};

struct bulk {
	struct db *db;
	const char *tc;
	int ncols, per, n, nv, cap, autoflush;
	char *sql_many, *sql_one;
	struct bval *v;
	char *text;
	size_t tlen, tcap;
};

/* The SQL texts made so far, kept for the process: the connection caches
 * its prepared statements by the text's address. */
static char *texts[256];

/* "INSERT INTO t (cols) VALUES (?, ...), (...)" with rows rows. */
static char *insert_sql(const char *tc, int ncols, int rows)
{
	struct buf b;
	buf_init(&b, 0);
	buf_printf(&b, "INSERT INTO %s VALUES ", tc);
	for (int r = 0; r < rows; r++) {
		buf_printf(&b, r ? ", (" : "(");
		for (int c = 0; c < ncols; c++)
			buf_printf(&b, c ? ", ?" : "?");
		buf_printf(&b, ")");
	}
	char *sql = buf_detach(&b, NULL);
	for (int i = 0; i < 256; i++) {
		if (texts[i] && strcmp(texts[i], sql) == 0) {
			free(sql);
			return texts[i];
		}
		if (!texts[i]) {
			texts[i] = sql;
			return sql;
		}
	}
	return sql; /* cannot happen: the generator has fewer tables */
}

struct bulk *bulk_new(struct db *db, const char *table_and_columns, int ncols)
{
	struct bulk *b = xcalloc(1, sizeof *b);
	b->db = db;
	b->ncols = ncols;
	b->per = 2000 / ncols;
	if (b->per > 100)
		b->per = 100;
	if (b->per < 1)
		b->per = 1;
	b->tc = table_and_columns;
	b->autoflush = 1;
	b->sql_many = insert_sql(table_and_columns, ncols, b->per);
	b->sql_one = insert_sql(table_and_columns, ncols, 1);
	b->cap = b->per * ncols;
	b->v = xcalloc((size_t)b->cap, sizeof *b->v);
	b->tcap = 4096;
	b->text = xmalloc(b->tcap);
	return b;
}

void bulk_hold(struct bulk *b)
{
	b->autoflush = 0;
}

static void push(struct bulk *b, int type, int64_t i)
{
	if (b->nv == b->cap) {
		b->cap *= 2;
		b->v = xrealloc(b->v, (size_t)b->cap * sizeof *b->v);
	}
	b->v[b->nv++] = (struct bval){type, i};
}

void bulk_int(struct bulk *b, int64_t v)
{
	push(b, V_INT, v);
}

void bulk_null(struct bulk *b)
{
	push(b, V_NULL, 0);
}

void bulk_opt_int(struct bulk *b, int64_t v)
{
	push(b, v ? V_INT : V_NULL, v);
}

void bulk_text(struct bulk *b, const char *s)
{
	if (!s) {
		push(b, V_NULL, 0);
		return;
	}
	size_t n = strlen(s) + 1;
	if (b->tlen + n > b->tcap) {
		while (b->tlen + n > b->tcap)
			b->tcap *= 2;
		b->text = xrealloc(b->text, b->tcap);
	}
	memcpy(b->text + b->tlen, s, n);
	push(b, V_TEXT, (int64_t)b->tlen);
	b->tlen += n;
}

/* Binds rows [from, from + rows) to st and runs it. */
static int write_rows(struct bulk *b, const char *sql, int from, int rows, struct err *e)
{
	struct db_stmt *st = db_prepare(b->db, sql, e);
	if (!st)
		return db_fail(e);
	int k = 1;
	for (int i = from * b->ncols; i < (from + rows) * b->ncols; i++, k++) {
		const struct bval *v = &b->v[i];
		if (v->type == V_INT)
			db_bind_int64(st, k, v->i);
		else if (v->type == V_TEXT)
			db_bind_text(st, k, b->text + v->i);
		else
			db_bind_null(st, k);
	}
	return db_run(st, e) < 0 ? db_fail(e) : 0;
}

int bulk_row(struct bulk *b, struct err *e)
{
	b->n++;
	if (b->nv != b->n * b->ncols)
		return err_set(e, ERR_INTERNAL, "demo: a row of %s has %d values, not %d",
			       b->sql_one, b->nv - (b->n - 1) * b->ncols, b->ncols);
	return b->autoflush && b->n == b->per ? bulk_flush(b, e) : 0;
}

int bulk_flush(struct bulk *b, struct err *e)
{
	int rc = 0, r = 0;
	while (rc == 0 && b->n - r >= b->per) {
		rc = write_rows(b, b->sql_many, r, b->per, e);
		r += b->per;
	}
	/* The rest in statements of 64, 32, ... rows: a few texts to cache. */
	for (int k = 64; k >= 1 && rc == 0; k /= 2) {
		if (k >= b->per || b->n - r < k)
			continue;
		rc = write_rows(b, k == 1 ? b->sql_one : insert_sql(b->tc, b->ncols, k), r, k, e);
		r += k;
	}
	b->n = b->nv = 0;
	b->tlen = 0;
	return rc;
}

void bulk_free(struct bulk *b)
{
	if (!b)
		return;
	free(b->v);
	free(b->text);
	free(b);
}
