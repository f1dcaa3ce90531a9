/* test_replenish_sim.c: the day-by-day replenishment simulation on series
 * worked through by hand (day by day in the comments): min/max orders and
 * their arrival after the lead time, lost sales, and the forecast policy
 * on a constant series. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "analytics/replenish_sim.h"

static void test_minmax_by_hand(void **state)
{
	/* 2 a day; min 4, max 10, lead 2, start with 6.
	 * day 1: 6-2 = 4, position 4 <= 4: order 6 (arrives day 3)
	 * day 2: 2, position 8;  day 3: +6 = 8, -2 = 6
	 * day 4: 4, position 4: order 6 (day 6);  day 5: 2;  day 6: +6 -2 = 6
	 * end-of-day stock 4+2+6+4+2+6 = 24 */
	const int64_t y[] = {0, 2000, 2000, 2000, 2000, 2000, 2000};
	struct rsim_opts o = {.lead_days = 2, .refit_days = 7, .min = 4000, .max = 10000,
			      .start_stock = 6000};
	struct rsim_result r;

	assert_int_equal(rsim_run(y, 7, 1, RSIM_MINMAX, &o, &r), 0);
	assert_int_equal(r.days, 6);
	assert_int_equal(r.demanded, 12000);
	assert_int_equal(r.served, 12000);
	assert_int_equal(r.orders, 2);
	assert_float_equal(r.stock_sum, 24000, 1e-9);
	assert_int_equal(r.fits, 0);
	/* packs of 4: 6 → 8 each time.  day 3: 2+8-2 = 8; day 4: 6; day 5: 4:
	 * order 8 (day 7, after the end); day 6: 2 → 4+2+8+6+4+2 = 26 */
	o.pack = 4000;
	assert_int_equal(rsim_run(y, 7, 1, RSIM_MINMAX, &o, &r), 0);
	assert_int_equal(r.orders, 2);
	assert_float_equal(r.stock_sum, 26000, 1e-9);
}

static void test_lost_sales(void **state)
{
	/* 1 on hand, no orders (max 0): day 1 serves 1 of 2, day 2 nothing;
	 * a negative day (returns) is no demand. */
	const int64_t y[] = {0, 2000, 2000, -1000};
	struct rsim_opts o = {.lead_days = 1, .refit_days = 1, .start_stock = 1000};
	struct rsim_result r;

	assert_int_equal(rsim_run(y, 4, 1, RSIM_MINMAX, &o, &r), 0);
	assert_int_equal(r.demanded, 4000);
	assert_int_equal(r.served, 1000);
	assert_int_equal(r.orders, 0);
	assert_float_equal(r.stock_sum, 0, 1e-9);
}

static void test_forecast_policy_constant(void **state)
{
	/* 3 a day for 42 days; the first 28 are history. naive on a constant
	 * series: mean 3, no spread: reorder point 3 × 2 = 6, order-up-to
	 * 6 + 3 × 7 = 27. Start 27: ends of days 28..34: 24 .. 6 (order 21 at
	 * day 34, arrives 36); 35: 3; 36: 21; 37..41: 18 .. 6 (order 21).
	 * Stock 105 + 84 = 189; refits on days 28 and 35. */
	int64_t y[42];
	struct rsim_opts o = {.lead_days = 2, .review_days = 7, .level_e3 = 95000, .refit_days = 7,
			      .method = FC_NAIVE, .start_stock = 27000};
	struct rsim_result r;

	for (int i = 0; i < 42; i++)
		y[i] = 3000;
	assert_int_equal(rsim_run(y, 42, 28, RSIM_FORECAST, &o, &r), 0);
	assert_int_equal(r.fits, 2);
	assert_int_equal(r.orders, 2);
	assert_int_equal(r.served, r.demanded);
	assert_int_equal(r.demanded, 42000);
	assert_float_equal(r.stock_sum, 189000, 1e-6);
}

static void test_bad_input(void **state)
{
	const int64_t y[] = {1, 2, 3};
	struct rsim_opts o = {.lead_days = 1, .refit_days = 7};
	struct rsim_result r;

	assert_int_equal(rsim_run(y, 3, 0, RSIM_MINMAX, &o, &r), -1);
	assert_int_equal(rsim_run(y, 3, 3, RSIM_MINMAX, &o, &r), -1);
	o.refit_days = 0;
	assert_int_equal(rsim_run(y, 3, 1, RSIM_MINMAX, &o, &r), -1);
	o.refit_days = 1;
	o.lead_days = 366;
	assert_int_equal(rsim_run(y, 3, 1, RSIM_MINMAX, &o, &r), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minmax_by_hand),
		cmocka_unit_test(test_lost_sales),
		cmocka_unit_test(test_forecast_policy_constant),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
