/* buf.c: growable byte buffer with a size cap and a sticky error. */
#include "base/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"

#define BUF_MIN_CAP 64

void buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max ? max : SIZE_MAX;
	b->failed = 0;
}

/* Makes room for n more bytes plus the NUL: 0, or -1 (and failed) when len
 * would pass max or the size arithmetic would overflow. */
static int buf_reserve(struct buf *b, size_t n)
{
	size_t need, cap;

	if (b->failed)
		return -1;
	if (n > SIZE_MAX - 1 - b->len || b->len + n > b->max) {
		b->failed = 1;
		return -1;
	}
	need = b->len + n + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : BUF_MIN_CAP;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	/* No point holding more than max + 1 bytes. */
	if (b->max < SIZE_MAX && cap > b->max + 1)
		cap = b->max + 1;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
	return 0;
}

int buf_append(struct buf *b, const void *p, size_t n)
{
	if (buf_reserve(b, n) < 0)
		return -1;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s ? s : "", s ? strlen(s) : 0);
}

int buf_putc(struct buf *b, char c)
{
	return buf_append(b, &c, 1);
}

int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	size_t room;
	int r;

	if (b->failed)
		return -1;
	room = b->data ? b->cap - b->len : 0;
	va_copy(cp, ap);
	r = vsnprintf(room ? b->data + b->len : NULL, room, fmt, cp);
	va_end(cp);
	if (r < 0) {
		if (b->data)
			b->data[b->len] = '\0';
		b->failed = 1;
		return -1;
	}
	if ((size_t)r < room) {
		if (b->len + (size_t)r > b->max) {
			b->data[b->len] = '\0';
			b->failed = 1;
			return -1;
		}
		b->len += (size_t)r;
		return 0;
	}
	if (buf_reserve(b, (size_t)r) < 0) {
		if (b->data)
			b->data[b->len] = '\0';
		return -1;
	}
	va_copy(cp, ap);
	vsnprintf(b->data + b->len, (size_t)r + 1, fmt, cp);
	va_end(cp);
	b->len += (size_t)r;
	return 0;
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	b->failed = 0;
	if (b->data)
		b->data[0] = '\0';
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *s = b->data ? b->data : xstrdup("");

	if (len)
		*len = b->data ? b->len : 0;
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->failed = 0;
	return s;
}

void buf_release(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->failed = 0;
}
