/* page.c: reading one keyset page into an arena array that grows with the
 * rows read. */
#include "db/page.h"

#include <limits.h>
#include <string.h>

#include "base/arena.h"
#include "db/db.h"

#define PAGE_FIRST_CAP 16

void page_init(struct page *p, struct arena *a, int limit, size_t size)
{
	memset(p, 0, sizeof *p);
	p->a = a;
	p->size = size;
	p->limit = limit > 0 ? limit : 50;
}

void page_init_all(struct page *p, struct arena *a, size_t size)
{
	page_init(p, a, INT_MAX, size);
}

int64_t page_fetch(const struct page *p)
{
	return (int64_t)p->limit + 1;
}

int page_step(struct page *p, struct db_stmt *st, struct err *e)
{
	int rc = db_step(st, e);
	if (rc != DB_ROW || p->n < p->limit)
		return rc;
	p->more = 1;
	return DB_DONE;
}

void *page_add(struct page *p)
{
	if (p->n == p->cap) {
		int cap = p->cap ? p->cap * 2 : PAGE_FIRST_CAP;
		if (cap > p->limit || cap < p->cap)
			cap = p->limit;
		void *rows = arena_calloc(p->a, (size_t)cap, p->size);
		if (p->n)
			memcpy(rows, p->rows, (size_t)p->n * p->size);
		p->rows = rows;
		p->cap = cap;
	}
	return (char *)p->rows + (size_t)p->n++ * p->size;
}

int page_end(struct page *p, struct db_stmt *st, int rc)
{
	if (st)
		db_reset(st);
	if (rc < 0) {
		p->n = 0;
		p->more = 0;
		return rc;
	}
	return 0;
}
