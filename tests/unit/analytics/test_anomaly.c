/* test_anomaly.c: the anomaly scoring on plain arrays — median and robust z
 * against hand values, the MAD = 0 guard, the peer rule's tests one by one,
 * the day share, the band and spike checks, and the sentences' figures. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "analytics/anomaly.h"

static void test_median(void **state)
{
	(void)state;
	double odd[] = {5, 1, 3};
	double even[] = {4, 1, 3, 2};
	assert_true(anomaly_median(odd, 3) == 3);
	assert_true(anomaly_median(even, 4) == 2.5);
	assert_true(odd[0] == 5); /* not sorted in place */
	assert_true(anomaly_median(odd, 0) == 0);
}

static void test_robust_z(void **state)
{
	(void)state;
	/* median 3, |dev| = 2 1 0 1 2 -> MAD 1, scale 1.4826 */
	double x[] = {1, 2, 3, 4, 5};
	struct anomaly_z z;
	anomaly_robust_z(x, 5, 10, &z);
	assert_true(z.median == 3 && z.mad == 1 && !z.mad_zero);
	assert_true(fabs(z.z - 7 / 1.4826) < 1e-9);
	anomaly_robust_z(x, 5, 3, &z);
	assert_true(z.z == 0);
	anomaly_robust_z(x, 5, 0, &z);
	assert_true(fabs(z.z + 3 / 1.4826) < 1e-9);
}

static void test_mad_zero(void **state)
{
	(void)state;
	/* more than half equal: MAD 0, scale 1.253314 × mean |dev| = 1.253314 × 10/5 */
	double x[] = {0, 0, 0, 0, 10};
	struct anomaly_z z;
	anomaly_robust_z(x, 5, 10, &z);
	assert_true(z.mad == 0 && z.mad_zero);
	assert_true(fabs(z.scale - 1.253314 * 2) < 1e-9);
	assert_true(fabs(z.z - 10 / (1.253314 * 2)) < 1e-9);
	/* all equal: scale 0, z capped, never Inf or NaN */
	double same[] = {2, 2, 2};
	anomaly_robust_z(same, 3, 5, &z);
	assert_true(z.scale == 0 && z.z == ANOMALY_Z_CAP);
	anomaly_robust_z(same, 3, 2, &z);
	assert_true(z.z == 0);
	anomaly_robust_z(same, 3, 1, &z);
	assert_true(z.z == -ANOMALY_Z_CAP);
}

static void test_peer(void **state)
{
	(void)state;
	/* five cashiers, 200 sales each; cashier 4 voids 20 (10%), the others 1-2 */
	int64_t ev[] = {1, 2, 1, 2, 20}, vol[] = {200, 200, 200, 200, 200};
	struct anomaly_peer_result r;
	assert_int_equal(anomaly_peer(ev, vol, 5, 4, &anomaly_peer_default, &r), 1);
	assert_true(r.rate == 0.1 && r.median == 0.01 && r.peers == 5);
	/* rates .005 .01 .005 .01 .1: MAD = median(.005 0 .005 0 .09) = .005 */
	assert_true(fabs(r.z - 0.09 / (1.4826 * 0.005)) < 1e-9);
	assert_int_equal(anomaly_peer(ev, vol, 5, 1, &anomaly_peer_default, &r), 0);
	/* too few events */
	int64_t few[] = {0, 0, 0, 0, 4};
	assert_int_equal(anomaly_peer(few, vol, 5, 4, &anomaly_peer_default, &r), 0);
	/* too little volume: the subject has 20 sales */
	int64_t vsmall[] = {200, 200, 200, 200, 20};
	int64_t ev2[] = {1, 2, 1, 2, 10};
	assert_int_equal(anomaly_peer(ev2, vsmall, 5, 4, &anomaly_peer_default, &r), 0);
	/* too few peers: two cashiers */
	assert_int_equal(anomaly_peer(ev, vol, 2, 1, &anomaly_peer_default, &r), 0);
	/* MAD = 0 among peers (nobody else voids): the mean-deviation guard */
	int64_t zero[] = {0, 0, 0, 0, 8};
	assert_int_equal(anomaly_peer(zero, vol, 5, 4, &anomaly_peer_default, &r), 1);
	assert_true(r.mad_zero && r.median == 0);
	/* a rate 1.5× the median is not enough however large z is */
	int64_t close[] = {100, 100, 100, 100, 150}, big[] = {1000, 1000, 1000, 1000, 1000};
	assert_int_equal(anomaly_peer(close, big, 5, 4, &anomaly_peer_default, &r), 0);
	assert_true(r.z > 3.5);
	/* a count within Poisson noise of the median is not enough: median 4 of
	 * 100 (expect 4, 3σ = 6) and 9 events: ratio 2.25 but 9 < 10 */
	int64_t ev3[] = {4, 4, 4, 4, 9}, v3[] = {100, 100, 100, 100, 100};
	assert_int_equal(anomaly_peer(ev3, v3, 5, 4, &anomaly_peer_default, &r), 0);
	int64_t ev4[] = {4, 4, 4, 4, 11};
	assert_int_equal(anomaly_peer(ev4, v3, 5, 4, &anomaly_peer_default, &r), 1);
}

