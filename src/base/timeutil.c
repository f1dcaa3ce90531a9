/* timeutil.c: Unix-ms instants, RFC 3339 text, and business days in the
 * company time zone (converted by base/tz.c, never through the process TZ). */
#include "base/timeutil.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/tz.h"

#define DEFAULT_ZONE "Asia/Shanghai"


int64_t ts_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int64_t ts_mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Splits ms into whole seconds (floor) and the millisecond part 0..999. */
static void split_ms(int64_t ms, time_t *sec, int *rem)
{
	int64_t s = ms / 1000, r = ms % 1000;

	if (r < 0) {
		r += 1000;
		s--;
	}
	*sec = (time_t)s;
	*rem = (int)r;
}

/* UTC calendar fields of Unix seconds without gmtime_r, which takes glibc's
 * time zone lock on every call. */
static void utc_fields(int64_t sec, struct tm *tm)
{
	int64_t days = sec / 86400, s = sec % 86400;
	if (s < 0) {
		s += 86400;
		days--;
	}
	int64_t y;
	int m, d;
	tz_civil_from_days(days, &y, &m, &d);
	tm->tm_year = (int)(y - 1900);
	tm->tm_mon = m - 1;
	tm->tm_mday = d;
	tm->tm_hour = (int)(s / 3600);
	tm->tm_min = (int)(s / 60 % 60);
	tm->tm_sec = (int)(s % 60);
}

void ts_format(int64_t ms, char *out, size_t n)
{
	struct tm tm;
	time_t sec;
	int rem;

	if (n == 0)
		return;
	split_ms(ms, &sec, &rem);
	utc_fields((int64_t)sec, &tm);
	if (rem)
		snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
			 tm.tm_min, tm.tm_sec, rem);
	else
		snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02dZ",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
			 tm.tm_min, tm.tm_sec);
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int dm[12] = {31, 28, 31, 30, 31, 30,
				   31, 31, 30, 31, 30, 31};

	return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

/* Reads exactly n digits at *p into *v and advances; 0 or -1. */
static int digits(const char **p, int n, int *v)
{
	int x = 0;

	for (int i = 0; i < n; i++) {
		char c = (*p)[i];

		if (c < '0' || c > '9')
			return -1;
		x = x * 10 + (c - '0');
	}
	*p += n;
	*v = x;
	return 0;
}

/* "YYYY-MM-DD" at *p, range-checked; advances past it. */
static int parse_date(const char **p, int *y, int *m, int *d)
{
	const char *s = *p;

	if (digits(&s, 4, y) || *s++ != '-' || digits(&s, 2, m) ||
	    *s++ != '-' || digits(&s, 2, d))
		return -1;
	if (*m < 1 || *m > 12 || *d < 1 || *d > days_in_month(*y, *m))
		return -1;
	*p = s;
	return 0;
}

int ts_day_valid(const char *s)
{
	int y, m, d;

	return s && parse_date(&s, &y, &m, &d) == 0 && *s == '\0';
}

int ts_day_number(const char *day, int64_t *out)
{
	int y, m, d;

	if (!day || parse_date(&day, &y, &m, &d) || *day != '\0')
		return -1;
	*out = tz_days_from_civil(y, m, d);
	return 0;
}

void ts_day_from_number(int64_t z, char *out)
{
	int64_t y;
	int m, d;
	char t[48];

	tz_civil_from_days(z, &y, &m, &d);
	snprintf(t, sizeof t, "%04d-%02d-%02d", (int)(y % 10000), m, d);
	memcpy(out, t, 10);
	out[10] = 0;
}

