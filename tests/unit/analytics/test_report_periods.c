/* test_report_periods.c: the pure pieces of the sales reports — compared
 * periods (previous, last year with Feb 29), ranges split into whole months
 * and the days around them, and the ABC classes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "analytics/sales_report.h"

static void cmp(const char *from, const char *to, const char *kind, const char *wf,
		const char *wt)
{
	char f[11] = "", t[11] = "";
	assert_int_equal(report_compare_range(from, to, kind, f, t), 0);
	assert_string_equal(f, wf);
	assert_string_equal(t, wt);
}

static void test_compare_previous(void **state)
{
	(void)state;
	cmp("2026-11-01", "2026-11-30", "previous", "2026-10-02", "2026-10-31");
	cmp("2026-12-07", "2026-12-07", "previous", "2026-12-06", "2026-12-06");
	cmp("2026-01-01", "2026-01-07", "previous", "2025-12-25", "2025-12-31");
	cmp("2024-03-01", "2024-03-02", "previous", "2024-02-28", "2024-02-29");
	char f[11], t[11];
	assert_int_equal(report_compare_range("2026-11-30", "2026-11-01", "previous", f, t), -1);
	assert_int_equal(report_compare_range("2026-11-01", "2026-11-31", "previous", f, t), -1);
	assert_int_equal(report_compare_range("2026-11-01", "2026-11-02", "yesterday", f, t), -1);
	assert_int_equal(report_compare_range("2026-11-01", "2026-11-02", NULL, f, t), -1);
}

static void test_compare_last_year(void **state)
{
	(void)state;
	cmp("2026-11-01", "2026-11-30", "last_year", "2025-11-01", "2025-11-30");
	cmp("2024-02-29", "2024-02-29", "last_year", "2023-02-28", "2023-02-28");
	cmp("2024-02-01", "2024-02-29", "last_year", "2023-02-01", "2023-02-28");
	cmp("2025-03-01", "2025-03-01", "last_year", "2024-03-01", "2024-03-01");
	cmp("2026-01-01", "2026-12-31", "last_year", "2025-01-01", "2025-12-31");
	char out[11];
	assert_int_equal(report_year_back("2028-02-29", out), 0);
	assert_string_equal(out, "2027-02-28");
	assert_int_equal(report_year_back("2027-02-29", out), -1);
}

static void split(const char *from, const char *to, const char *d1f, const char *d1t,
		  const char *d2f, const char *d2t, const char *mf, const char *mt)
{
	struct report_split s;
	assert_int_equal(report_month_split(from, to, &s), 0);
	assert_string_equal(s.d1from, d1f);
	assert_string_equal(s.d1to, d1t);
	assert_string_equal(s.d2from, d2f);
	assert_string_equal(s.d2to, d2t);
	assert_string_equal(s.mfrom, mf);
	assert_string_equal(s.mto, mt);
}

static void test_month_split(void **state)
{
	(void)state;
	/* A quarter of whole months: no days. */
	split("2026-07-01", "2026-09-30", "2026-07-01", "2026-06-30", "2026-10-01", "2026-09-30",
	      "2026-07", "2026-09");
	/* Days before and after. */
	split("2026-06-15", "2026-10-03", "2026-06-15", "2026-06-30", "2026-10-01", "2026-10-03",
	      "2026-07", "2026-09");
	/* Within one month: days only. */
	split("2026-11-02", "2026-11-29", "2026-11-02", "2026-11-29", "9999-12-31", "0000-01-01",
	      "9999-12", "0000-01");
	/* February of a leap year, whole. */
	split("2024-02-01", "2024-02-29", "2024-02-01", "2024-01-31", "2024-03-01", "2024-02-29",
	      "2024-02", "2024-02");
	/* Across a year end, to on a month's last day. */
	split("2025-12-31", "2026-01-31", "2025-12-31", "2025-12-31", "2026-02-01", "2026-01-31",
	      "2026-01", "2026-01");
	struct report_split s;
	assert_int_equal(report_month_split("2026-02-01", "2026-01-01", &s), -1);
	assert_int_equal(report_month_split("2026-02-30", "2026-03-01", &s), -1);
}

static void classes(const int64_t *v, int n, double a, double b, const char *want)
{
	char cls[32] = "";
	report_abc_classes(v, n, a, b, cls);
	cls[n] = 0;
	assert_string_equal(cls, want);
}

static void test_abc(void **state)
{
	(void)state;
	const int64_t v[] = {500, 300, 100, 50, 30, 20};
	/* Shares before each: 0, 50, 80, 90, 95, 98 (percent). */
	classes(v, 6, 80, 15, "AABBCC");
	classes(v, 6, 50, 30, "ABCCCC");
	classes(v, 6, 90, 5, "AAABCC");
	classes(v, 6, 100, 0, "AAAAAA");
	const int64_t w[] = {100, 0, -20};
	classes(w, 3, 80, 15, "ACC");
	const int64_t z[] = {0, 0};
	classes(z, 2, 80, 15, "CC");
	classes(v, 0, 80, 15, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compare_previous),
		cmocka_unit_test(test_compare_last_year),
		cmocka_unit_test(test_month_split),
		cmocka_unit_test(test_abc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
