/* tz.c: a small TZif (RFC 8536) reader and POSIX TZ rule evaluator, so that
 * local time never goes through the process's TZ (see tz.h). */
#include "base/tz.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ZONEINFO "/usr/share/zoneinfo/"
#define NAME_MAX_LEN 127
#define FILE_MAX (256 * 1024)

/* A POSIX TZ rule ("CET-1CEST,M3.5.0,M10.5.0/3"): standard and daylight
 * offsets (seconds east of UTC) and when daylight time starts and ends. */
struct rule_date {
	char kind;      /* 'J' (1..365, no Feb 29), 'D' (0..365), 'M' */
	int n, m, w, d; /* J/D: n; M: month, week 1..5, weekday 0 (Sunday) */
	int32_t time;   /* seconds after local midnight (may be <0 or >24h) */
};
struct rule {
	int32_t std, dst;
	int has_dst;
	struct rule_date start, end;
};

struct tzone {
	struct tzone *next;
	char name[NAME_MAX_LEN + 1];
	int n;            /* transitions */
	int64_t *at;      /* Unix seconds, ascending */
	uint8_t *type;    /* index into off for each transition */
	int ntypes;
	int32_t off[256];
	int has_rule;
	struct rule rule;
};

static pthread_mutex_t zones_mu = PTHREAD_MUTEX_INITIALIZER;
static struct tzone *zones;

static struct tzone utc_zone = {.name = "UTC", .ntypes = 1};

int64_t tz_days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void tz_civil_from_days(int64_t days, int64_t *y, int *m, int *d)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* ---- POSIX TZ rules ---- */

static int parse_num(const char **p, int max, int *v)
{
	const char *s = *p;
	int x = 0, n = 0;
	while (*s >= '0' && *s <= '9' && n < 4) {
		x = x * 10 + (*s++ - '0');
		n++;
	}
	if (n == 0 || x > max)
		return -1;
	*p = s;
	*v = x;
	return 0;
}

/* [+-]hh[:mm[:ss]] as seconds. */
static int parse_hms(const char **p, int32_t *out)
{
	int sign = 1, h, m = 0, sec = 0;
	if (**p == '+' || **p == '-')
		sign = *(*p)++ == '-' ? -1 : 1;
	if (parse_num(p, 167, &h) < 0)
		return -1;
	if (**p == ':') {
		(*p)++;
		if (parse_num(p, 59, &m) < 0)
			return -1;
		if (**p == ':') {
			(*p)++;
			if (parse_num(p, 59, &sec) < 0)
				return -1;
		}
	}
	*out = sign * (h * 3600 + m * 60 + sec);
	return 0;
}

static int parse_name(const char **p)
{
	const char *s = *p;
	if (*s == '<') {
		while (*s && *s != '>')
			s++;
		if (*s != '>')
			return -1;
		*p = s + 1;
		return 0;
	}
	while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))
		s++;
	if (s - *p < 3)
		return -1;
	*p = s;
	return 0;
}

static int parse_date(const char **p, struct rule_date *r)
{
	r->time = 2 * 3600;
	if (**p == 'J') {
		(*p)++;
		r->kind = 'J';
		if (parse_num(p, 365, &r->n) < 0 || r->n < 1)
			return -1;
	} else if (**p == 'M') {
		(*p)++;
		r->kind = 'M';
		if (parse_num(p, 12, &r->m) < 0 || r->m < 1 || *(*p)++ != '.' ||
		    parse_num(p, 5, &r->w) < 0 || r->w < 1 || *(*p)++ != '.' ||
		    parse_num(p, 6, &r->d) < 0)
			return -1;
	} else {
		r->kind = 'D';
		if (parse_num(p, 365, &r->n) < 0)
			return -1;
	}
	if (**p == '/') {
		(*p)++;
		if (parse_hms(p, &r->time) < 0)
			return -1;
	}
	return 0;
}

/* "std offset [dst [offset] [,start[/time],end[/time]]]"; 0 or -1. A zone
 * with daylight time but no rule is refused (the files always have one). */
static int parse_rule(const char *s, struct rule *r)
{
	int32_t o;
	memset(r, 0, sizeof *r);
	if (parse_name(&s) < 0 || parse_hms(&s, &o) < 0)
		return -1;
	r->std = r->dst = -o;
	if (!*s)
		return 0;
	if (parse_name(&s) < 0)
		return -1;
	r->has_dst = 1;
	r->dst = r->std + 3600;
	if (*s && *s != ',') {
		if (parse_hms(&s, &o) < 0)
			return -1;
		r->dst = -o;
	}
	if (*s++ != ',' || parse_date(&s, &r->start) < 0 || *s++ != ',' ||
	    parse_date(&s, &r->end) < 0 || *s)
		return -1;
	return 0;
}

/* Local midnight (as seconds in local "wall" time) of a rule date in year y. */
static int64_t rule_day(const struct rule_date *r, int64_t y)
{
	int64_t jan1 = tz_days_from_civil(y, 1, 1);
	if (r->kind == 'J')
		return (jan1 + r->n - 1 + (leap(y) && r->n >= 60)) * 86400;
	if (r->kind == 'D')
		return (jan1 + r->n) * 86400;
	static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int64_t first = tz_days_from_civil(y, r->m, 1);
	int wd_first = (int)(((first + 4) % 7 + 7) % 7); /* 0 = Sunday */
	int day = 1 + (r->d - wd_first + 7) % 7 + (r->w - 1) * 7;
	int len = dm[r->m - 1] + (r->m == 2 && leap(y));
	while (day > len)
		day -= 7;
	return (first + day - 1) * 86400;
}