int ts_parse(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, sec, ms = 0, off = 0, oh, om;
	struct tm tm;
	time_t t;

	if (!s)
		return -1;
	if (ts_day_valid(s))
		return ts_day_start(s, out);
	if (parse_date(&s, &y, &mo, &d) || (*s != 'T' && *s != 't'))
		return -1;
	s++;
	if (digits(&s, 2, &h) || *s++ != ':' || digits(&s, 2, &mi) ||
	    *s++ != ':' || digits(&s, 2, &sec))
		return -1;
	if (h > 23 || mi > 59 || sec > 60)
		return -1;
	if (*s == '.') {
		int nd = 0;

		for (s++; *s >= '0' && *s <= '9'; s++, nd++)
			if (nd < 3)
				ms = ms * 10 + (*s - '0');
		if (nd == 0)
			return -1;
		for (; nd < 3; nd++)
			ms *= 10;
	}
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		int sign = *s++ == '-' ? -1 : 1;

		if (digits(&s, 2, &oh) || *s++ != ':' || digits(&s, 2, &om))
			return -1;
		if (oh > 23 || om > 59)
			return -1;
		off = sign * (oh * 3600 + om * 60);
	} else {
		return -1;
	}
	if (*s != '\0')
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	*out = ((int64_t)t - off) * 1000 + ms;
	return 0;
}

/* The company zone: swapped whole by ts_set_zone, read without a lock. */
static _Atomic(const struct tzone *) cur_zone;
static pthread_once_t zone_once = PTHREAD_ONCE_INIT;

static void zone_default(void)
{
	const struct tzone *z = tz_get(DEFAULT_ZONE);
	atomic_store(&cur_zone, z ? z : tz_get("UTC"));
}

static const struct tzone *zone(void)
{
	pthread_once(&zone_once, zone_default);
	return atomic_load(&cur_zone);
}

int ts_set_zone(const char *tz)
{
	const struct tzone *z = tz_get(tz);
	if (!z)
		return -1;
	pthread_once(&zone_once, zone_default);
	atomic_store(&cur_zone, z);
	return 0;
}

int ts_zone_valid(const char *tz)
{
	return tz_get(tz) != NULL;
}

const char *ts_zone(void)
{
	return tz_name(zone());
}

/* Local days since the epoch and seconds into that day of Unix second t. */
static void local_split(const struct tzone *z, int64_t t, int64_t *days, int *secs)
{
	int64_t local = t + tz_offset(z, t);
	int64_t d = local / 86400, r = local % 86400;
	if (r < 0) {
		r += 86400;
		d--;
	}
	*days = d;
	*secs = (int)r;
}

static void day_text(int64_t days, char *out, size_t n)
{
	int64_t y;
	int m, d;
	tz_civil_from_days(days, &y, &m, &d);
	snprintf(out, n, "%04lld-%02d-%02d", (long long)y, m, d);
}

void ts_day(int64_t ms, char *out, size_t n)
{
	time_t sec;
	int rem, secs;
	int64_t days;

	if (n == 0)
		return;
	split_ms(ms, &sec, &rem);
	local_split(zone(), (int64_t)sec, &days, &secs);
	day_text(days, out, n);
}

int64_t ts_utc_offset(int64_t ms)
{
	time_t sec;
	int rem;

	split_ms(ms, &sec, &rem);
	return tz_offset(zone(), (int64_t)sec);
}

int ts_local(int64_t ms, char *day, size_t n, int *weekday, int *minute)
{
	time_t sec;
	int rem, secs;
	int64_t days;

	split_ms(ms, &sec, &rem);
	local_split(zone(), (int64_t)sec, &days, &secs);
	if (day && n)
		day_text(days, day, n);
	if (weekday) {
		int wd = (int)(((days + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
		*weekday = wd == 0 ? 7 : wd;
	}
	if (minute)
		*minute = secs / 60;
	return 0;
}

int ts_day_start(const char *day, int64_t *out)
{
	int y, m, d;

	if (!day || parse_date(&day, &y, &m, &d) || *day != '\0')
		return -1;
	/* The first second whose local day is this one: local days only move
	 * forward as UTC does (within the offsets' ±26 hours), so search. */
	const struct tzone *z = zone();
	int64_t want = tz_days_from_civil(y, m, d);
	int64_t lo = want * 86400 - 26 * 3600, hi = want * 86400 + 26 * 3600;
	while (lo < hi) {
		int64_t mid = lo + (hi - lo) / 2, days;
		int secs;
		local_split(z, mid, &days, &secs);
		if (days >= want)
			hi = mid;
		else
			lo = mid + 1;
	}
	*out = lo * 1000;
	return 0;
}

int64_t ts_mono_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}