static void test_day_share(void **state)
{
	(void)state;
	double h[48] = {0};
	/* day 1: 100 at 9h, 300 at 14h; day 2: 200 at 10h, 400 at 16h */
	h[9] = 100, h[14] = 300, h[24 + 10] = 200, h[24 + 16] = 400;
	assert_true(anomaly_day_share(h, 2, 0) == 0);
	assert_true(fabs(anomaly_day_share(h, 2, 15) - 600.0 / 1000) < 1e-12);
	assert_true(anomaly_day_share(h, 2, 24) == 1);
	double none[24] = {0};
	assert_true(anomaly_day_share(none, 1, 12) == 0);
}

static void test_band(void **state)
{
	(void)state;
	struct anomaly_band_result r;
	/* the day 10,000 (95% 8,000-12,000) by a share of 0.5: expected 5,000,
	 * half-widths 2,000 × √0.5 = 1,414.21: band 3,585.79-6,414.21; far below
	 * under 3,585.79 - 0.5 × 1,414.21 = 2,878.68 */
	assert_int_equal(anomaly_band(250000, 1000000, 800000, 1200000, 0.5, &anomaly_band_store, &r), 1);
	assert_true(r.expected == 500000 && fabs(r.lower - 358578.64) < 0.01 &&
		    fabs(r.upper - 641421.36) < 0.01);
	assert_true(r.direction == -1 && fabs(r.pct + 50) < 1e-9);
	/* below the band scaled by the share alone (4,000) but inside this one */
	assert_int_equal(anomaly_band(380000, 1000000, 800000, 1200000, 0.5, &anomaly_band_store, &r), 0);
	assert_int_equal(r.direction, 0);
	/* below the band but not by the margin */
	assert_int_equal(anomaly_band(300000, 1000000, 800000, 1200000, 0.5, &anomaly_band_store, &r), 0);
	assert_int_equal(r.direction, -1);
	/* far above: over 6,414.21 + 707.11 */
	assert_int_equal(anomaly_band(800000, 1000000, 800000, 1200000, 0.5, &anomaly_band_store, &r), 1);
	assert_true(r.direction == 1 && fabs(r.pct - 60) < 1e-9);
	assert_int_equal(anomaly_band(700000, 1000000, 800000, 1200000, 0.5, &anomaly_band_store, &r), 0);
	assert_int_equal(r.direction, 1);
	/* too early in the day */
	assert_int_equal(anomaly_band(0, 1000000, 800000, 1200000, 0.1, &anomaly_band_store, &r), 0);
	/* a product needs 60% off */
	assert_int_equal(anomaly_band(30000, 100000, 80000, 120000, 0.5, &anomaly_band_product, &r), 0);
	assert_int_equal(anomaly_band(15000, 100000, 80000, 120000, 0.5, &anomaly_band_product, &r), 1);
	/* a negative lower bound counts as 0 */
	anomaly_band(0, 1000000, -50000, 1200000, 0.5, &anomaly_band_store, &r);
	assert_true(r.lower == 0);
}

