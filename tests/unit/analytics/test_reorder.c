/* test_reorder.c: reorder points from a daily forecast against figures
 * worked out by hand (in the comments), the inverse normal against known
 * quantiles, the rounding to multiples, packs and minimum orders, and bad
 * input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "analytics/reorder.h"

static void test_inv_normal_quantiles(void **state)
{
	/* Known values of Φ⁻¹ (R: qnorm). */
	assert_float_equal(reorder_inv_normal(0.5), 0.0, 1e-12);
	assert_float_equal(reorder_inv_normal(0.8), 0.8416212335729143, 1e-12);
	assert_float_equal(reorder_inv_normal(0.9), 1.2815515655446004, 1e-12);
	assert_float_equal(reorder_inv_normal(0.95), 1.6448536269514722, 1e-12);
	assert_float_equal(reorder_inv_normal(0.975), 1.959963984540054, 1e-12);
	assert_float_equal(reorder_inv_normal(0.99), 2.3263478740408408, 1e-12);
	assert_float_equal(reorder_inv_normal(0.999), 3.090232306167813, 1e-11);
	/* the lower tail is symmetric */
	assert_float_equal(reorder_inv_normal(0.01), -2.3263478740408408, 1e-12);
	assert_float_equal(reorder_inv_normal(0.05), -1.6448536269514722, 1e-12);
	assert_true(isinf(reorder_inv_normal(0)) && reorder_inv_normal(0) < 0);
	assert_true(isinf(reorder_inv_normal(1)) && reorder_inv_normal(1) > 0);
	assert_true(isnan(reorder_inv_normal(NAN)));
}

static void test_flat_forecast_by_hand(void **state)
{
	/* 2 units a day, σ 1 unit a day; L 4, R 7, 95%.
	 * lead demand 4 × 2 = 8; σ_L = sqrt(4 × 1²) = 2; z = 1.6448536;
	 * safety 3.2897 → 3.290; reorder point 11.290; review demand 7 × 2 = 14;
	 * order-up-to 25.290. Position 5 + 3 = 8 <= 11.290: need 17.290, in
	 * packs of 6: 18, raised to the minimum order 24. */
	int64_t mean[14], sigma[14];
	struct reorder_terms t = {0, 6000, 24000};
	struct reorder_calc c;

	for (int i = 0; i < 14; i++) {
		mean[i] = 2000;
		sigma[i] = 1000;
	}
	assert_int_equal(reorder_compute(mean, sigma, 14, 4, 7, 95000, 5000, 3000, &t, &c), 0);
	assert_int_equal(c.lead_demand, 8000);
	assert_int_equal(c.sigma_lead, 2000);
	assert_float_equal(c.z, 1.6448536269514722, 1e-12);
	assert_int_equal(c.safety_stock, 3290);
	assert_int_equal(c.reorder_point, 11290);
	assert_int_equal(c.review_demand, 14000);
	assert_int_equal(c.order_up_to, 25290);
	assert_int_equal(c.position, 8000);
	assert_int_equal(c.need, 17290);
	assert_int_equal(c.quantity, 24000);
	assert_int_equal(c.extended, 0);
	/* without terms: the need itself */
	assert_int_equal(reorder_compute(mean, sigma, 14, 4, 7, 95000, 5000, 3000, NULL, &c), 0);
	assert_int_equal(c.quantity, 17290);
	/* packs of 6 and no minimum: 18 */
	t.min_order_qty = 0;
	assert_int_equal(reorder_compute(mean, sigma, 14, 4, 7, 95000, 5000, 3000, &t, &c), 0);
	assert_int_equal(c.quantity, 18000);
}

static void test_varying_forecast_by_hand(void **state)
{
	/* L 3: means 1 + 2 + 3 = 6; σ² 0.09 + 0.16 + 1.44 = 1.69, σ_L 1.3;
	 * 90%: z 1.2815516, safety 1.666017 → 1.666; reorder point 7.666;
	 * R 2: 0 + 0.5; order-up-to 8.166. */
	const int64_t mean[] = {1000, 2000, 3000, 0, 500, 9000};
	const int64_t sigma[] = {300, 400, 1200, 100, 100, 100};
	struct reorder_terms t = {1000, 0, 0};
	struct reorder_calc c;

	/* position exactly at the reorder point: 8.166 − 7.666 = 0.5, to a
	 * multiple of 1: 1 */
	assert_int_equal(reorder_compute(mean, sigma, 6, 3, 2, 90000, 7666, 0, &t, &c), 0);
	assert_int_equal(c.lead_demand, 6000);
	assert_int_equal(c.sigma_lead, 1300);
	assert_int_equal(c.safety_stock, 1666);
	assert_int_equal(c.reorder_point, 7666);
	assert_int_equal(c.review_demand, 500);
	assert_int_equal(c.order_up_to, 8166);
	assert_int_equal(c.need, 500);
	assert_int_equal(c.quantity, 1000);
	/* one thousandth above: nothing, figures still there */
	assert_int_equal(reorder_compute(mean, sigma, 6, 3, 2, 90000, 7000, 667, &t, &c), 0);
	assert_int_equal(c.position, 7667);
	assert_int_equal(c.need, 0);
	assert_int_equal(c.quantity, 0);
	assert_int_equal(c.reorder_point, 7666);
	/* 50%: z 0, no safety stock */
	assert_int_equal(reorder_compute(mean, sigma, 6, 3, 2, 50000, 0, 0, NULL, &c), 0);
	assert_int_equal(c.safety_stock, 0);
	assert_int_equal(c.reorder_point, 6000);
	assert_int_equal(c.quantity, 6500);
}