static int32_t rule_offset(const struct rule *r, int64_t t)
{
	if (!r->has_dst)
		return r->std;
	int64_t y;
	int m, d;
	int64_t local = t + r->std, days = local / 86400 - (local % 86400 < 0);
	tz_civil_from_days(days, &y, &m, &d);
	/* Daylight time starts at a standard-time wall clock and ends at a
	 * daylight-time one. */
	int64_t start = rule_day(&r->start, y) + r->start.time - r->std;
	int64_t end = rule_day(&r->end, y) + r->end.time - r->dst;
	if (start < end)
		return t >= start && t < end ? r->dst : r->std;
	return t >= end && t < start ? r->std : r->dst;
}

/* ---- TZif files ---- */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* Fills z from the TZif data; 0 or -1. Uses the 64-bit (version 2+) block
 * when there is one, and the footer's rule. */
static int parse_tzif(const unsigned char *p, size_t len, struct tzone *z)
{
	const unsigned char *end = p + len;
	if (len < 44 || memcmp(p, "TZif", 4) != 0)
		return -1;
	int version = p[4];
	size_t tsize = 4;
	for (int pass = 0; pass < 2; pass++) {
		if ((size_t)(end - p) < 44 || memcmp(p, "TZif", 4) != 0)
			return -1;
		uint32_t isut = be32(p + 20), isstd = be32(p + 24), leapcnt = be32(p + 28),
			 timecnt = be32(p + 32), typecnt = be32(p + 36), charcnt = be32(p + 40);
		if (typecnt == 0 || typecnt > 256 || timecnt > 100000 || leapcnt > 100000 ||
		    isut > typecnt || isstd > typecnt || charcnt > 100000)
			return -1;
		size_t body = timecnt * tsize + timecnt + typecnt * 6 + charcnt +
			      leapcnt * (tsize + 4) + isstd + isut;
		p += 44;
		if ((size_t)(end - p) < body)
			return -1;
		if (pass == 0 && version >= '2') {
			p += body;
			tsize = 8;
			continue;
		}
		free(z->at);
		free(z->type);
		z->n = (int)timecnt;
		z->at = calloc(timecnt ? timecnt : 1, sizeof *z->at);
		z->type = calloc(timecnt ? timecnt : 1, 1);
		if (!z->at || !z->type)
			abort();
		for (uint32_t i = 0; i < timecnt; i++)
			z->at[i] = tsize == 8 ? be64(p + i * 8) : (int32_t)be32(p + i * 4);
		p += timecnt * tsize;
		for (uint32_t i = 0; i < timecnt; i++) {
			if (p[i] >= typecnt)
				return -1;
			z->type[i] = p[i];
		}
		p += timecnt;
		z->ntypes = (int)typecnt;
		for (uint32_t i = 0; i < typecnt; i++)
			z->off[i] = (int32_t)be32(p + i * 6);
		p += body - timecnt * tsize - timecnt;
		break;
	}
	/* The footer: "\n<POSIX TZ>\n" after the version 2+ block. */
	if (tsize == 8 && p < end && *p == '\n') {
		const unsigned char *nl = memchr(p + 1, '\n', (size_t)(end - p - 1));
		if (nl && nl - p - 1 > 0 && nl - p - 1 < 64) {
			char tzs[64];
			memcpy(tzs, p + 1, (size_t)(nl - p - 1));
			tzs[nl - p - 1] = 0;
			if (parse_rule(tzs, &z->rule) == 0)
				z->has_rule = 1;
		}
	}
	return 0;
}

static int name_safe(const char *name)
{
	if (!name || !name[0] || name[0] == '/' || strstr(name, "..") ||
	    strlen(name) > NAME_MAX_LEN)
		return 0;
	for (const char *p = name; *p; p++) {
		char c = *p;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '+' || c == '-' || c == '/'))
			return 0;
	}
	return 1;
}

static struct tzone *load(const char *name)
{
	char path[sizeof ZONEINFO + NAME_MAX_LEN + 1];
	snprintf(path, sizeof path, ZONEINFO "%s", name);
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > FILE_MAX)
		return NULL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	unsigned char *data = malloc(FILE_MAX);
	if (!data)
		abort();
	size_t len = fread(data, 1, FILE_MAX, f);
	fclose(f);
	struct tzone *z = calloc(1, sizeof *z);
	if (!z)
		abort();
	snprintf(z->name, sizeof z->name, "%s", name);
	int rc = parse_tzif(data, len, z);
	free(data);
	if (rc < 0) {
		free(z->at);
		free(z->type);
		free(z);
		return NULL;
	}
	return z;
}

const struct tzone *tz_get(const char *name)
{
	if (!name_safe(name))
		return NULL;
	pthread_mutex_lock(&zones_mu);
	struct tzone *z;
	for (z = zones; z; z = z->next)
		if (strcmp(z->name, name) == 0)
			break;
	if (!z && (z = load(name)) != NULL) {
		z->next = zones;
		zones = z;
	}
	pthread_mutex_unlock(&zones_mu);
	if (!z && strcmp(name, "UTC") == 0)
		return &utc_zone; /* even without the zone files */
	return z;
}

const char *tz_name(const struct tzone *z)
{
	return z->name;
}

int32_t tz_offset(const struct tzone *z, int64_t t)
{
	if (z->n == 0 || t >= z->at[z->n - 1]) {
		if (z->has_rule)
			return rule_offset(&z->rule, t);
		if (z->n == 0)
			return z->off[0];
		return z->off[z->type[z->n - 1]];
	}
	if (t < z->at[0])
		return z->off[0]; /* type 0 holds before the first transition */
	int lo = 0, hi = z->n - 1; /* at[lo] <= t < at[hi] */
	while (hi - lo > 1) {
		int mid = lo + (hi - lo) / 2;
		if (z->at[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return z->off[z->type[lo]];
}
