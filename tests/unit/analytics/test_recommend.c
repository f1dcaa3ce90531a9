/* test_recommend.c: item-to-item recommendations against a case computed
 * by hand: five customers, five products, the cosine of every pair of
 * buyer sets written out below; the exclusions, the limit, the ties, a
 * customer list cut to the neighbours, and bad arguments. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "analytics/recommend.h"

/* Customers A {0,1}, B {0,1,2}, C {1,2}, D {2,3}, E {4}.
 * Buyers: p0 2 (A B), p1 3 (A B C), p2 3 (B C D), p3 1 (D), p4 1 (E).
 * Both bought: 0-1 2 (A B), 0-2 1 (B), 1-2 2 (B C), 2-3 1 (D), others 0.
 * Cosine: 0-1 2/sqrt(2*3) = 0.816497; 0-2 1/sqrt(6) = 0.408248;
 *         1-2 2/sqrt(3*3) = 0.666667; 2-3 1/sqrt(3*1) = 0.577350. */
static const int start[] = {0, 2, 5, 7, 9, 10};
static const int items[] = {0, 1, 0, 1, 2, 1, 2, 2, 3, 4};
static const int buyers[] = {2, 3, 3, 1, 1};
static const struct reco_data data = {5, 5, start, items, buyers};

#define C01 0.816497
#define C02 0.408248
#define C12 0.666667
#define C23 0.577350

static void near(double got, double want)
{
	if (fabs(got - want) > 1e-6)
		fail_msg("%f vs %f", got, want);
}

static void test_cosine(void **state)
{
	near(reco_cosine(2, 2, 3), C01);
	near(reco_cosine(1, 3, 1), C23);
	near(reco_cosine(3, 3, 3), 1.0);
	near(reco_cosine(0, 2, 3), 0);
	near(reco_cosine(1, 0, 3), 0);
}

static void test_one_product(void **state)
{
	struct reco_item out[5];
	const int basket[] = {0};
	int n = reco_item_to_item(&data, basket, 1, NULL, 5, out);

	/* 3 and 4 were never bought with 0; 0 itself is not its own match */
	assert_int_equal(n, 2);
	assert_int_equal(out[0].product, 1);
	near(out[0].score, C01);
	assert_int_equal(out[0].nfrom, 1);
	assert_int_equal(out[0].from[0], 0);
	near(out[0].from_sim[0], C01);
	assert_int_equal(out[1].product, 2);
	near(out[1].score, C02);
}

static void test_two_products(void **state)
{
	struct reco_item out[5];
	const int basket[] = {0, 2};
	int n = reco_item_to_item(&data, basket, 2, NULL, 5, out);

	/* 1: C01 + C12 = 1.483163; 3: C23; 0 (from 2) and 2 (from 0): C02 each,
	 * the lower number first */
	assert_int_equal(n, 4);
	assert_int_equal(out[0].product, 1);
	near(out[0].score, C01 + C12);
	assert_int_equal(out[0].nfrom, 2);
	assert_int_equal(out[0].from[0], 0);
	near(out[0].from_sim[0], C01);
	assert_int_equal(out[0].from[1], 2);
	near(out[0].from_sim[1], C12);
	assert_int_equal(out[1].product, 3);
	near(out[1].score, C23);
	assert_int_equal(out[1].from[0], 2);
	assert_int_equal(out[2].product, 0);
	near(out[2].score, C02);
	assert_int_equal(out[3].product, 2);
	near(out[3].score, C02);

	/* bought recently (0 and 2) and inactive (3): left out */
	unsigned char exclude[5] = {1, 0, 1, 0, 0};
	n = reco_item_to_item(&data, basket, 2, exclude, 5, out);
	assert_int_equal(n, 2);
	assert_int_equal(out[0].product, 1);
	assert_int_equal(out[1].product, 3);
	exclude[3] = 1;
	n = reco_item_to_item(&data, basket, 2, exclude, 5, out);
	assert_int_equal(n, 1);

	/* the limit keeps the best */
	n = reco_item_to_item(&data, basket, 2, NULL, 1, out);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].product, 1);
	assert_int_equal(reco_item_to_item(&data, basket, 2, NULL, 0, out), 0);
}

static void test_neighbours_only(void **state)
{
	/* only A and B share a product with {0}: the same answer from them */
	static const int nstart[] = {0, 2, 5};
	static const int nitems[] = {0, 1, 0, 1, 2};
	const struct reco_data nd = {2, 5, nstart, nitems, buyers};
	struct reco_item out[5];
	const int basket[] = {0};
	int n = reco_item_to_item(&nd, basket, 1, NULL, 5, out);

	assert_int_equal(n, 2);
	assert_int_equal(out[0].product, 1);
	near(out[0].score, C01);
	assert_int_equal(out[1].product, 2);
	near(out[1].score, C02);
}

static void test_sources_kept(void **state)
{
	/* one customer bought everything: product 4's sources are the three
	 * most similar of the four basket products (all 1/sqrt(1*1) = 1 here,
	 * so the lowest numbers) */
	static const int s1[] = {0, 5};
	static const int i1[] = {0, 1, 2, 3, 4};
	static const int b1[] = {1, 1, 1, 1, 1};
	const struct reco_data d1 = {1, 5, s1, i1, b1};
	struct reco_item out[5];
	const int basket[] = {3, 2, 1, 0};
	int n = reco_item_to_item(&d1, basket, 4, NULL, 5, out);

	assert_int_equal(n, 5);
	assert_int_equal(out[0].product, 4);
	near(out[0].score, 4);
	assert_int_equal(out[0].nfrom, RECO_FROM_MAX);
	assert_int_equal(out[0].from[0], 0);
	assert_int_equal(out[0].from[1], 1);
	assert_int_equal(out[0].from[2], 2);
	near(out[1].score, 3);
}

static void test_bad_arguments(void **state)
{
	struct reco_item out[5];
	const int bad[] = {7};
	const int ok[] = {0};

	assert_int_equal(reco_item_to_item(&data, bad, 1, NULL, 5, out), -1);
	assert_int_equal(reco_item_to_item(&data, ok, 1, NULL, -1, out), -1);
	assert_int_equal(reco_item_to_item(&data, ok, -1, NULL, 5, out), -1);
	assert_int_equal(reco_item_to_item(&data, ok, 0, NULL, 5, out), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cosine),
		cmocka_unit_test(test_one_product),
		cmocka_unit_test(test_two_products),
		cmocka_unit_test(test_neighbours_only),
		cmocka_unit_test(test_sources_kept),
		cmocka_unit_test(test_bad_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
