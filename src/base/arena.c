/* arena.c: chunked bump allocator freed all at once, and the fatal
 * allocation helpers (xmalloc & co) used across the code base. */
#include "base/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_ALIGN 16
#define ARENA_CHUNK 8192               /* usable bytes of a normal chunk */
#define ARENA_BIG (ARENA_CHUNK / 4)    /* larger requests get their own */

struct chunk {
	struct chunk *next;
	size_t cap;
	size_t used;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct arena {
	struct chunk *head;   /* the chunk being bumped; big ones sit behind */
	size_t handed;        /* bytes handed out, after alignment */
};

static _Noreturn void oom(size_t n)
{
	fprintf(stderr, "tersa: out of memory (allocating %zu bytes)\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom(n);
	return p;
}

void *xcalloc(size_t n, size_t sz)
{
	void *p;

	if (sz && n > SIZE_MAX / sz)
		oom(SIZE_MAX);
	p = calloc(n ? n : 1, sz ? sz : 1);
	if (!p)
		oom(n * sz);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		oom(n);
	return q;
}

char *xstrdup(const char *s)
{
	size_t n;
	char *d;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	d = xmalloc(n);
	memcpy(d, s, n);
	return d;
}

static struct chunk *chunk_new(size_t cap)
{
	struct chunk *c;

	if (cap > SIZE_MAX - sizeof(struct chunk))
		oom(SIZE_MAX);
	c = xmalloc(sizeof(struct chunk) + cap);
	c->next = NULL;
	c->cap = cap;
	c->used = 0;
	return c;
}

struct arena *arena_new(void)
{
	return xcalloc(1, sizeof(struct arena));
}

void *arena_alloc(struct arena *a, size_t n)
{
	struct chunk *c;
	void *p;

	if (n > SIZE_MAX - (ARENA_ALIGN - 1))
		oom(n);
	n = n ? (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1) : ARENA_ALIGN;
	if (n > ARENA_BIG) {
		c = chunk_new(n);
		c->used = n;
		if (a->head) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			a->head = c;
		}
		a->handed += n;
		memset(c->data, 0, n);
		return c->data;
	}
	c = a->head;
	if (!c || c->cap - c->used < n) {
		c = chunk_new(ARENA_CHUNK);
		c->next = a->head;
		a->head = c;
	}
	p = c->data + c->used;
	c->used += n;
	a->handed += n;
	memset(p, 0, n);
	return p;
}

void *arena_calloc(struct arena *a, size_t n, size_t sz)
{
	if (sz && n > SIZE_MAX / sz)
		oom(SIZE_MAX);
	return arena_alloc(a, n * sz);
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *d;

	if (!s)
		return NULL;
	n = strnlen(s, n);
	if (n == SIZE_MAX)
		oom(n);
	d = arena_alloc(a, n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *d;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (r < 0) {
		fprintf(stderr, "tersa: arena_printf: bad format \"%s\"\n", fmt);
		abort();
	}
	d = arena_alloc(a, (size_t)r + 1);
	va_start(ap, fmt);
	vsnprintf(d, (size_t)r + 1, fmt, ap);
	va_end(ap);
	return d;
}

size_t arena_used(const struct arena *a)
{
	return a->handed;
}

void arena_free(struct arena *a)
{
	struct chunk *c, *next;

	if (!a)
		return;
	for (c = a->head; c; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}
