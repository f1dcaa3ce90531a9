/* timeutil.h: instants as int64 Unix milliseconds UTC, RFC 3339 text, and
 * business days ('YYYY-MM-DD') in the company time zone. */
#ifndef TERSA_TIMEUTIL_H
#define TERSA_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

int64_t ts_now_ms(void);
/* Monotonic milliseconds, for durations. */
int64_t ts_mono_ms(void);
/* Monotonic microseconds, for request timings. */
int64_t ts_mono_us(void);
/* "2026-11-27T06:55:00Z", or with milliseconds when ms % 1000 != 0
 * ("2026-11-27T06:55:00.123Z"). out needs 32 bytes. */
void ts_format(int64_t ms, char *out, size_t n);
/* Parses RFC 3339 ("2026-11-27T06:55:00Z", "...00.5+08:00", also a bare
 * date "2026-11-27" as its midnight in the company zone). 0 or -1. */
int ts_parse(const char *s, int64_t *out);

/* Sets the company time zone (an IANA name such as "Asia/Shanghai") for the
 * conversions below, read from its TZif file by base/tz.c; the process TZ is
 * never touched. Returns 0, or -1 if the zone is unknown (the old one
 * stays). Safe from any thread. */
int ts_set_zone(const char *tz);
/* 1 if tz names a zone ts_set_zone would accept, without applying it. */
int ts_zone_valid(const char *tz);
const char *ts_zone(void);
/* The business day of an instant in the company zone; out needs 11 bytes. */
void ts_day(int64_t ms, char *out, size_t n);
/* The wall clock of an instant in the company zone: the business day
 * (day needs 11 bytes), the ISO weekday 1 (Monday) .. 7 (Sunday) and the
 * minute of the day 0..1439. 0, or -1 if the instant cannot be converted. */
int ts_local(int64_t ms, char *day, size_t n, int *weekday, int *minute);
/* 1 if s is a valid calendar date 'YYYY-MM-DD', else 0. */
int ts_day_valid(const char *s);
/* The company zone's offset from UTC at an instant, in seconds. */
int64_t ts_utc_offset(int64_t ms);
/* Midnight starting that business day in the company zone; 0 or -1. */
int ts_day_start(const char *day, int64_t *out);
/* Day arithmetic on the proleptic Gregorian calendar: the number of days
 * from 1970-01-01 of a valid 'YYYY-MM-DD' (0, or -1 if it is not one), and
 * back (out needs 11 bytes). */
int ts_day_number(const char *day, int64_t *out);
void ts_day_from_number(int64_t z, char *out);

#endif
