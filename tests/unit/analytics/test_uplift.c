/* test_uplift.c: the campaign statistics against published tables and
 * textbook examples, and against values computed to 30 digits with Python's
 * mpmath 1.3.0 (mp.dps = 30) from the definitions:
 *
 *   from mpmath import mp, mpf, ncdf, sqrt, erfc, findroot, betainc
 *   mp.dps = 30
 *   def tcdf(t, df):  # P(T <= t)
 *       tail = betainc(df/2, mpf(1)/2, 0, df/(df+t*t), regularized=True)/2
 *       return 1-tail if t > 0 else tail
 *   tq = lambda p, df: findroot(lambda t: tcdf(t, df)-p, mpf(2))
 *   nq = lambda p: findroot(lambda x: ncdf(x)-p, mpf(1))
 *   # two proportions: p1-p2 ± nq((1+level)/2)·sqrt(p1(1-p1)/n1 + p2(1-p2)/n2);
 *   # z = (p1-p2)/sqrt(pp(1-pp)(1/n1+1/n2)), pp pooled; p = erfc(|z|/sqrt(2))
 *   # Welch: a = v1/n1, b = v2/n2, df = (a+b)²/(a²/(n1-1) + b²/(n2-1)),
 *   #        m1-m2 ± tq((1+level)/2, df)·sqrt(a+b)
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "analytics/uplift.h"

static void test_normal(void **state)
{
	/* Standard normal table: Φ(1.96) = 0.9750, Φ(−1) = 0.1587, Φ(0) = 0.5;
	 * mpmath: 0.975002104851779566, 0.158655253931457051. */
	assert_float_equal(uplift_norm_cdf(1.96), 0.975002104851779566, 1e-15);
	assert_float_equal(uplift_norm_cdf(-1), 0.158655253931457051, 1e-15);
	assert_float_equal(uplift_norm_cdf(0), 0.5, 0);
	/* z(0.975) = 1.960, z(0.95) = 1.645, z(0.001) = −3.090 (tables);
	 * mpmath: 1.95996398454005424, 1.64485362695147271, −3.09023230616781354 */
	assert_float_equal(uplift_norm_quantile(0.975), 1.95996398454005424, 1e-12);
	assert_float_equal(uplift_norm_quantile(0.95), 1.64485362695147271, 1e-12);
	assert_float_equal(uplift_norm_quantile(0.001), -3.09023230616781354, 1e-12);
	assert_true(isinf(uplift_norm_quantile(0)) && uplift_norm_quantile(0) < 0);
	assert_true(isinf(uplift_norm_quantile(1)) && uplift_norm_quantile(1) > 0);
}

static void test_t_tables(void **state)
{
	/* Student t table (two-sided 95% column, and one-sided 95% / 99.5%),
	 * as printed to three decimals in every statistics textbook:
	 * t(0.975, 1) = 12.706, t(0.975, 5) = 2.571, t(0.975, 10) = 2.228,
	 * t(0.975, 20) = 2.086, t(0.975, 30) = 2.042, t(0.95, 10) = 1.812,
	 * t(0.995, 20) = 2.845. */
	assert_float_equal(uplift_t_quantile(0.975, 1), 12.706, 5e-4);
	assert_float_equal(uplift_t_quantile(0.975, 5), 2.571, 5e-4);
	assert_float_equal(uplift_t_quantile(0.975, 10), 2.228, 5e-4);
	assert_float_equal(uplift_t_quantile(0.975, 20), 2.086, 5e-4);
	assert_float_equal(uplift_t_quantile(0.975, 30), 2.042, 5e-4);
	assert_float_equal(uplift_t_quantile(0.95, 10), 1.812, 5e-4);
	assert_float_equal(uplift_t_quantile(0.995, 20), 2.845, 5e-4);
	/* The same to more digits (mpmath). */
	assert_float_equal(uplift_t_quantile(0.975, 1), 12.7062047361747046, 1e-9);
	assert_float_equal(uplift_t_quantile(0.975, 10), 2.22813885198627475, 1e-10);
	assert_float_equal(uplift_t_quantile(0.975, 30), 2.04227245630123831, 1e-10);
	/* Fractional degrees of freedom, as Welch's are (mpmath). */
	assert_float_equal(uplift_t_quantile(0.975, 27.7), 2.04940707360746463, 1e-10);
	assert_float_equal(uplift_t_quantile(0.025, 2.5), -3.57465484200368322, 1e-9);
	/* Large df tends to the normal quantile. */
	assert_float_equal(uplift_t_quantile(0.975, 1e9), 1.95996398454005424, 1e-6);
	assert_float_equal(uplift_t_quantile(0.5, 7), 0, 0);
	/* distribution function (mpmath): P(T <= 2.5 | 7.3) and P(T <= −1 | 3) */
	assert_float_equal(uplift_t_cdf(2.5, 7.3), 0.980174882667199765, 1e-12);
	assert_float_equal(uplift_t_cdf(-1, 3), 0.195501109477885321, 1e-12);
	assert_true(isnan(uplift_t_quantile(0.975, 0)));
	assert_true(isnan(uplift_t_cdf(1, -2)));
}

