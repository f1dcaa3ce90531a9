/* arena.h: bump allocator owned by one request (or one job); everything
 * allocated from it is freed at once by arena_free(). Allocation failure
 * aborts. */
#ifndef TERSA_ARENA_H
#define TERSA_ARENA_H

#include <stddef.h>

struct arena;

struct arena *arena_new(void);
/* Memory is 16-byte aligned and zeroed. n may be 0. Aborts on overflow. */
void *arena_alloc(struct arena *a, size_t n);
/* n elements of size sz, overflow-checked. */
void *arena_calloc(struct arena *a, size_t n, size_t sz);
char *arena_strdup(struct arena *a, const char *s);   /* NULL -> NULL */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Bytes handed out so far (for tests and metrics). */
size_t arena_used(const struct arena *a);
void arena_free(struct arena *a);

/* Fatal allocation helpers shared by the code base: abort on failure. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t sz);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

#endif
