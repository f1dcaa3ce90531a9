/* banned.h: unsafe libc calls made compile errors (as git's banned.h). */
#ifndef TERSA_BANNED_H
#define TERSA_BANNED_H

/* The C library first: with optimisation or _FORTIFY_SOURCE its headers
 * define inline atoi, strcpy, sprintf... that the macros below would break. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BANNED(func) sorry_##func##_is_banned_use_buf_or_snprintf

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef gets
#define gets(x) BANNED(gets)

#endif