static void test_two_prop_by_hand(void **state)
{
	double d, lo, hi, z, p;

	/* 60/100 against 40/100. By hand: diff 0.2; unpooled SE
	 * √(0.6·0.4/100 + 0.4·0.6/100) = √0.0048 = 0.0692820; 95%: 0.2 ± 1.959964 ×
	 * 0.0692820 = [0.0642097, 0.3357903]. Pooled p = 0.5, SE0 = √(0.25 × 0.02)
	 * = 0.0707107, z = 2.8284271 (= 2√2), p = 2(1 − Φ(2.828)) = 0.0046777. */
	assert_int_equal(uplift_two_prop_ci(60, 100, 40, 100, 0.95, &d, &lo, &hi), 0);
	assert_float_equal(d, 0.2, 1e-15);
	assert_float_equal(lo, 0.0642097119108593812, 1e-12);
	assert_float_equal(hi, 0.335790288089140619, 1e-12);
	assert_int_equal(uplift_two_prop_test(60, 100, 40, 100, &z, &p), 0);
	assert_float_equal(z, 2.82842712474619010, 1e-12);
	assert_float_equal(p, 0.00467773498104726584, 1e-14);
	/* reversed groups: the sign turns, p does not */
	assert_int_equal(uplift_two_prop_test(40, 100, 60, 100, &z, &p), 0);
	assert_float_equal(z, -2.82842712474619010, 1e-12);
	assert_float_equal(p, 0.00467773498104726584, 1e-14);
}

static void test_two_prop_textbook(void **state)
{
	double d, lo, hi, z, p;

	/* OpenIntro Statistics (4th ed., difference of two proportions), blood thinners after CPR:
	 * 14 of 40 survived with the drug, 11 of 50 without; point estimate 0.13, SE 0.095, 90%
	 * interval about (−0.027, 0.287). mpmath: [−0.0270770624, 0.2870770624]. */
	assert_int_equal(uplift_two_prop_ci(14, 40, 11, 50, 0.90, &d, &lo, &hi), 0);
	assert_float_equal(d, 0.13, 1e-15);
	assert_float_equal(lo, -0.0270770623917544912, 1e-12);
	assert_float_equal(hi, 0.287077062391754491, 1e-12);
	/* OpenIntro (same section), mammograms: 500 of 44,925 against 505 of 44,910 died
	 * of breast cancer; pooled p̂ = 0.0112, the book's z ≈ −0.17 (from the SE
	 * rounded to 0.00070) and p ≈ 0.87: no evidence of a difference.
	 * Unrounded (mpmath): z = −0.163932956, p = 0.869783923. */
	assert_int_equal(uplift_two_prop_test(500, 44925, 505, 44910, &z, &p), 0);
	assert_float_equal(z, -0.163932956157800537, 1e-10);
	assert_float_equal(p, 0.869783922786000994, 1e-10);
	assert_int_equal(uplift_two_prop_ci(500, 44925, 505, 44910, 0.95, &d, &lo, &hi), 0);
	assert_float_equal(lo, -0.00149059007456720877, 1e-13);
	assert_float_equal(hi, 0.00126048787424744477, 1e-13);
	assert_true(lo < 0 && hi > 0);
}

static void test_two_prop_edges(void **state)
{
	double d, lo, hi, z, p;

	/* nobody converted in either group: no evidence, a zero-width interval */
	assert_int_equal(uplift_two_prop_test(0, 50, 0, 20, &z, &p), 0);
	assert_float_equal(z, 0, 0);
	assert_float_equal(p, 1, 0);
	assert_int_equal(uplift_two_prop_test(50, 50, 20, 20, &z, &p), 0);
	assert_float_equal(p, 1, 0);
	assert_int_equal(uplift_two_prop_ci(0, 50, 0, 20, 0.95, &d, &lo, &hi), 0);
	assert_float_equal(d, 0, 0);
	assert_float_equal(lo, 0, 0);
	assert_float_equal(hi, 0, 0);
	/* bad input */
	assert_int_equal(uplift_two_prop_test(1, 0, 0, 5, &z, &p), -1);
	assert_int_equal(uplift_two_prop_test(6, 5, 0, 5, &z, &p), -1);
	assert_int_equal(uplift_two_prop_test(-1, 5, 0, 5, &z, &p), -1);
	assert_int_equal(uplift_two_prop_ci(1, 5, 1, 5, 1.0, &d, &lo, &hi), -1);
	assert_int_equal(uplift_two_prop_ci(1, 5, 1, 5, 0, &d, &lo, &hi), -1);
	assert_int_equal(uplift_two_prop_ci(1, 5, 1, 5, NAN, &d, &lo, &hi), -1);
}

