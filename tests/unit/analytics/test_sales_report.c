/* test_report.c: the calendar arithmetic of the sales report — ISO weeks
 * at year boundaries, day offsets across months and leap years — and the
 * dashboard's proration of an hour. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "analytics/sales_report.h"

static void week(const char *day, const char *key, const char *mon, const char *sun)
{
	char k[16] = "", m[11] = "", s[11] = "";
	assert_int_equal(report_iso_week(day, k, m, s), 0);
	assert_string_equal(k, key);
	assert_string_equal(m, mon);
	assert_string_equal(s, sun);
}

static void test_iso_week(void **state)
{
	(void)state;
	week("2026-11-27", "2026-W48", "2026-11-23", "2026-11-29"); /* a Friday */
	week("2026-11-23", "2026-W48", "2026-11-23", "2026-11-29"); /* its Monday */
	week("2026-11-29", "2026-W48", "2026-11-23", "2026-11-29"); /* its Sunday */
	week("2026-01-01", "2026-W01", "2025-12-29", "2026-01-04"); /* Thursday: week 1 */
	week("2025-12-29", "2026-W01", "2025-12-29", "2026-01-04"); /* December, next ISO year */
	week("2021-01-01", "2020-W53", "2020-12-28", "2021-01-03"); /* January, last ISO year */
	week("2027-01-03", "2026-W53", "2026-12-28", "2027-01-03"); /* 2026 has 53 weeks */
	week("2024-12-30", "2025-W01", "2024-12-30", "2025-01-05");
	week("2010-01-03", "2009-W53", "2009-12-28", "2010-01-03");
	week("2000-02-29", "2000-W09", "2000-02-28", "2000-03-05");
	week("1970-01-01", "1970-W01", "1969-12-29", "1970-01-04");
	char k[16];
	assert_int_equal(report_iso_week("2026-02-30", k, NULL, NULL), -1);
	assert_int_equal(report_iso_week("2026-13-01", k, NULL, NULL), -1);
	assert_int_equal(report_iso_week("20261127", k, NULL, NULL), -1);
	assert_int_equal(report_iso_week(NULL, k, NULL, NULL), -1);
	assert_int_equal(report_iso_week("2026-11-27", k, NULL, NULL), 0);
	assert_string_equal(k, "2026-W48");
}

static void add(const char *day, int delta, const char *want)
{
	char out[11] = "";
	assert_int_equal(report_day_add(day, delta, out), 0);
	assert_string_equal(out, want);
}

static void test_day_add(void **state)
{
	(void)state;
	add("2026-11-27", 0, "2026-11-27");
	add("2026-11-27", -29, "2026-10-29");
	add("2026-03-01", -1, "2026-02-28");
	add("2024-03-01", -1, "2024-02-29");
	add("2000-02-28", 1, "2000-02-29");
	add("1900-02-28", 1, "1900-03-01");
	add("2026-12-31", 1, "2027-01-01");
	add("2026-01-01", -366, "2024-12-31");
	add("2026-11-27", 3650, "2036-11-24");
	char out[11];
	assert_int_equal(report_day_add("2026-11-31", 1, out), -1);
	assert_int_equal(report_day_add("", 1, out), -1);
}

/* An hour's amount counted up to a minute of it, half away from zero. */
static void test_prorate(void **state)
{
	(void)state;
	assert_int_equal(report_prorate(6000, 0), 0);
	assert_int_equal(report_prorate(6000, 60), 6000);
	assert_int_equal(report_prorate(6000, 25), 2500);
	assert_int_equal(report_prorate(1299, 25), 541);   /* 541.25 */
	assert_int_equal(report_prorate(1, 30), 1);        /* 0.5 up */
	assert_int_equal(report_prorate(1, 29), 0);
	assert_int_equal(report_prorate(-1, 30), -1);      /* away from zero */
	assert_int_equal(report_prorate(-1299, 25), -541);
	assert_int_equal(report_prorate(3, 10), 1);        /* 3 orders, 10 minutes: 0.5 */
	assert_int_equal(report_prorate(2, 10), 0);
	assert_int_equal(report_prorate(5, -3), 0);
	assert_int_equal(report_prorate(5, 90), 5);
	assert_int_equal(report_prorate(INT64_MAX, 59), INT64_MAX / 60 * 59 + INT64_MAX % 60 * 59 / 60 + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iso_week),
		cmocka_unit_test(test_day_add),
		cmocka_unit_test(test_prorate),
	};
	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
