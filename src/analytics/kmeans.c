/* kmeans.c: k-means++ seeding, Lloyd iterations, the silhouette and the
 * choice of k (see kmeans.h). */
#include "analytics/kmeans.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"

/* splitmix64: a small, well-mixed generator with a 64-bit state. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double rng_unit(uint64_t *s)
{
	return (double)(rng_next(s) >> 11) * (1.0 / 9007199254740992.0);
}

void kmeans_standardize(double *x, int n, int d, double *mean, double *sd)
{
	for (int j = 0; j < d; j++) {
		double mu = 0, var = 0;
		for (int i = 0; i < n; i++)
			mu += x[(size_t)i * d + j];
		mu = n > 0 ? mu / n : 0;
		for (int i = 0; i < n; i++) {
			double t = x[(size_t)i * d + j] - mu;
			var += t * t;
		}
		double s = n > 1 ? sqrt(var / n) : 0;
		/* a spread lost in rounding counts as constant */
		if (!(s > 1e-12 * (fabs(mu) + 1)))
			s = 0;
		for (int i = 0; i < n; i++)
			x[(size_t)i * d + j] = s > 0 ? (x[(size_t)i * d + j] - mu) / s : 0;
		if (mean)
			mean[j] = mu;
		if (sd)
			sd[j] = s;
	}
}

double kmeans_dist2(const double *a, const double *b, int d)
{
	double s = 0;
	for (int j = 0; j < d; j++) {
		double t = a[j] - b[j];
		s += t * t;
	}
	return s;
}

/* k-means++ centres into c (k × d). */
static void seed_pp(const double *x, int n, int d, int k, uint64_t *rng, double *c, double *d2)
{
	int last = (int)(rng_unit(rng) * n);
	if (last >= n)
		last = n - 1;
	memcpy(c, x + (size_t)last * d, (size_t)d * sizeof *c);
	for (int i = 0; i < n; i++)
		d2[i] = kmeans_dist2(x + (size_t)i * d, c, d);
	for (int m = 1; m < k; m++) {
		double total = 0;
		for (int i = 0; i < n; i++)
			total += d2[i];
		int pick = -1;
		if (total > 0) {
			double u = rng_unit(rng) * total, cum = 0;
			for (int i = 0; i < n; i++) {
				if (d2[i] <= 0)
					continue;
				cum += d2[i];
				pick = i;
				if (cum > u)
					break;
			}
		}
		if (pick < 0)
			pick = (last + 1) % n;
		last = pick;
		double *cm = c + (size_t)m * d;
		memcpy(cm, x + (size_t)pick * d, (size_t)d * sizeof *c);
		for (int i = 0; i < n; i++) {
			double t = kmeans_dist2(x + (size_t)i * d, cm, d);
			if (t < d2[i])
				d2[i] = t;
		}
	}
}

/* Centres to the means of their rows; an empty cluster takes the row
 * farthest from its centre among clusters of more than one row. */
static void update_centres(const double *x, int n, int d, int k, int *assign, double *c, int *cnt)
{
	for (;;) {
		memset(c, 0, (size_t)k * d * sizeof *c);
		memset(cnt, 0, (size_t)k * sizeof *cnt);
		for (int i = 0; i < n; i++) {
			cnt[assign[i]]++;
			for (int j = 0; j < d; j++)
				c[(size_t)assign[i] * d + j] += x[(size_t)i * d + j];
		}
		for (int m = 0; m < k; m++)
			for (int j = 0; j < d && cnt[m] > 0; j++)
				c[(size_t)m * d + j] /= cnt[m];
		int empty = -1;
		for (int m = 0; m < k && empty < 0; m++)
			if (cnt[m] == 0)
				empty = m;
		if (empty < 0)
			return;
		int far = -1;
		double best = -1;
		for (int i = 0; i < n; i++) {
			if (cnt[assign[i]] < 2)
				continue;
			double t = kmeans_dist2(x + (size_t)i * d, c + (size_t)assign[i] * d, d);
			if (t > best) {
				best = t;
				far = i;
			}
		}
		if (far < 0) /* cannot happen with k <= n */
			return;
		assign[far] = empty;
	}
}

/* Each row to its nearest centre; the number of rows that moved. */
static int assign_rows(const double *x, int n, int d, int k, const double *c, int *assign)
{
	int moved = 0;
	for (int i = 0; i < n; i++) {
		int bi = 0;
		double bd = kmeans_dist2(x + (size_t)i * d, c, d);
		for (int m = 1; m < k; m++) {
			double t = kmeans_dist2(x + (size_t)i * d, c + (size_t)m * d, d);
			if (t < bd) {
				bd = t;
				bi = m;
			}
		}
		if (assign[i] != bi) {
			assign[i] = bi;
			moved++;
		}
	}
	return moved;
}

