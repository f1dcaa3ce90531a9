/* test_target_split.c: the seasonal split of targets (sums to the fen,
 * follows last year's shape, zeros, one month) and the rebalance after a
 * month is edited (the total stays). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain/staff/target_split.h"

static int64_t sum(const int64_t *v, int n)
{
	int64_t s = 0;
	for (int i = 0; i < n; i++)
		s += v[i];
	return s;
}

static void test_awkward_total_sums_exactly(void **state)
{
	(void)state;
	const int64_t w[12] = {812345, 733331, 901237, 999999, 1000003, 877771,
			       1234567, 1111111, 987654, 1020304, 1357913, 2468013};
	const int64_t totals[] = {100000001, 1, 11, 7, 0, 999999999999LL, 123456789012345LL};
	int64_t out[12], bp[12];
	for (size_t t = 0; t < sizeof totals / sizeof *totals; t++) {
		assert_int_equal(target_split(w, 12, totals[t], out, bp), 0);
		assert_int_equal(sum(out, 12), totals[t]);
		assert_int_equal(sum(bp, 12), 10000);
		for (int i = 0; i < 12; i++)
			assert_true(out[i] >= 0);
	}
}

static void test_follows_shape(void **state)
{
	(void)state;
	/* last year: December twice November, January a quarter of it */
	int64_t w[12] = {25, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 100};
	int64_t out[12], bp[12];
	assert_int_equal(target_split(w, 12, 1200000, out, bp), 0);
	assert_int_equal(out[11], 2 * out[10]);
	assert_int_equal(out[10], 2 * out[0]);
	/* each part within one fen of the exact proportion */
	for (int i = 0; i < 12; i++) {
		int64_t exact_num = 1200000 * w[i];
		assert_true(out[i] * 625 >= exact_num - 625 && out[i] * 625 <= exact_num + 625);
	}
	assert_int_equal(sum(bp, 12), 10000);
	assert_int_equal(bp[11], 1600);
}

static void test_remainder_ties_go_to_earlier_month(void **state)
{
	(void)state;
	int64_t w[3] = {1, 1, 1}, out[3];
	assert_int_equal(target_split(w, 3, 100, out, NULL), 0);
	assert_int_equal(out[0], 34);
	assert_int_equal(out[1], 33);
	assert_int_equal(out[2], 33);
	assert_int_equal(target_split(w, 3, 101, out, NULL), 0);
	assert_int_equal(out[0], 34);
	assert_int_equal(out[1], 34);
	assert_int_equal(out[2], 33);
}

static void test_zero_and_negative_weights(void **state)
{
	(void)state;
	int64_t zeros[12] = {0}, out[12] = {0}, bp[12];
	assert_int_equal(target_split(zeros, 12, 500, out, NULL), -1);
	/* a month with net returns (negative) gets nothing */
	int64_t w[4] = {-300, 0, 100, 300};
	assert_int_equal(target_split(w, 4, 1001, out, bp), 0);
	assert_int_equal(out[0], 0);
	assert_int_equal(out[1], 0);
	assert_int_equal(out[2], 250);
	assert_int_equal(out[3], 751);
	assert_int_equal(bp[2] + bp[3], 10000);
	int64_t neg[2] = {-1, -5};
	assert_int_equal(target_split(neg, 2, 10, out, NULL), -1);
	assert_int_equal(target_split(w, 4, -1, out, NULL), -1);
}

static void test_single_month(void **state)
{
	(void)state;
	int64_t w[1] = {42}, out[1], bp[1];
	assert_int_equal(target_split(w, 1, 987654321, out, bp), 0);
	assert_int_equal(out[0], 987654321);
	assert_int_equal(bp[0], 10000);
}

static void test_rebalance_keeps_total(void **state)
{
	(void)state;
	int64_t a[12] = {100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1200};
	int locked[12] = {0};
	int64_t before = sum(a, 12);
	locked[5] = 1; /* June edited by hand earlier: stays */
	assert_int_equal(target_rebalance(a, locked, 12, 0, 1001), 0);
	assert_int_equal(a[0], 1001);
	assert_int_equal(a[5], 600);
	assert_int_equal(sum(a, 12), before);
	for (int i = 1; i < 12; i++)
		if (i != 5)
			assert_true(a[i] >= 0);
	/* larger months gave more */
	int64_t b[3] = {100, 100, 800};
	int l3[3] = {0};
	assert_int_equal(target_rebalance(b, l3, 3, 0, 190), 0);
	assert_int_equal(b[0], 190);
	assert_int_equal(b[1], 90);
	assert_int_equal(b[2], 720);
	/* lowering a month: the others grow, proportionally */
	assert_int_equal(target_rebalance(b, l3, 3, 0, 10), 0);
	assert_int_equal(sum(b, 3), 1000);
	assert_int_equal(b[0], 10);
	assert_true(b[2] > b[1]);
}

static void test_rebalance_refusals(void **state)
{
	(void)state;
	int64_t a[3] = {100, 100, 100};
	int locked[3] = {0, 1, 1};
	/* nobody left to absorb */
	assert_int_equal(target_rebalance(a, locked, 3, 0, 150), -1);
	assert_int_equal(a[0], 100);
	int none[3] = {0};
	/* the others would go below 0 */
	assert_int_equal(target_rebalance(a, none, 3, 0, 301), -1);
	assert_int_equal(sum(a, 3), 300);
	/* everything into one month: the others reach 0 exactly */
	assert_int_equal(target_rebalance(a, none, 3, 2, 300), 0);
	assert_int_equal(a[0], 0);
	assert_int_equal(a[1], 0);
	/* others all zero: spread evenly when the month goes down */
	assert_int_equal(target_rebalance(a, none, 3, 2, 97), 0);
	assert_int_equal(a[0], 102);
	assert_int_equal(a[1], 101);
	assert_int_equal(sum(a, 3), 300);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_awkward_total_sums_exactly),
		cmocka_unit_test(test_follows_shape),
		cmocka_unit_test(test_remainder_ties_go_to_earlier_month),
		cmocka_unit_test(test_zero_and_negative_weights),
		cmocka_unit_test(test_single_month),
		cmocka_unit_test(test_rebalance_keeps_total),
		cmocka_unit_test(test_rebalance_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
