/* test_tz.c: the TZif reader and POSIX rules against the C library's own
 * conversion (Asia/Shanghai, Europe/Berlin around its transitions, a
 * southern zone, UTC, and years past the files' last transition), business
 * days and their starts in a zone with daylight time, and that the process
 * TZ is never touched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/timeutil.h"
#include "base/tz.h"

/* The C library's offset for zone at t (sets TZ: only in this test). */
static long libc_offset(const char *zone, int64_t t)
{
	setenv("TZ", zone, 1);
	tzset();
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	return tm.tm_gmtoff;
}

static void check_zone(const char *name)
{
	const struct tzone *z = tz_get(name);
	assert_non_null(z);
	assert_string_equal(tz_name(z), name);
	/* every 7 hours and a bit from 1990 to 2060 (past 2037: the rule) */
	for (int64_t t = 631152000; t < 2840140800LL; t += 7 * 3600 + 1234) {
		long want = libc_offset(name, t);
		if (tz_offset(z, t) != want)
			fail_msg("%s at %lld: %d, libc %ld", name, (long long)t, tz_offset(z, t), want);
	}
	unsetenv("TZ");
}

static void test_against_libc(void **state)
{
	(void)state;
	check_zone("Asia/Shanghai");
	check_zone("Europe/Berlin");
	check_zone("America/New_York");
	check_zone("Australia/Sydney");
	check_zone("UTC");
}

static void test_berlin_transitions(void **state)
{
	(void)state;
	const struct tzone *z = tz_get("Europe/Berlin");
	assert_non_null(z);
	/* 2026-03-29 01:00Z: CET -> CEST; 2026-10-25 01:00Z: back */
	assert_int_equal(tz_offset(z, 1774745999), 3600);
	assert_int_equal(tz_offset(z, 1774746000), 7200);
	assert_int_equal(tz_offset(z, 1792889999), 7200);
	assert_int_equal(tz_offset(z, 1792890000), 3600);
	/* 2040, past the file's transitions: the footer's rule, last Sunday of
	 * March (2040-03-25 01:00Z) */
	assert_int_equal(tz_offset(z, 2216249999LL), 3600);
	assert_int_equal(tz_offset(z, 2216250000LL), 7200);

	char day[11];
	int wd, minute;
	int64_t ms;
	assert_int_equal(ts_set_zone("Europe/Berlin"), 0);
	/* 2026-03-29 00:59:59Z is 01:59:59 CET, a second later 03:00 CEST */
	assert_int_equal(ts_local(1774745999000LL, day, sizeof day, &wd, &minute), 0);
	assert_string_equal(day, "2026-03-29");
	assert_int_equal(wd, 7);
	assert_int_equal(minute, 1 * 60 + 59);
	assert_int_equal(ts_local(1774746000000LL, day, sizeof day, &wd, &minute), 0);
	assert_int_equal(minute, 3 * 60);
	/* the day of the change starts at 23:00Z the evening before, the next
	 * one at 22:00Z */
	assert_int_equal(ts_day_start("2026-03-29", &ms), 0);
	assert_int_equal(ms, 1774738800000LL);
	assert_int_equal(ts_day_start("2026-03-30", &ms), 0);
	assert_int_equal(ms, 1774821600000LL);
	ts_day(1774738800000LL - 1, day, sizeof day);
	assert_string_equal(day, "2026-03-28");
	ts_day(1774738800000LL, day, sizeof day);
	assert_string_equal(day, "2026-03-29");
	assert_int_equal(ts_set_zone("Asia/Shanghai"), 0);
}

static void test_shanghai_and_utc_days(void **state)
{
	(void)state;
	char day[11];
	int64_t ms;
	/* 2026-11-27 16:30Z is 00:30 on the 28th in Shanghai, the 27th in UTC */
	assert_int_equal(ts_set_zone("Asia/Shanghai"), 0);
	ts_day(1795797000000LL, day, sizeof day);
	assert_string_equal(day, "2026-11-28");
	assert_int_equal(ts_day_start("2026-11-28", &ms), 0);
	assert_int_equal(ms, 1795795200000LL);
	assert_int_equal(ts_set_zone("UTC"), 0);
	ts_day(1795797000000LL, day, sizeof day);
	assert_string_equal(day, "2026-11-27");
	assert_int_equal(ts_day_start("2026-11-28", &ms), 0);
	assert_int_equal(ms, 1795824000000LL);
	assert_int_equal(ts_set_zone("Asia/Shanghai"), 0);
}

static void test_no_process_tz(void **state)
{
	(void)state;
	unsetenv("TZ");
	assert_int_equal(ts_set_zone("Europe/Berlin"), 0);
	assert_null(getenv("TZ"));
	assert_string_equal(ts_zone(), "Europe/Berlin");
	assert_int_equal(ts_set_zone("Asia/Shanghai"), 0);
	assert_null(getenv("TZ"));
	/* unknown or unsafe names are refused and change nothing */
	assert_int_equal(ts_set_zone("Mars/Olympus"), -1);
	assert_int_equal(ts_set_zone("../etc/passwd"), -1);
	assert_int_equal(ts_set_zone("/etc/localtime"), -1);
	assert_int_equal(ts_set_zone("leapseconds"), -1);
	assert_string_equal(ts_zone(), "Asia/Shanghai");
	/* the same zone object every time */
	assert_ptr_equal(tz_get("Europe/Berlin"), tz_get("Europe/Berlin"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_against_libc),
		cmocka_unit_test(test_berlin_transitions),
		cmocka_unit_test(test_shanghai_and_utc_days),
		cmocka_unit_test(test_no_process_tz),
	};
	return cmocka_run_group_tests_name("tz", tests, NULL, NULL);
}