static void test_past_the_horizon(void **state)
{
	/* 3 days known (< 7): later days repeat the last one.
	 * L 2: 1 + 2 = 3; R 3: 4 + 4 + 4 = 12; 2 days extended. */
	const int64_t m3[] = {1000, 2000, 4000}, s3[] = {100, 100, 100};
	/* 7 days known: day 8.. repeat the week. L 7 = 28, R 7 = 28. */
	const int64_t m7[] = {1000, 2000, 3000, 4000, 5000, 6000, 7000};
	const int64_t s7[] = {0, 0, 0, 0, 0, 0, 0};
	/* a negative mean counts as nothing */
	const int64_t mneg[] = {-500, 1000}, sneg[] = {0, 0};
	struct reorder_calc c;

	assert_int_equal(reorder_compute(m3, s3, 3, 2, 3, 95000, 0, 0, NULL, &c), 0);
	assert_int_equal(c.lead_demand, 3000);
	assert_int_equal(c.review_demand, 12000);
	assert_int_equal(c.extended, 2);
	assert_int_equal(reorder_compute(m7, s7, 7, 7, 7, 95000, 100000, 0, NULL, &c), 0);
	assert_int_equal(c.lead_demand, 28000);
	assert_int_equal(c.review_demand, 28000);
	assert_int_equal(c.safety_stock, 0);
	assert_int_equal(c.extended, 7);
	assert_int_equal(c.quantity, 0);
	assert_int_equal(reorder_compute(mneg, sneg, 2, 2, 0, 95000, 0, 0, NULL, &c), 0);
	assert_int_equal(c.lead_demand, 1000);
}

static void test_rounding(void **state)
{
	struct reorder_terms t = {4000, 6000, 10000};
	int64_t q;

	/* 1 → multiple of 4: 4 → packs of 6: 6 → minimum 10 in packs of 6: 12 */
	assert_int_equal(reorder_round(1000, &t, &q), 0);
	assert_int_equal(q, 12000);
	/* 13 → 16 → 18 (above the minimum) */
	assert_int_equal(reorder_round(13000, &t, &q), 0);
	assert_int_equal(q, 18000);
	assert_int_equal(reorder_round(0, &t, &q), 0);
	assert_int_equal(q, 0);
	t.pack_size = 0;
	/* 9 → 12; minimum 10 below it: 12 */
	assert_int_equal(reorder_round(9000, &t, &q), 0);
	assert_int_equal(q, 12000);
	t.order_multiple = INT64_MAX / 2 + 1;
	assert_int_equal(reorder_round(INT64_MAX - 1, &t, &q), -1);
}

static void test_bad_input(void **state)
{
	const int64_t m[] = {1000, 1000}, s[] = {100, 100}, sneg[] = {100, -1};
	const int64_t big[] = {INT64_MAX / 2, INT64_MAX / 2, INT64_MAX / 2}, s3[] = {0, 0, 0};
	struct reorder_calc c;

	assert_int_equal(reorder_compute(m, s, 0, 1, 1, 95000, 0, 0, NULL, &c), -1);
	assert_int_equal(reorder_compute(m, s, 2, -1, 1, 95000, 0, 0, NULL, &c), -1);
	assert_int_equal(reorder_compute(m, s, 2, 1, -1, 95000, 0, 0, NULL, &c), -1);
	assert_int_equal(reorder_compute(m, s, 2, 1, 1, 49999, 0, 0, NULL, &c), -1);
	assert_int_equal(reorder_compute(m, s, 2, 1, 1, 99901, 0, 0, NULL, &c), -1);
	assert_int_equal(reorder_compute(m, s, 2, 3000, 1000, 95000, 0, 0, NULL, &c), -1);
	assert_int_equal(reorder_compute(m, sneg, 2, 2, 0, 95000, 0, 0, NULL, &c), -1);
	assert_int_equal(reorder_compute(big, s3, 3, 3, 0, 95000, 0, 0, NULL, &c), -1);
	assert_int_equal(reorder_compute(m, s, 2, 1, 1, 95000, INT64_MAX, 1, NULL, &c), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inv_normal_quantiles),
		cmocka_unit_test(test_flat_forecast_by_hand),
		cmocka_unit_test(test_varying_forecast_by_hand),
		cmocka_unit_test(test_past_the_horizon),
		cmocka_unit_test(test_rounding),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
