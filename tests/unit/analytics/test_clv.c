/* test_clv.c: lifetime value from cohort curves against values worked out
 * by hand (the sums written in the comments), the decay's clamps, empty
 * and one-month input, and a customer's value from their own months. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "analytics/clv.h"

/* A: 10 customers, 3 months: retained 10 5 4, revenue 1000 600 400.
 * B: 20 customers, 2 months: retained 20 8, revenue 3000 800.
 * C: 5 customers, 1 month: retained 5, revenue 500. */
static const int64_t ar[] = {10, 5, 4}, av[] = {1000, 600, 400};
static const int64_t br[] = {20, 8}, bv[] = {3000, 800};
static const int64_t cr[] = {5}, cv[] = {500};
static const struct clv_cohort abc[] = {
	{10, 3, ar, av}, {20, 2, br, bv}, {5, 1, cr, cv},
};

static void test_curve_by_hand(void **state)
{
	struct clv_curve m;
	assert_int_equal(clv_fit(abc, 3, 5, 0, &m), 0);
	assert_int_equal(m.observed, 3);
	/* month 0: (1000 + 3000 + 500) / 35; month 1: (600 + 800) / 30
	 * (C not observed); month 2: 400 / 10 */
	assert_float_equal(m.arpc[0], 128.57142857142858, 1e-9);
	assert_float_equal(m.arpc[1], 46.666666666666664, 1e-9);
	assert_float_equal(m.arpc[2], 40.0, 1e-9);
	/* ratios: month 1 (5 + 8) / (10 + 20) = 0.4333..., month 2 4 / 5 = 0.8;
	 * decay = their mean 0.61666... */
	assert_float_equal(m.decay, 0.6166666666666667, 1e-12);
	/* months 3, 4: 40 × 0.61666 = 24.6666..., 40 × 0.61666² = 15.2111... */
	assert_float_equal(m.arpc[3], 24.666666666666668, 1e-9);
	assert_float_equal(m.arpc[4], 15.211111111111112, 1e-9);
	/* undiscounted sum of the five months */
	assert_float_equal(m.value, 255.115873015873, 1e-9);
	/* 1% a month over 3 months: 128.571 + 46.667 / 1.01 + 40 / 1.0201 */
	assert_int_equal(clv_fit(abc, 3, 3, 0.01, &m), 0);
	assert_float_equal(m.value, 213.98789100975162, 1e-9);
}

static void test_customer(void **state)
{
	struct clv_curve m;
	const int64_t own[] = {200, 100};
	assert_int_equal(clv_fit(abc, 3, 5, 0, &m), 0);
	/* 1 month on: 200 + 100 of their own, then months 2..4 of the curve:
	 * 300 + 40 + 24.666 + 15.211 */
	assert_float_equal(clv_customer(&m, own, 1), 379.8777777777778, 1e-9);
	/* with 1% a month: 200 + 100/1.01 + 40/1.01² + 24.67/1.01³ + 15.21/1.01⁴ */
	assert_int_equal(clv_fit(abc, 3, 5, 0.01, &m), 0);
	assert_float_equal(clv_customer(&m, own, 1), 376.7805454107797, 1e-9);
	/* a customer older than the horizon: only their first 5 months count */
	const int64_t long_own[] = {1, 2, 3, 4, 5, 600, 700};
	assert_int_equal(clv_fit(abc, 3, 5, 0, &m), 0);
	assert_float_equal(clv_customer(&m, long_own, 6), 15, 1e-12);
	/* age < 0: the curve's own value */
	assert_float_equal(clv_customer(&m, NULL, -1), m.value, 1e-12);
}

static void test_decay_clamped_and_skipped(void **state)
{
	struct clv_curve m;
	/* retention growing (3 then 6 of 3): ratio 2 clamps to 1, the last
	 * month repeats: 3 months of 100 → 100 100 100 100 */
	const int64_t gr[] = {3, 6}, gv[] = {300, 300};
	const struct clv_cohort g[] = {{3, 2, gr, gv}};
	assert_int_equal(clv_fit(g, 1, 4, 0, &m), 0);
	assert_float_equal(m.decay, 1, 0);
	assert_float_equal(m.value, 400, 1e-9);
	/* nobody back in month 1: decay 0, nothing after */
	const int64_t zr[] = {4, 0, 0}, zv[] = {400, 0, 0};
	const struct clv_cohort z[] = {{4, 3, zr, zv}};
	assert_int_equal(clv_fit(z, 1, 24, 0.01, &m), 0);
	/* month 2's ratio has 0 below it and is skipped: decay = 0 / 4 = 0 */
	assert_float_equal(m.decay, 0, 0);
	assert_float_equal(m.value, 100, 1e-9);
	/* a cohort of size 0 is skipped */
	const struct clv_cohort e[] = {{0, 3, zr, zv}, {4, 1, zr, zv}};
	assert_int_equal(clv_fit(e, 2, 3, 0, &m), 0);
	assert_int_equal(m.observed, 1);
	assert_float_equal(m.value, 100, 1e-9);
}

static void test_empty_and_bad(void **state)
{
	struct clv_curve m;
	/* no cohort: zeros, not NaN */
	assert_int_equal(clv_fit(NULL, 0, 24, 0.01, &m), 0);
	assert_int_equal(m.observed, 0);
	assert_float_equal(m.value, 0, 0);
	assert_float_equal(m.arpc[23], 0, 0);
	assert_float_equal(clv_customer(&m, NULL, 0), 0, 0);
	/* one month observed: no decay assumed */
	assert_int_equal(clv_fit(abc + 2, 1, 24, 0, &m), 0);
	assert_float_equal(m.decay, 0, 0);
	assert_float_equal(m.value, 100, 1e-9);
	assert_int_equal(clv_fit(abc, 3, 0, 0, &m), -1);
	assert_int_equal(clv_fit(abc, 3, CLV_MAX_MONTHS + 1, 0, &m), -1);
	assert_int_equal(clv_fit(abc, 3, 12, -0.1, &m), -1);
	assert_int_equal(clv_fit(abc, 3, 12, NAN, &m), -1);
	assert_int_equal(clv_fit(abc, -1, 12, 0, &m), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_curve_by_hand),
		cmocka_unit_test(test_customer),
		cmocka_unit_test(test_decay_clamped_and_skipped),
		cmocka_unit_test(test_empty_and_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