static void test_spike(void **state)
{
	(void)state;
	double hist[90] = {0};
	for (int i = 0; i < 90; i += 10)
		hist[i] = 20000; /* ¥200 every tenth day: mean ¥20 */
	struct anomaly_spike_result r;
	assert_int_equal(anomaly_spike(hist, 90, 300000, &anomaly_spike_value, &r), 1);
	assert_true(fabs(r.mean - 2000) < 1e-9 && r.median == 0 && r.ratio == 150);
	/* under the absolute floor */
	assert_int_equal(anomaly_spike(hist, 90, 90000, &anomaly_spike_value, &r), 0);
	/* a store that adjusts every day: ¥2,000 is normal */
	for (int i = 0; i < 90; i++)
		hist[i] = 150000 + (i % 5) * 20000;
	assert_int_equal(anomaly_spike(hist, 90, 200000, &anomaly_spike_value, &r), 0);
	assert_int_equal(anomaly_spike(hist, 90, 2000000, &anomaly_spike_value, &r), 1);
	/* no history */
	assert_int_equal(anomaly_spike(NULL, 0, 200000, &anomaly_spike_value, &r), 1);
}

static void test_sentences(void **state)
{
	(void)state;
	char s[512];
	anomaly_yuan(312000, s, sizeof s);
	assert_string_equal(s, "¥3,120");
	anomaly_yuan(49, s, sizeof s);
	assert_string_equal(s, "¥0");
	anomaly_yuan(123456789, s, sizeof s);
	assert_string_equal(s, "¥1,234,568");
	anomaly_yuan(-250000, s, sizeof s);
	assert_string_equal(s, "-¥2,500");
	anomaly_sentence_sales(s, sizeof s, "Store 07", 312000, 15, 578000, 490000, 660000, 6);
	assert_string_equal(s, "Store 07 sold ¥3,120 today by 15:00, 46% below the ¥5,780 "
			       "expected for a Saturday (95% band ¥4,900–¥6,600)");
	anomaly_sentence_sales(s, sizeof s, "Store S001", 800000, 9, 500000, 400000, 600000, 1);
	assert_string_equal(s, "Store S001 sold ¥8,000 today by 09:00, 60% above the ¥5,000 "
			       "expected for a Monday (95% band ¥4,000–¥6,000)");
	anomaly_sentence_cashier(s, sizeof s, "Li Na", "S001", "voids", 12, 120, 0.008, 6.08, 28);
	assert_string_equal(s, "Cashier Li Na (S001) had 10.0% of 120 sales voided over the last 28 "
			       "days (12 sales); the store's cashiers' median is 0.8% (robust z 6.1)");
	anomaly_sentence_cashier(s, sizeof s, "Wang", "S002", "discounts", 30, 100, 0.05, 9.96, 28);
	assert_string_equal(s, "Cashier Wang (S002) had 30.0% of 100 sales manually discounted over "
			       "the last 28 days (30 sales); the store's cashiers' median is 5.0% "
			       "(robust z 10.0)");
	anomaly_sentence_adjust(s, sizeof s, "S001", 240000, 340000, 12000, 40000, 90);
	assert_string_equal(s, "Store S001 adjusted 240 units (¥3,400 at cost) of stock today, "
			       "against a daily average of 12.0 units (¥400) over the last 90 days");
	assert_string_equal(anomaly_weekday(7), "Sunday");
	assert_string_equal(anomaly_weekday(0), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_median),	  cmocka_unit_test(test_robust_z),
		cmocka_unit_test(test_mad_zero),  cmocka_unit_test(test_peer),
		cmocka_unit_test(test_day_share), cmocka_unit_test(test_band),
		cmocka_unit_test(test_spike),	  cmocka_unit_test(test_sentences),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
