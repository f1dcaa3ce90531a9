/* buf.h: growable byte buffer with a size cap and a sticky error
 * (like curl's dynbuf). Always NUL-terminated when data != NULL. */
#ifndef TERSA_BUF_H
#define TERSA_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;  /* most bytes len may reach; SIZE_MAX for no cap */
	int failed;  /* sticky: set once an append would pass max */
};

#define BUF_INIT {NULL, 0, 0, (size_t)-1, 0}

/* max 0 means no cap. */
void buf_init(struct buf *b, size_t max);
/* Appends n bytes; returns 0, or -1 (and sets failed) past the cap. After a
 * failure every later append fails too. Allocation failure aborts. */
int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Empties the buffer but keeps its memory and clears failed. */
void buf_reset(struct buf *b);
/* Returns the malloc'd string (caller frees) and leaves b empty. Never NULL. */
char *buf_detach(struct buf *b, size_t *len);
void buf_release(struct buf *b);

#endif
