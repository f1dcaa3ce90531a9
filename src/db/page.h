/* page.h: one keyset page read from a query: the rows up to a limit, kept in
 * an arena array that grows with the rows read (never sized by the limit),
 * and whether more rows follow. Every list function reads its page this way,
 * and a document's lines are read the same way without a limit. */
#ifndef TERSA_PAGE_H
#define TERSA_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct arena;
struct db_stmt;

struct page {
	struct arena *a;
	size_t size;    /* bytes per row (a pointer or a struct) */
	int limit;      /* rows wanted, >= 1 */
	int n;          /* rows kept */
	int more;       /* a row beyond limit exists */
	int cap;        /* rows the array holds now */
	void *rows;     /* n rows of `size` bytes, in a; NULL while n == 0 */
};

/* Starts a page of at most limit rows (below 1: 50) of size bytes each.
 * Nothing is allocated yet. */
void page_init(struct page *p, struct arena *a, int limit, size_t size);
/* Starts a read of every row the query gives (a document's lines, which
 * come whole, with no LIMIT): page_step never stops early and more stays 0.
 * The same page_step, page_add and page_end follow. */
void page_init_all(struct page *p, struct arena *a, size_t size);
/* The value to bind to the query's LIMIT: limit + 1, so that one more row
 * tells whether a next page exists. */
int64_t page_fetch(const struct page *p);
/* Steps st: DB_ROW when a row to keep is current (read it, then page_add);
 * DB_DONE at the end or when limit rows are kept (more then says whether
 * another row followed); or a negative ERR_* (e filled). */
int page_step(struct page *p, struct db_stmt *st, struct err *e);
/* A zeroed slot for the next row, growing the array (by doubling, up to
 * limit) in the arena. Valid until the next page_add. */
void *page_add(struct page *p);
/* Ends the read: resets st and returns rc when it is an error, else 0.
 * Then p->rows, p->n and p->more are the answer. */
int page_end(struct page *p, struct db_stmt *st, int rc);

#endif
