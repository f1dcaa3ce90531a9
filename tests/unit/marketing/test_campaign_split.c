/* test_campaign_split.c: the pure parts of a campaign's plan: bucket ranges
 * with wrap-around (the company holdout, a campaign's control group), the
 * A/B draw and the even random variant split, the message language, and
 * the message variables {name} {coupon} {store} {points}. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "base/arena.h"
#include "domain/loyalty/care.h"
#include "domain/marketing/campaign_split.h"

static void test_bucket_plain(void **state)
{
	(void)state;
	/* [1000, 1500): 5 % of the buckets from 1000 */
	assert_false(campaign_bucket_in(999, 1000, 500));
	assert_true(campaign_bucket_in(1000, 1000, 500));
	assert_true(campaign_bucket_in(1499, 1000, 500));
	assert_false(campaign_bucket_in(1500, 1000, 500));
	assert_false(campaign_bucket_in(0, 1000, 500));
	assert_false(campaign_bucket_in(9999, 1000, 500));
}

static void test_bucket_wraps(void **state)
{
	(void)state;
	/* [9800, 10000) and [0, 300): 500 buckets across the end */
	assert_false(campaign_bucket_in(9799, 9800, 500));
	assert_true(campaign_bucket_in(9800, 9800, 500));
	assert_true(campaign_bucket_in(9999, 9800, 500));
	assert_true(campaign_bucket_in(0, 9800, 500));
	assert_true(campaign_bucket_in(299, 9800, 500));
	assert_false(campaign_bucket_in(300, 9800, 500));
	assert_false(campaign_bucket_in(5000, 9800, 500));
}

static void test_bucket_edges(void **state)
{
	(void)state;
	/* width 0: nobody (no control group, no holdout) */
	for (int b = 0; b < CAMPAIGN_BUCKETS; b += 137)
		assert_false(campaign_bucket_in(b, b, 0));
	/* the whole range: everybody */
	assert_true(campaign_bucket_in(0, 4321, CAMPAIGN_BUCKETS));
	assert_true(campaign_bucket_in(4320, 4321, CAMPAIGN_BUCKETS));
	/* a share: exactly width of the 10000 buckets, wherever it starts */
	for (int lo = 0; lo < CAMPAIGN_BUCKETS; lo += 977) {
		int n = 0;
		for (int b = 0; b < CAMPAIGN_BUCKETS; b++)
			n += campaign_bucket_in(b, lo, 1000);
		assert_int_equal(n, 1000);
	}
}

static void test_ab_draw(void **state)
{
	(void)state;
	assert_false(campaign_ab_draw(0, 0));
	assert_true(campaign_ab_draw(0, 1));
	assert_true(campaign_ab_draw(99, 1));
	assert_false(campaign_ab_draw(100, 1));
	assert_true(campaign_ab_draw(9999, 100));
	/* r is taken modulo 10000: 30 % of any 10000 consecutive draws */
	int n = 0;
	for (uint32_t r = 123456; r < 123456 + 10000; r++)
		n += campaign_ab_draw(r, 30);
	assert_int_equal(n, 3000);
}

static void test_variant_split(void **state)
{
	(void)state;
	int64_t counts[3] = {0, 0, 0};
	/* whatever the random numbers, the counts never differ by more than one */
	uint32_t r = 2463534242u;
	for (int i = 0; i < 1000; i++) {
		r ^= r << 13;
		r ^= r >> 17;
		r ^= r << 5; /* xorshift32 */
		counts[campaign_variant_pick(counts, 3, r)]++;
		int64_t lo = counts[0], hi = counts[0];
		for (int k = 1; k < 3; k++) {
			lo = counts[k] < lo ? counts[k] : lo;
			hi = counts[k] > hi ? counts[k] : hi;
		}
		assert_true(hi - lo <= 1);
	}
	assert_int_equal(counts[0] + counts[1] + counts[2], 1000);
	/* the one with the fewest is taken; among ties r chooses */
	int64_t c1[2] = {5, 4};
	assert_int_equal(campaign_variant_pick(c1, 2, 0), 1);
	assert_int_equal(campaign_variant_pick(c1, 2, 7), 1);
	int64_t c2[3] = {2, 2, 2};
	assert_int_equal(campaign_variant_pick(c2, 3, 0), 0);
	assert_int_equal(campaign_variant_pick(c2, 3, 1), 1);
	assert_int_equal(campaign_variant_pick(c2, 3, 5), 2);
	int64_t c3[3] = {3, 2, 2};
	assert_int_equal(campaign_variant_pick(c3, 3, 0), 1);
	assert_int_equal(campaign_variant_pick(c3, 3, 1), 2);
}

static void test_lang_pick(void **state)
{
	(void)state;
	const char *both[] = {"en", "zh-CN"};
	const char *zh[] = {"zh-CN"};
	assert_int_equal(campaign_lang_pick(both, 2, "zh-CN", "en"), 1); /* the customer's */
	assert_int_equal(campaign_lang_pick(both, 2, NULL, "zh-CN"), 1); /* the company's */
	assert_int_equal(campaign_lang_pick(both, 2, NULL, "en"), 0);
	assert_int_equal(campaign_lang_pick(zh, 1, "en", "en"), 0);      /* the first there is */
	assert_int_equal(campaign_lang_pick(both, 2, "fr", NULL), 0);
	assert_int_equal(campaign_lang_pick(both, 0, "en", "en"), -1);
}

static void test_render(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	assert_string_equal(care_render(a, "{name}，您好！券 {coupon}，积分 {points}，{store}见", "王芳",
					"ABCDE-FGHJK-MNPQR", "静安店", "1200"),
			    "王芳，您好！券 ABCDE-FGHJK-MNPQR，积分 1200，静安店见");
	/* every occurrence; missing values empty; other braces kept */
	assert_string_equal(care_render(a, "{name} {name} {coupon}|{points}|{x} {nam", "Li", NULL,
					NULL, NULL),
			    "Li Li ||{x} {nam");
	assert_string_equal(care_render(a, "", "Li", "C", "S", "1"), "");
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bucket_plain),  cmocka_unit_test(test_bucket_wraps),
		cmocka_unit_test(test_bucket_edges),  cmocka_unit_test(test_ab_draw),
		cmocka_unit_test(test_variant_split), cmocka_unit_test(test_lang_pick),
		cmocka_unit_test(test_render),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