int kmeans_run(const double *x, int n, int d, int k, int restarts, int max_iter, uint64_t seed,
	       int *assign, double *centroid, double *inertia)
{
	if (n < 1 || d < 1 || k < 1 || k > n || restarts < 1 || max_iter < 1)
		return -1;
	uint64_t rng = seed;
	double *c = xcalloc((size_t)k * d, sizeof *c), *d2 = xcalloc((size_t)n, sizeof *d2);
	int *a = xcalloc((size_t)n, sizeof *a), *cnt = xcalloc((size_t)k, sizeof *cnt);
	double best = INFINITY;
	for (int run = 0; run < restarts; run++) {
		seed_pp(x, n, d, k, &rng, c, d2);
		for (int i = 0; i < n; i++)
			a[i] = -1;
		for (int it = 0; it < max_iter; it++) {
			if (assign_rows(x, n, d, k, c, a) == 0 && it > 0)
				break;
			update_centres(x, n, d, k, a, c, cnt);
		}
		double w = 0;
		for (int i = 0; i < n; i++)
			w += kmeans_dist2(x + (size_t)i * d, c + (size_t)a[i] * d, d);
		if (w < best || run == 0) {
			best = w;
			memcpy(assign, a, (size_t)n * sizeof *a);
			memcpy(centroid, c, (size_t)k * d * sizeof *c);
		}
	}
	if (inertia)
		*inertia = best;
	free(c);
	free(d2);
	free(a);
	free(cnt);
	return 0;
}

double kmeans_silhouette(const double *x, int n, int d, const int *assign, int k)
{
	if (n < 2 || k < 2)
		return 0;
	int *cnt = xcalloc((size_t)k, sizeof *cnt), nonempty = 0;
	double *sum = xcalloc((size_t)k, sizeof *sum);
	for (int i = 0; i < n; i++)
		cnt[assign[i]]++;
	for (int m = 0; m < k; m++)
		nonempty += cnt[m] > 0;
	double total = 0;
	for (int i = 0; i < n && nonempty >= 2; i++) {
		int ca = assign[i];
		if (cnt[ca] < 2)
			continue; /* s = 0 */
		memset(sum, 0, (size_t)k * sizeof *sum);
		for (int j = 0; j < n; j++)
			if (j != i)
				sum[assign[j]] += sqrt(kmeans_dist2(x + (size_t)i * d, x + (size_t)j * d, d));
		double a = sum[ca] / (cnt[ca] - 1), b = INFINITY;
		for (int m = 0; m < k; m++)
			if (m != ca && cnt[m] > 0 && sum[m] / cnt[m] < b)
				b = sum[m] / cnt[m];
		double mx = a > b ? a : b;
		if (mx > 0 && isfinite(b))
			total += (b - a) / mx;
	}
	free(cnt);
	free(sum);
	return nonempty >= 2 ? total / n : 0;
}

int kmeans_choose(const double *x, int n, int d, int kmin, int kmax, uint64_t seed, double *sil,
		  int *assign, double *centroid)
{
	if (n < 1 || d < 1 || kmin < 2 || kmax < kmin)
		return 0;
	for (int k = kmin; k <= kmax && sil; k++)
		sil[k - kmin] = -2;
	if (n <= kmin) {
		memset(assign, 0, (size_t)n * sizeof *assign);
		memset(centroid, 0, (size_t)d * sizeof *centroid);
		for (int i = 0; i < n; i++)
			for (int j = 0; j < d; j++)
				centroid[j] += x[(size_t)i * d + j] / n;
		return 1;
	}
	/* the rows the silhouette is scored on */
	int stride = n > KMEANS_SIL_MAX ? (n + KMEANS_SIL_MAX - 1) / KMEANS_SIL_MAX : 1;
	int ns = (n + stride - 1) / stride;
	double *xs = xcalloc((size_t)ns * d, sizeof *xs);
	int *as = xcalloc((size_t)ns, sizeof *as), *a = xcalloc((size_t)n, sizeof *a);
	double *c = xcalloc((size_t)kmax * d, sizeof *c);
	for (int s = 0; s < ns; s++)
		memcpy(xs + (size_t)s * d, x + (size_t)s * stride * d, (size_t)d * sizeof *xs);
	int best_k = 0;
	double best = -INFINITY;
	for (int k = kmin; k <= kmax && k < n; k++) {
		kmeans_run(x, n, d, k, KMEANS_RESTARTS, KMEANS_MAX_ITER, seed, a, c, NULL);
		for (int s = 0; s < ns; s++)
			as[s] = a[(size_t)s * stride];
		double v = kmeans_silhouette(xs, ns, d, as, k);
		if (sil)
			sil[k - kmin] = v;
		if (v > best) {
			best = v;
			best_k = k;
			memcpy(assign, a, (size_t)n * sizeof *a);
			memcpy(centroid, c, (size_t)k * d * sizeof *c);
		}
	}
	free(xs);
	free(as);
	free(a);
	free(c);
	return best_k;
}
