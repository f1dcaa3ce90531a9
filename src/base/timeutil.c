/* timeutil.c: Unix-ms instants, RFC 3339 text, and business days in the
 * company time zone (kept in TZ and guarded by one mutex). */
#include "base/timeutil.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define ZONEINFO "/usr/share/zoneinfo/"
#define DEFAULT_ZONE "Asia/Shanghai"

/* TZ and the C library's zone state are process-wide: every use of local
 * time in this file holds zone_mu. */
static pthread_mutex_t zone_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t zone_once = PTHREAD_ONCE_INIT;
static char zone_name[128];

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
 * time zone lock on every call (civil_from_days, H. Hinnant's algorithm). */
static void utc_fields(int64_t sec, struct tm *tm)
{
	int64_t days = sec / 86400, s = sec % 86400;
	if (s < 0) {
		s += 86400;
		days--;
	}
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = yoe + era * 400 + (m <= 2);
	tm->tm_year = (int)(y - 1900);
	tm->tm_mon = (int)(m - 1);
	tm->tm_mday = (int)d;
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

/* 0 if name is a safe relative zone name with a TZif file under ZONEINFO. */
static int zone_check(const char *name)
{
	char path[sizeof(ZONEINFO) + sizeof(zone_name)];
	char magic[4];
	struct stat st;
	size_t len;
	FILE *f;
	int ok;

	if (!name || !name[0] || name[0] == '/' || strstr(name, ".."))
		return -1;
	len = strlen(name);
	if (len >= sizeof(zone_name))
		return -1;
	for (const char *p = name; *p; p++) {
		char c = *p;

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '+' || c == '-' ||
		      c == '/'))
			return -1;
	}
	snprintf(path, sizeof(path), ZONEINFO "%s", name);
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return -1;
	/* Not every regular file there is a zone (e.g. "leapseconds"). */
	f = fopen(path, "rb");
	if (!f)
		return -1;
	ok = fread(magic, 1, 4, f) == 4 && memcmp(magic, "TZif", 4) == 0;
	fclose(f);
	return ok ? 0 : -1;
}

/* Caller holds zone_mu. */
static void zone_apply(const char *name)
{
	size_t len = strlen(name);

	memcpy(zone_name, name, len + 1);
	setenv("TZ", zone_name, 1);
	tzset();
}

static void zone_default(void)
{
	pthread_mutex_lock(&zone_mu);
	zone_apply(zone_check(DEFAULT_ZONE) == 0 ? DEFAULT_ZONE : "UTC");
	pthread_mutex_unlock(&zone_mu);
}

static void zone_ensure(void)
{
	pthread_once(&zone_once, zone_default);
}

int ts_set_zone(const char *tz)
{
	if (zone_check(tz) != 0)
		return -1;
	zone_ensure();
	pthread_mutex_lock(&zone_mu);
	zone_apply(tz);
	pthread_mutex_unlock(&zone_mu);
	return 0;
}

int ts_zone_valid(const char *tz)
{
	return zone_check(tz) == 0;
}

const char *ts_zone(void)
{
	zone_ensure();
	return zone_name;
}

void ts_day(int64_t ms, char *out, size_t n)
{
	struct tm tm;
	time_t sec;
	int rem;
	struct tm *ok;

	if (n == 0)
		return;
	split_ms(ms, &sec, &rem);
	zone_ensure();
	pthread_mutex_lock(&zone_mu);
	ok = localtime_r(&sec, &tm);
	pthread_mutex_unlock(&zone_mu);
	if (!ok) {
		out[0] = '\0';
		return;
	}
	snprintf(out, n, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday);
}

int ts_local(int64_t ms, char *day, size_t n, int *weekday, int *minute)
{
	struct tm tm;
	time_t sec;
	int rem;
	struct tm *ok;

	split_ms(ms, &sec, &rem);
	zone_ensure();
	pthread_mutex_lock(&zone_mu);
	ok = localtime_r(&sec, &tm);
	pthread_mutex_unlock(&zone_mu);
	if (!ok)
		return -1;
	if (day && n)
		snprintf(day, n, "%04d-%02d-%02d", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday);
	if (weekday)
		*weekday = tm.tm_wday == 0 ? 7 : tm.tm_wday;
	if (minute)
		*minute = tm.tm_hour * 60 + tm.tm_min;
	return 0;
}

int ts_day_start(const char *day, int64_t *out)
{
	struct tm tm;
	int y, m, d;
	time_t t;

	if (!day || parse_date(&day, &y, &m, &d) || *day != '\0')
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;
	zone_ensure();
	pthread_mutex_lock(&zone_mu);
	t = mktime(&tm);
	pthread_mutex_unlock(&zone_mu);
	if (t == (time_t)-1)  /* midnight is never 1 s before the epoch */
		return -1;
	*out = (int64_t)t * 1000;
	return 0;
}

int64_t ts_mono_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}
