/* text.h: small UTF-8 text checks shared by validation code. */
#ifndef TERSA_TEXT_H
#define TERSA_TEXT_H

#include <stddef.h>

#include "base/err.h"

/* Code points in valid UTF-8 text of len bytes (continuation bytes skipped). */
size_t utf8_chars_n(const char *s, size_t len);
/* The same for a NUL-terminated string. */
size_t utf8_chars(const char *s);
/* 1 if the len bytes at s are valid UTF-8 (no overlong forms, surrogates or
 * code points past U+10FFFF), else 0. */
int utf8_valid(const char *s, size_t len);
/* 1 if s holds only spaces, tabs and ideographic spaces (U+3000), or
 * nothing; else 0. */
int text_blank(const char *s, size_t len);

/* Notes a field error on `field` unless s is NULL and not required, or holds
 * 1 to max characters that are not all blank. */
void text_check(struct err *e, const char *field, const char *s, int required, size_t max);
/* "" means absent for optional text: NULL for NULL or "", else s. */
const char *text_or_null(const char *s);
/* Appends printf-style text to the NUL-terminated buf of size n, cut to fit. */
__attribute__((format(printf, 3, 4)))
void text_catf(char *buf, size_t n, const char *fmt, ...);

#endif
