/* test_time.c: RFC 3339 formatting and parsing, and business days in the
 * company time zone. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <time.h>

#include "base/timeutil.h"

#define T_0655 INT64_C(1795762500000)  /* 2026-11-27T06:55:00Z */

/* Runs first: the zone before any ts_set_zone() call. */
static void test_default_zone(void **state)
{
	char day[11];

	assert_string_equal(ts_zone(), "Asia/Shanghai");
	ts_day(INT64_C(1795710600000), day, sizeof(day));  /* 16:30Z */
	assert_string_equal(day, "2026-11-27");
}

static void test_now(void **state)
{
	int64_t now = ts_now_ms(), m1 = ts_mono_ms(), m2;

	assert_true(now > INT64_C(1704067200000));  /* after 2024-01-01 */
	assert_true(now / 1000 - (int64_t)time(NULL) <= 1);
	assert_true((int64_t)time(NULL) - now / 1000 <= 1);
	m2 = ts_mono_ms();
	assert_true(m2 >= m1);
}

static void test_format(void **state)
{
	char out[32];

	ts_format(T_0655, out, sizeof(out));
	assert_string_equal(out, "2026-11-27T06:55:00Z");
	ts_format(T_0655 + 123, out, sizeof(out));
	assert_string_equal(out, "2026-11-27T06:55:00.123Z");
	ts_format(T_0655 + 5, out, sizeof(out));
	assert_string_equal(out, "2026-11-27T06:55:00.005Z");
	ts_format(0, out, sizeof(out));
	assert_string_equal(out, "1970-01-01T00:00:00Z");
	ts_format(-1, out, sizeof(out));
	assert_string_equal(out, "1969-12-31T23:59:59.999Z");
	ts_format(T_0655, out, 11);
	assert_string_equal(out, "2026-11-27");
}

static void test_parse(void **state)
{
	static const struct {
		const char *s;
		int64_t ms;
	} ok[] = {
		{"2026-11-27T06:55:00Z", T_0655},
		{"2026-11-27t06:55:00z", T_0655},
		{"2026-11-27T14:55:00+08:00", T_0655},
		{"2026-11-27T01:25:00-05:30", T_0655},
		{"2026-11-27T06:55:00+00:00", T_0655},
		{"2026-11-27T06:55:00-00:00", T_0655},
		{"2026-11-27T06:55:00.5Z", T_0655 + 500},
		{"2026-11-27T06:55:00.05Z", T_0655 + 50},
		{"2026-11-27T06:55:00.123Z", T_0655 + 123},
		{"2026-11-27T06:55:00.123999999Z", T_0655 + 123},
		{"2026-11-27T14:55:00.999+08:00", T_0655 + 999},
		{"1970-01-01T00:00:00Z", 0},
		{"1969-12-31T23:59:59.999Z", -1},
		{"2024-02-29T00:00:00Z", INT64_C(1709164800000)},
		/* a leap second reads as the next second */
		{"2026-11-27T06:54:60Z", T_0655},
	};
	static const char *const bad[] = {
		"", "2026-11-27T06:55:00", "2026-11-27 06:55:00Z",
		"2026-11-27T06:55Z", "2026-11-27T06:55:00ZZ",
		"2026-11-27T06:55:00.Z", "2026-11-27T06:55:00+0800",
		"2026-11-27T06:55:00+08", "2026-11-27T06:55:00+24:00",
		"2026-11-27T06:55:00+08:60", "2026-02-29T00:00:00Z",
		"2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z",
		"2026-11-00T00:00:00Z", "2026-04-31T00:00:00Z",
		"2026-11-27T24:00:00Z", "2026-11-27T23:60:00Z",
		"2026-11-27T23:59:61Z", "26-11-27T06:55:00Z",
		"2026-1-27T06:55:00Z", "2026-11-27T6:55:00Z",
		" 2026-11-27T06:55:00Z", "2026-11-27T06:55:00Z ",
		"2026-11-27X06:55:00Z", "+026-11-27T06:55:00Z",
		"2026-11-27T06:55:00.1a2Z", "2026-11-27T", "2026-11-2",
		"2026-02-29", "1900-02-29T00:00:00Z",
	};
	int64_t ms;
	char out[32];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ms = 7;
		if (ts_parse(ok[i].s, &ms) != 0)
			fail_msg("ts_parse refused \"%s\"", ok[i].s);
		assert_true(ms == ok[i].ms);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ms = 7;
		if (ts_parse(bad[i], &ms) != -1)
			fail_msg("ts_parse accepted \"%s\"", bad[i]);
		assert_int_equal(ms, 7);
	}
	assert_int_equal(ts_parse(NULL, &ms), -1);
	assert_int_equal(ts_parse("2000-02-29T12:00:00Z", &ms), 0);

	/* round trips */
	for (int64_t t = -86400001; t < INT64_C(4102444800000);
	     t += INT64_C(987654321987)) {
		ts_format(t, out, sizeof(out));
		assert_int_equal(ts_parse(out, &ms), 0);
		assert_true(ms == t);
	}
}