static void test_welch(void **state)
{
	double d, lo, hi, df;

	/* Equal sizes and variances: Welch's df is 2(n − 1). Means 10 and 8,
	 * variances 4 and 4, n 11 and 11: SE = √(8/11) = 0.8528029, df =
	 * (8/11)² / (2 (4/11)² / 10) = 20, t(0.975, 20) = 2.086 (table);
	 * 2 ± 2.0859634 × 0.8528029 = [0.2210844, 3.7789156]. */
	assert_int_equal(uplift_welch_ci(10, 4, 11, 8, 4, 11, 0.95, &d, &lo, &hi, &df), 0);
	assert_float_equal(d, 2, 0);
	assert_float_equal(df, 20, 1e-12);
	assert_float_equal(lo, 0.221084395005196023, 1e-10);
	assert_float_equal(hi, 3.77891560499480398, 1e-10);
	/* Unequal: means 20 and 15, variances 16 and 4, n 10 and 10: a = 1.6,
	 * b = 0.4, SE = √2, df = 2² / (1.6²/9 + 0.4²/9) = 36 / 2.72 = 13.2352941;
	 * t(0.975, 13.235) = 2.1564710 (mpmath; between the table's 2.160 at 13
	 * and 2.145 at 14); 5 ± 2.1564710 × √2 = [1.9502895, 8.0497105]. */
	assert_int_equal(uplift_welch_ci(20, 16, 10, 15, 4, 10, 0.95, &d, &lo, &hi, &df), 0);
	assert_float_equal(df, 13.2352941176470588, 1e-12);
	assert_float_equal(lo, 1.95028946542395287, 1e-10);
	assert_float_equal(hi, 8.04971053457604713, 1e-10);
	/* one variance 0: df is the other group's n − 1 */
	assert_int_equal(uplift_welch_ci(5, 9, 10, 3, 0, 40, 0.95, &d, &lo, &hi, &df), 0);
	assert_float_equal(df, 9, 1e-12);
	/* both 0: the point, df n1 + n2 − 2 */
	assert_int_equal(uplift_welch_ci(5, 0, 10, 3, 0, 40, 0.95, &d, &lo, &hi, &df), 0);
	assert_float_equal(lo, 2, 0);
	assert_float_equal(hi, 2, 0);
	assert_float_equal(df, 48, 0);
	/* bad input */
	assert_int_equal(uplift_welch_ci(1, 1, 1, 1, 1, 5, 0.95, &d, &lo, &hi, &df), -1);
	assert_int_equal(uplift_welch_ci(1, -1, 5, 1, 1, 5, 0.95, &d, &lo, &hi, &df), -1);
	assert_int_equal(uplift_welch_ci(1, 1, 5, 1, 1, 5, 1.5, &d, &lo, &hi, &df), -1);
}

static void test_mean_var(void **state)
{
	double m, v;

	/* 2, 4, 4, 4, 5, 5, 7, 9: sum 40, sum of squares 236; mean 5, sample
	 * variance (236 − 40²/8) / 7 = 36 / 7 = 5.142857. */
	assert_int_equal(uplift_mean_var(40, 236, 8, &m, &v), 0);
	assert_float_equal(m, 5, 0);
	assert_float_equal(v, 36.0 / 7, 1e-12);
	/* one value: variance 0; none: an error */
	assert_int_equal(uplift_mean_var(7, 49, 1, &m, &v), 0);
	assert_float_equal(m, 7, 0);
	assert_float_equal(v, 0, 0);
	assert_int_equal(uplift_mean_var(0, 0, 0, &m, &v), -1);
	/* equal large values: the sums' rounding is tiny against the values and
	 * never makes the variance negative */
	for (double x = 0.1; x < 1e9; x = x * 7.3 + 0.7) {
		assert_int_equal(uplift_mean_var(3 * x, 3 * (x * x), 3, &m, &v), 0);
		assert_true(v >= 0 && v <= 1e-12 * x * x);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_normal),           cmocka_unit_test(test_t_tables),
	    cmocka_unit_test(test_two_prop_by_hand), cmocka_unit_test(test_two_prop_textbook),
	    cmocka_unit_test(test_two_prop_edges),   cmocka_unit_test(test_welch),
	    cmocka_unit_test(test_mean_var),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
