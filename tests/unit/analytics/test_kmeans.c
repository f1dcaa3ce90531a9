/* test_kmeans.c: k-means on plain arrays — standardization against hand
 * values, well-separated blobs recovered exactly with k chosen by the
 * silhouette, the silhouette against hand-computed values, degenerate
 * input without NaN, and the same result for the same seed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "analytics/kmeans.h"

/* n points in nb blobs of d dims: blob b's centre has 10·(b+1) in
 * coordinate b % d, 10·b in coordinate (b + 1) % d, plus 5·b in every
 * coordinate (so that no coordinate is noise alone, which standardizing
 * would blow up); the points are spread by up to ±0.5 in a fixed pattern. label[i] = the blob. */
static void blobs(double *x, int *label, int per, int nb, int d)
{
	for (int b = 0; b < nb; b++)
		for (int p = 0; p < per; p++) {
			int i = b * per + p;
			for (int j = 0; j < d; j++) {
				double centre = j == b % d ? 10.0 * (b + 1) : j == (b + 1) % d ? 10.0 * b : 0;
				x[i * d + j] = centre + 5.0 * b + 0.5 * sin(1.7 * i + 0.9 * j);
			}
			label[i] = b;
		}
}

/* The assignment equals the labels up to renaming the clusters. */
static void assert_same_partition(const int *a, const int *label, int n)
{
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
			assert_int_equal(a[i] == a[j], label[i] == label[j]);
}

static void test_standardize(void **state)
{
	/* column 0: 1 2 3 4 (mean 2.5, population sd sqrt(1.25)); column 1:
	 * constant 7 */
	double x[] = {1, 7, 2, 7, 3, 7, 4, 7}, mean[2], sd[2];
	kmeans_standardize(x, 4, 2, mean, sd);
	assert_float_equal(mean[0], 2.5, 1e-12);
	assert_float_equal(sd[0], 1.118033988749895, 1e-12);
	assert_float_equal(x[0], -1.341640786499874, 1e-12);
	assert_float_equal(x[2], -0.447213595499958, 1e-12);
	assert_float_equal(x[6], 1.341640786499874, 1e-12);
	assert_float_equal(mean[1], 7, 1e-12);
	assert_float_equal(sd[1], 0, 0);
	for (int i = 0; i < 4; i++)
		assert_float_equal(x[i * 2 + 1], 0, 0);
	double one[] = {5};
	kmeans_standardize(one, 1, 1, NULL, sd);
	assert_float_equal(one[0], 0, 0);
	assert_float_equal(sd[0], 0, 0);
}

static void test_run_tiny(void **state)
{
	/* 0 1 5 6 in two clusters: {0,1} {5,6}, centres 0.5 and 5.5, inertia
	 * 4 × 0.25 = 1 */
	double x[] = {0, 1, 5, 6}, c[2], w = 0;
	int a[4], label[] = {0, 0, 1, 1};
	assert_int_equal(kmeans_run(x, 4, 1, 2, 5, 100, KMEANS_SEED, a, c, &w), 0);
	assert_same_partition(a, label, 4);
	assert_float_equal(c[a[0]], 0.5, 1e-12);
	assert_float_equal(c[a[2]], 5.5, 1e-12);
	assert_float_equal(w, 1.0, 1e-12);
	assert_int_equal(kmeans_run(x, 4, 1, 5, 5, 100, 1, a, c, &w), -1); /* k > n */
	assert_int_equal(kmeans_run(x, 4, 1, 0, 5, 100, 1, a, c, &w), -1);
	assert_int_equal(kmeans_run(x, 0, 1, 1, 5, 100, 1, a, c, &w), -1);
}

static void test_silhouette_by_hand(void **state)
{
	/* 0 1 | 5 6: s = 4.5/5.5, 3.5/4.5, 3.5/4.5, 4.5/5.5; mean 158/198 */
	double x[] = {0, 1, 5, 6};
	int a[] = {0, 0, 1, 1};
	assert_float_equal(kmeans_silhouette(x, 4, 1, a, 2), 158.0 / 198.0, 1e-12);
	/* 0 1 | 10: s = 9/10, 8/9, and 0 for the lone row; mean 161/270 */
	double y[] = {0, 1, 10};
	int b[] = {0, 0, 1};
	assert_float_equal(kmeans_silhouette(y, 3, 1, b, 2), 161.0 / 270.0, 1e-12);
	/* 2-D: (0,0) (0,4) | (3,0) with cluster 1 empty of k = 3: row 0: a = 4,
	 * b = 3, s = -1/4; row 1: a = 4, b = 5, s = 1/5; row 2 alone: 0;
	 * mean -1/60 */
	double z[] = {0, 0, 0, 4, 3, 0};
	int c3[] = {0, 0, 2};
	assert_float_equal(kmeans_silhouette(z, 3, 2, c3, 3), -1.0 / 60.0, 1e-12);
	/* one non-empty cluster, or one row: 0 */
	int same[] = {1, 1, 1};
	assert_float_equal(kmeans_silhouette(y, 3, 1, same, 2), 0, 0);
	assert_float_equal(kmeans_silhouette(y, 1, 1, b, 2), 0, 0);
}