static void test_bare_date(void **state)
{
	int64_t ms;

	assert_int_equal(ts_set_zone("Asia/Shanghai"), 0);
	assert_int_equal(ts_parse("2026-11-27", &ms), 0);
	assert_true(ms == INT64_C(1795708800000));  /* 2026-11-26T16:00:00Z */
	assert_int_equal(ts_set_zone("UTC"), 0);
	assert_int_equal(ts_parse("2026-11-27", &ms), 0);
	assert_true(ms == INT64_C(1795737600000));
	assert_int_equal(ts_set_zone("Asia/Shanghai"), 0);
}

static void test_day(void **state)
{
	const int64_t t = INT64_C(1795710600000);  /* 2026-11-26T16:30:00Z */
	char day[11];

	assert_int_equal(ts_set_zone("Asia/Shanghai"), 0);
	ts_day(t, day, sizeof(day));
	assert_string_equal(day, "2026-11-27");
	ts_day(t - 30 * 60000 - 1, day, sizeof(day));  /* 23:59:59.999 local */
	assert_string_equal(day, "2026-11-26");

	assert_int_equal(ts_set_zone("UTC"), 0);
	assert_string_equal(ts_zone(), "UTC");
	ts_day(t, day, sizeof(day));
	assert_string_equal(day, "2026-11-26");
	ts_day(-1, day, sizeof(day));
	assert_string_equal(day, "1969-12-31");

	assert_int_equal(ts_set_zone("America/New_York"), 0);
	ts_day(t, day, sizeof(day));
	assert_string_equal(day, "2026-11-26");
	assert_int_equal(ts_set_zone("Asia/Shanghai"), 0);
}

static void test_day_start(void **state)
{
	int64_t ms = 0;

	assert_int_equal(ts_set_zone("Asia/Shanghai"), 0);
	assert_int_equal(ts_day_start("2026-11-27", &ms), 0);
	assert_true(ms == INT64_C(1795708800000));
	/* a daylight-saving day: midnight is still EST (UTC-5) */
	assert_int_equal(ts_set_zone("America/New_York"), 0);
	assert_int_equal(ts_day_start("2026-03-08", &ms), 0);
	assert_true(ms == INT64_C(1772946000000));
	/* in summer the offset is -4 */
	assert_int_equal(ts_day_start("2026-07-01", &ms), 0);
	assert_true(ms == INT64_C(1782878400000));
	ms = 9;
	assert_int_equal(ts_day_start("2026-02-29", &ms), -1);
	assert_int_equal(ts_day_start("2026-11-27T00:00:00Z", &ms), -1);
	assert_int_equal(ts_day_start(NULL, &ms), -1);
	assert_int_equal(ms, 9);
	assert_int_equal(ts_set_zone("Asia/Shanghai"), 0);
}

static void test_day_valid(void **state)
{
	assert_true(ts_day_valid("2026-11-27"));
	assert_true(ts_day_valid("2024-02-29"));
	assert_true(ts_day_valid("2000-02-29"));
	assert_true(ts_day_valid("2026-12-31"));
	assert_false(ts_day_valid("2026-02-29"));
	assert_false(ts_day_valid("1900-02-29"));
	assert_false(ts_day_valid("2026-13-01"));
	assert_false(ts_day_valid("2026-06-31"));
	assert_false(ts_day_valid("2026-1-01"));
	assert_false(ts_day_valid("2026-01-01 "));
	assert_false(ts_day_valid("2026/01/01"));
	assert_false(ts_day_valid(""));
	assert_false(ts_day_valid(NULL));
}

static void test_set_zone(void **state)
{
	static const char *const bad[] = {
		"Mars/Olympus", "../etc/passwd", "/etc/passwd",
		"Asia/../../../etc/passwd", "Asia/Shanghai ", "Asia",
		"", "leapseconds", "Asia/Shang;hai", "zone.tab",
	};

	assert_int_equal(ts_set_zone("Europe/Berlin"), 0);
	assert_string_equal(ts_zone(), "Europe/Berlin");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (ts_set_zone(bad[i]) != -1)
			fail_msg("ts_set_zone accepted \"%s\"", bad[i]);
		assert_string_equal(ts_zone(), "Europe/Berlin");
	}
	assert_int_equal(ts_set_zone(NULL), -1);
	assert_int_equal(ts_set_zone("Etc/GMT+8"), 0);
	assert_string_equal(ts_zone(), "Etc/GMT+8");
	assert_int_equal(ts_set_zone("Asia/Shanghai"), 0);
}

/* ts_format agrees with gmtime_r over four centuries either side of 1970,
 * leap days and negative instants included. */
static void test_format_matches_gmtime(void **state)
{
	(void)state;
	uint64_t x = 88172645463325252ULL;
	for (int i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int64_t sec = (int64_t)(x % 25246080000ULL) - 12623040000LL;
		if (i < 4)
			sec = (int64_t[]){0, -1, 951782400, 4107542399}[i];
		time_t t = (time_t)sec;
		struct tm tm;
		assert_non_null(gmtime_r(&t, &tm));
		char want[40], got[40];
		snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		ts_format(sec * 1000, got, sizeof got);
		if (strcmp(want, got) != 0)
			fail_msg("%lld: want %s got %s", (long long)sec, want, got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_zone),
		cmocka_unit_test(test_now),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_matches_gmtime),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_bare_date),
		cmocka_unit_test(test_day),
		cmocka_unit_test(test_day_start),
		cmocka_unit_test(test_day_valid),
		cmocka_unit_test(test_set_zone),
	};

	return cmocka_run_group_tests_name("time", tests, NULL, NULL);
}
