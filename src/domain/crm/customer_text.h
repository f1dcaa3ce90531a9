/* customer_text.h: the pure text rules of a customer profile: phone
 * normalization and masking, pinyin name initials, member codes with a check
 * digit, and NTILE buckets for the RFM scores. No database. */
#ifndef TERSA_CUSTOMER_TEXT_H
#define TERSA_CUSTOMER_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* A normalized phone fits in this many bytes (with the NUL). */
#define PHONE_NORM_MAX 17

/* Normalizes a phone as typed: spaces, dashes, dots and parentheses are
 * dropped; a mainland mobile (11 digits 1[3-9]..., optionally after +86 or
 * 0086) becomes its 11 digits; anything else starting with '+' must be
 * E.164 (+ then 8 to 15 digits) and is kept as "+digits". 0 with out
 * (PHONE_NORM_MAX bytes) filled, or -1 when s is not a valid phone. */
int phone_normalize(const char *s, char *out, size_t n);

/* The masked form shown to the sales role: the first 3 and last 4 digits
 * kept, the ones between starred ("13812345678" -> "138****5678",
 * "+447911123456" -> "+44*****3456"). Phones of 7 characters or fewer are
 * returned as they are. out needs strlen(phone) + 1 bytes. */
void phone_mask(const char *phone, char *out, size_t n);

/* The lookup initials of a name: for each Chinese character of GB2312
 * level 1 (the 3755 common characters, ordered by pinyin) its pinyin
 * initial; for each run of Latin letters the first letter; all lower case
 * ASCII. Other characters (digits, punctuation, rarer characters) give
 * nothing. Writes at most n - 1 bytes and a NUL. */
void name_initials(const char *name, char *out, size_t n);

/* The check digit (Luhn) of the digits in s: appended to a code it makes
 * member_code_valid true. */
int member_code_check_digit(const char *digits);
/* 1 if s is all digits and its last digit is its Luhn check digit. */
int member_code_luhn_ok(const char *s);

/* NTILE(buckets) of the 0-based row index i among n rows ordered: the first
 * n % buckets buckets hold n / buckets + 1 rows, the rest n / buckets.
 * Returns 1..buckets (0 when i is outside 0..n-1). */
int ntile(int64_t i, int64_t n, int buckets);

#endif
