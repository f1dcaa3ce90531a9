/* util.c: helpers around the db interface shared by domain code. */
#include <ctype.h>

#include "../base/arena.h"
#include "../base/buf.h"
#include "db.h"

char *db_like_pattern(struct arena *a, const char *q)
{
	if (!q || !*q)
		return NULL;
	struct buf b;
	buf_init(&b, 0);
	buf_putc(&b, '%');
	for (const char *p = q; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			buf_putc(&b, '\\');
		buf_putc(&b, (char)tolower((unsigned char)*p));
	}
	buf_putc(&b, '%');
	char *s = arena_strdup(a, b.data);
	buf_release(&b);
	return s;
}

int db_fail(struct err *e)
{
	return e->code < 0 ? e->code : err_set(e, ERR_DB, "database error");
}
