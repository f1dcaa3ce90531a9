/* test_campaign_results.c: the figures derived from a campaign's two groups
 * (campaign_results_compute), worked out by hand: rates, incremental revenue
 * and margin rounded to the fen, ROI, the verdict in each case, and money
 * that would leave its range. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "analytics/campaign_results.h"
#include "base/money.h"

static void test_by_hand(void **state)
{
	/* target 900 members, 180 converted, revenue 1,800,000 fen, margin
	 * 450,000; control 100, 10 converted, 150,000 and 40,000; cost 50,000. */
	struct cr_group t = {.members = 900,
	                     .converted = 180,
	                     .revenue = 1800000,
	                     .margin = 450000,
	                     .revenue_sq = 180 * 1e8};
	struct cr_group c = {.members = 100,
	                     .converted = 10,
	                     .revenue = 150000,
	                     .margin = 40000,
	                     .revenue_sq = 10 * 2.25e8};
	struct cr_stats s;

	assert_int_equal(campaign_results_compute(&t, &c, 50000, 1, &s), 0);
	assert_float_equal(s.t_rate, 0.2, 1e-15);
	assert_float_equal(s.c_rate, 0.1, 1e-15);
	assert_float_equal(s.t_rpm, 2000, 1e-9);
	assert_float_equal(s.c_rpm, 1500, 1e-9);
	/* (2000 − 1500) × 900 = 450,000; (500 − 400) × 900 = 90,000 */
	assert_int_equal(s.incr_revenue, 450000);
	assert_int_equal(s.incr_margin, 90000);
	/* (90,000 − 50,000) / 50,000 */
	assert_true(s.roi_ok);
	assert_float_equal(s.roi, 0.8, 1e-12);
	/* 0.1 ± 1.96 √(0.2·0.8/900 + 0.1·0.9/100) = 0.1 ± 1.96 × 0.0342 > 0 */
	assert_true(s.conv_ok && s.conv_sig);
	assert_float_equal(s.conv_diff, 0.1, 1e-12);
	assert_float_equal(s.conv_lo, 0.1 - 1.959963984540054 * sqrt(0.16 / 900 + 0.09 / 100),
	                   1e-9);
	assert_string_equal(s.verdict, "effect");
	assert_true(s.rpm_ok);
	assert_float_equal(s.rpm_diff, 500, 1e-9);
}

static void test_rounding_and_verdicts(void **state)
{
	struct cr_group t = {.members = 3, .converted = 1, .revenue = 100, .margin = -7};
	struct cr_group c = {.members = 2, .converted = 1, .revenue = 100, .margin = 0};
	struct cr_stats s;

	/* (100/3 − 100/2) × 3 = −50 exactly; margin (−7/3 − 0) × 3 = −7 */
	assert_int_equal(campaign_results_compute(&t, &c, 0, 1, &s), 0);
	assert_int_equal(s.incr_revenue, -50);
	assert_int_equal(s.incr_margin, -7);
	assert_false(s.roi_ok);
	assert_string_equal(s.verdict, "no_effect_yet");
	/* (101/3 − 100/2) × 3 = (101 × 2 − 100 × 3) / 2 = −49; margin
	 * (1/3 − 1/2) × 3 = −0.5: half a fen rounds away from zero, to −1 */
	t.revenue = 101;
	t.margin = 1;
	c.margin = 1;
	assert_int_equal(campaign_results_compute(&t, &c, 0, 1, &s), 0);
	assert_int_equal(s.incr_revenue, -49);
	assert_int_equal(s.incr_margin, -1);
	/* every control member bought, no target member: below 0 */
	struct cr_group t0 = {.members = 400};
	struct cr_group c1 = {
	    .members = 100, .converted = 100, .revenue = 1000, .revenue_sq = 100 * 100.0};
	assert_int_equal(campaign_results_compute(&t0, &c1, 0, 1, &s), 0);
	assert_string_equal(s.verdict, "negative");
	/* not started, or a group under two members: too early, no interval */
	assert_int_equal(campaign_results_compute(&t, &c, 0, 0, &s), 0);
	assert_string_equal(s.verdict, "too_early");
	assert_false(s.conv_ok);
	struct cr_group one = {.members = 1, .converted = 1};
	assert_int_equal(campaign_results_compute(&t, &one, 0, 1, &s), 0);
	assert_string_equal(s.verdict, "too_early");
	assert_false(s.rpm_ok);
	/* empty groups: zeros, not NaN */
	struct cr_group none = {0};
	assert_int_equal(campaign_results_compute(&none, &none, 100, 1, &s), 0);
	assert_float_equal(s.t_rate, 0, 0);
	assert_int_equal(s.incr_revenue, 0);
	assert_float_equal(s.roi, -1, 0);
}

static void test_out_of_range(void **state)
{
	/* one control member's revenue against a million target members:
	 * (0 − MONEY_MAX) × 10⁶ leaves the money range */
	struct cr_group t = {.members = 1000000};
	struct cr_group c = {.members = 1, .revenue = MONEY_MAX};
	struct cr_stats s;

	assert_int_equal(campaign_results_compute(&t, &c, 0, 1, &s), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_by_hand),
	    cmocka_unit_test(test_rounding_and_verdicts),
	    cmocka_unit_test(test_out_of_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
