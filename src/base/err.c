/* err.c: the error table lookups and struct err, which collects a message
 * and the offending fields of one failed operation. */
#include "base/err.h"

#include <stdio.h>
#include <string.h>

static const char *const slugs[] = {
#define X(n, s, h, t) s,
	ERR_MAP(X)
#undef X
};
static const int statuses[] = {
#define X(n, s, h, t) h,
	ERR_MAP(X)
#undef X
};
static const char *const titles[] = {
#define X(n, s, h, t) t,
	ERR_MAP(X)
#undef X
};

/* Index into the table for code; unknown codes read as ERR_INTERNAL. */
static int err_index(int code)
{
	if (code > 0 || code <= -ERRI__COUNT)
		return ERRI_INTERNAL;
	return -code;
}

const char *err_slug(int code) { return slugs[err_index(code)]; }
int err_status(int code) { return statuses[err_index(code)]; }
const char *err_title(int code) { return titles[err_index(code)]; }

/* After a truncating snprintf, drops a UTF-8 sequence cut in the middle so
 * the text stays valid UTF-8 (it may end up in a JSON reply). */
static void utf8_fix_tail(char *s)
{
	size_t len = strlen(s), i = len, need;
	unsigned char lead;

	while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
		i--;
	if (i == 0)
		return;
	lead = (unsigned char)s[i - 1];
	if (lead < 0x80)
		return;
	if ((lead & 0xE0) == 0xC0)
		need = 2;
	else if ((lead & 0xF0) == 0xE0)
		need = 3;
	else if ((lead & 0xF8) == 0xF0)
		need = 4;
	else
		need = 1;
	if (len - (i - 1) < need)
		s[i - 1] = '\0';
}

static void copy_text(char *dst, size_t n, const char *fmt, va_list ap)
{
	int r = vsnprintf(dst, n, fmt ? fmt : "", ap);

	if (r < 0)
		dst[0] = '\0';
	else if ((size_t)r >= n)
		utf8_fix_tail(dst);
}

void err_init(struct err *e)
{
	/* The field slots (7 KiB) are only read up to nfields: not cleared. */
	if (!e)
		return;
	e->code = 0;
	e->type_error = 0;
	e->msg[0] = 0;
	e->nfields = 0;
}

int err_set(struct err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return code;
	e->code = code;
	va_start(ap, fmt);
	copy_text(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return code;
}

static void field_add(struct err *e, const char *field, const char *fmt,
		      va_list ap)
{
	struct err_field *f;
	int r;

	if (!e || e->nfields < 0 || e->nfields >= ERR_MAX_FIELDS)
		return;
	/* One message per field: the first problem found is the one to fix. */
	for (int i = 0; field && i < e->nfields; i++)
		if (strcmp(e->fields[i].field, field) == 0)
			return;
	f = &e->fields[e->nfields++];
	r = snprintf(f->field, sizeof(f->field), "%s", field ? field : "");
	if (r < 0)
		f->field[0] = '\0';
	else if ((size_t)r >= sizeof(f->field))
		utf8_fix_tail(f->field);
	copy_text(f->message, sizeof(f->message), fmt, ap);
}

void err_field(struct err *e, const char *field, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	field_add(e, field, fmt, ap);
	va_end(ap);
}

void err_type(struct err *e, const char *field, const char *expected)
{
	if (!e)
		return;
	e->type_error = 1;
	err_field(e, field, "must be %s", expected ? expected : "of another type");
}

int err_fields_done(struct err *e)
{
	if (!e)
		return 0;
	if (e->nfields <= 0)
		return e->code;
	e->code = e->type_error ? ERR_BAD_REQUEST : ERR_INVALID;
	if (!e->msg[0]) {
		if (e->nfields == 1)
			snprintf(e->msg, sizeof(e->msg), "1 field is invalid");
		else
			snprintf(e->msg, sizeof(e->msg), "%d fields are invalid",
				 e->nfields);
	}
	return e->code;
}

void err_merge(struct err *dst, const struct err *src, const char *prefix)
{
	if (!dst || !src)
		return;
	for (int i = 0; i < src->nfields; i++) {
		char name[sizeof src->fields[i].field + 32];
		snprintf(name, sizeof name, "%s%s", prefix, src->fields[i].field);
		err_field(dst, name, "%s", src->fields[i].message);
	}
	if (src->type_error)
		dst->type_error = 1;
}
