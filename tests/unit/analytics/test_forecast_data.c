/* test_forecast_data.c: the holiday rule of the stored forecasts on plain
 * arrays (an injected holiday effect found and carried to a future
 * holiday), and the period arithmetic of days, weeks and months. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "analytics/forecast_data.h"

#define N 140
#define H 28

/* A weekly pattern with a little fixed noise. */
static double base(int i)
{
	static const double wd[7] = {100, 80, 80, 90, 95, 120, 140};
	return wd[i % 7] + 3.0 * sin(1.3 * i);
}

static void holiday_effect_is_found_and_applied(void **state)
{
	(void)state;
	double y[N], mean[H], l80[H], u80[H], l95[H], u95[H], ratio = 0;
	unsigned char past[N] = {0}, future[H] = {0};
	struct fc_out o = {.mean = mean, .lower_80 = l80, .upper_80 = u80, .lower_95 = l95,
			   .upper_95 = u95};
	for (int i = 0; i < N; i++)
		y[i] = base(i);
	/* five holidays with 2.5× the ordinary sales */
	static const int hol[5] = {20, 45, 66, 90, 115};
	for (int k = 0; k < 5; k++) {
		past[hol[k]] = 1;
		y[hol[k]] *= 2.5;
	}
	future[9] = 1; /* step 10: day N + 9 */
	assert_int_equal(fcd_forecast_holidays(y, N, 7, past, H, future, &o, &ratio), 0);
	assert_true(fabs(ratio - 2.5) < 0.15);
	/* the holiday against the same weekday a week later, not a holiday */
	double r = mean[9] / mean[16];
	assert_true(fabs(r - ratio) < 0.25);
	assert_true(u95[9] > mean[9] && l95[9] < mean[9]);
	/* the other days are as the plain history forecasts them: the
	 * holidays replaced by what the weeks around them expect */
	double plainm[H], p80[H], q80[H], p95[H], q95[H], r1;
	struct fc_out p = {.mean = plainm, .lower_80 = p80, .upper_80 = q80, .lower_95 = p95,
			   .upper_95 = q95};
	double y0[N];
	for (int i = 0; i < N; i++)
		y0[i] = base(i);
	assert_int_equal(fcd_forecast_holidays(y0, N, 7, NULL, H, NULL, &p, &r1), 0);
	assert_true(r1 == 1);
	for (int j = 0; j < H; j++)
		if (j != 9)
			assert_true(fabs(mean[j] - plainm[j]) < 0.1 * plainm[j]);
}

static void no_past_holiday_no_scale(void **state)
{
	(void)state;
	double y[N], mean[H], l80[H], u80[H], l95[H], u95[H], ratio = 0;
	unsigned char past[N] = {0}, future[H] = {0};
	struct fc_out o = {.mean = mean, .lower_80 = l80, .upper_80 = u80, .lower_95 = l95,
			   .upper_95 = u95};
	for (int i = 0; i < N; i++)
		y[i] = base(i);
	future[3] = 1;
	assert_int_equal(fcd_forecast_holidays(y, N, 7, past, H, future, &o, &ratio), 0);
	assert_true(ratio == 1);
}

static void periods(void **state)
{
	(void)state;
	char t[11];
	/* 2026-12-07 is a Monday: day number 20794 */
	int64_t dn = 20794;
	fcd_period_text(FCD_DAY, fcd_period_index(FCD_DAY, dn), t);
	assert_string_equal(t, "2026-12-07");
	fcd_period_text(FCD_WEEK, fcd_period_index(FCD_WEEK, dn + 6), t);
	assert_string_equal(t, "2026-12-07");
	fcd_period_text(FCD_WEEK, fcd_period_index(FCD_WEEK, dn - 1), t);
	assert_string_equal(t, "2026-11-30");
	fcd_period_text(FCD_MONTH, fcd_period_index(FCD_MONTH, dn), t);
	assert_string_equal(t, "2026-12");
	fcd_period_text(FCD_MONTH, fcd_period_index(FCD_MONTH, dn) + 1, t);
	assert_string_equal(t, "2027-01");
	assert_int_equal(fcd_grain_parse("week"), FCD_WEEK);
	assert_int_equal(fcd_grain_parse("year"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(holiday_effect_is_found_and_applied),
		cmocka_unit_test(no_past_holiday_no_scale),
		cmocka_unit_test(periods),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