static void check_blobs(int nb, int d, int per)
{
	int n = nb * per;
	double x[400 * 4], c[8 * 4], sil[7];
	int label[400], a[400];
	assert_true(n <= 400 && d <= 4);
	blobs(x, label, per, nb, d);
	kmeans_standardize(x, n, d, NULL, NULL);
	int k = kmeans_choose(x, n, d, 2, 8, KMEANS_SEED, sil, a, c);
	assert_int_equal(k, nb);
	assert_same_partition(a, label, n);
	for (int i = 0; i < 7; i++) {
		assert_true(isfinite(sil[i]) && sil[i] >= -1 && sil[i] <= 1);
		if (i + 2 != nb)
			assert_true(sil[i] < sil[nb - 2]);
	}
	assert_true(sil[nb - 2] > 0.8);
}

static void test_blobs_recovered(void **state)
{
	check_blobs(3, 2, 30);
	check_blobs(4, 3, 25);
	check_blobs(5, 4, 20);
	check_blobs(2, 2, 40);
}

static void test_degenerate(void **state)
{
	/* every row the same: standardized to 0, every silhouette 0, k = 2
	 * (the smallest on ties), everything finite */
	double x[10 * 3], c[8 * 3], sil[7];
	int a[10];
	for (int i = 0; i < 30; i++)
		x[i] = 42;
	kmeans_standardize(x, 10, 3, NULL, NULL);
	int k = kmeans_choose(x, 10, 3, 2, 8, KMEANS_SEED, sil, a, c);
	assert_int_equal(k, 2);
	for (int i = 0; i < 7; i++)
		assert_float_equal(sil[i], 0, 0);
	for (int i = 0; i < 10; i++)
		assert_true(a[i] >= 0 && a[i] < 2);
	for (int i = 0; i < k * 3; i++)
		assert_true(isfinite(c[i]));
	/* two distinct rows and duplicates: k = 3 has an empty-cluster fix */
	double y[] = {0, 0, 0, 1, 1, 1};
	int b[6];
	double cy[8];
	assert_int_equal(kmeans_run(y, 6, 1, 3, 3, 100, 7, b, cy, NULL), 0);
	for (int i = 0; i < 3; i++)
		assert_true(isfinite(cy[i]));
	/* fewer rows than any k to try: one cluster, the mean */
	double t[] = {1, 3};
	int at[2] = {9, 9};
	double ct[8];
	assert_int_equal(kmeans_choose(t, 2, 1, 2, 8, 1, sil, at, ct), 1);
	assert_int_equal(at[0], 0);
	assert_int_equal(at[1], 0);
	assert_float_equal(ct[0], 2, 1e-12);
	for (int i = 0; i < 7; i++)
		assert_float_equal(sil[i], -2, 0);
	/* three rows: only k = 2 is tried */
	double u[] = {0, 1, 10};
	int au[3];
	assert_int_equal(kmeans_choose(u, 3, 1, 2, 8, 1, sil, au, ct), 2);
	assert_float_equal(sil[0], 161.0 / 270.0, 1e-12);
	assert_float_equal(sil[1], -2, 0);
	assert_int_equal(kmeans_choose(u, 0, 1, 2, 8, 1, sil, au, ct), 0);
}

static void test_deterministic(void **state)
{
	double x[60 * 2], c1[16], c2[16], s1[7], s2[7];
	int label[60], a1[60], a2[60];
	/* overlapping blobs, where the seeding matters */
	blobs(x, label, 20, 3, 2);
	for (int i = 0; i < 120; i++)
		x[i] = x[i] * 0.1 + 3 * sin(0.37 * i);
	int k1 = kmeans_choose(x, 60, 2, 2, 8, KMEANS_SEED, s1, a1, c1);
	int k2 = kmeans_choose(x, 60, 2, 2, 8, KMEANS_SEED, s2, a2, c2);
	assert_int_equal(k1, k2);
	assert_memory_equal(a1, a2, sizeof a1);
	assert_memory_equal(c1, c2, (size_t)k1 * 2 * sizeof(double));
	assert_memory_equal(s1, s2, sizeof s1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_standardize),     cmocka_unit_test(test_run_tiny),
		cmocka_unit_test(test_silhouette_by_hand), cmocka_unit_test(test_blobs_recovered),
		cmocka_unit_test(test_degenerate),      cmocka_unit_test(test_deterministic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
