/* text.c: UTF-8 length and blankness, as validation counts them. */
#include "base/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

size_t utf8_chars_n(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

size_t utf8_chars(const char *s)
{
	return utf8_chars_n(s, strlen(s));
}

int text_blank(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		if (s[i] == ' ' || s[i] == '\t')
			i++;
		else if (len - i >= 3 && memcmp(s + i, "\xE3\x80\x80", 3) == 0)
			i += 3;
		else
			return 0;
	}
	return 1;
}

void text_check(struct err *e, const char *field, const char *s, int required, size_t max)
{
	if (!s) {
		if (required)
			err_field(e, field, "is required");
		return;
	}
	if (text_blank(s, strlen(s)))
		err_field(e, field, "must not be empty");
	else if (utf8_chars(s) > max)
		err_field(e, field, "must be at most %zu characters", max);
}

const char *text_or_null(const char *s)
{
	return s && *s ? s : NULL;
}

int utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	while (p < end) {
		unsigned c = *p;
		size_t n;
		unsigned min, cp;
		if (c < 0x80) {
			p++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1, min = 0x80, cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2, min = 0x800, cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3, min = 0x10000, cp = c & 0x07;
		} else {
			return 0;
		}
		if ((size_t)(end - p) <= n)
			return 0;
		for (size_t i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		p += n + 1;
	}
	return 1;
}

void text_catf(char *buf, size_t n, const char *fmt, ...)
{
	size_t len = strnlen(buf, n);
	va_list ap;

	if (len + 1 >= n)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, n - len, fmt, ap);
	va_end(ap);
}
