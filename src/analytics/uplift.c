/* uplift.c: see uplift.h. */
#include "analytics/uplift.h"

#include <math.h>

#include "analytics/reorder.h"

double uplift_norm_cdf(double x)
{
	return 0.5 * erfc(-x / sqrt(2.0));
}

double uplift_norm_quantile(double p)
{
	return reorder_inv_normal(p);
}

/* Continued fraction of the incomplete beta (modified Lentz; Numerical
 * Recipes §6.4), for x < (a + 1) / (a + b + 2). */
static double betacf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double c = 1, d = 1 - (a + b) * x / (a + 1), h;

	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	h = d;
	for (int m = 1; m <= 1000; m++) {
		double m2 = 2.0 * m, aa, del;

		aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
		d = 1 + aa * d;
		c = 1 + aa / c;
		d = fabs(d) < tiny ? 1 / tiny : 1 / d;
		c = fabs(c) < tiny ? tiny : c;
		h *= d * c;
		aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
		d = 1 + aa * d;
		c = 1 + aa / c;
		d = fabs(d) < tiny ? 1 / tiny : 1 / d;
		c = fabs(c) < tiny ? tiny : c;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-15)
			break;
	}
	return h;
}

/* The regularized incomplete beta I_x(a, b), 0 <= x <= 1. */
static double ibeta(double a, double b, double x)
{
	double lbt;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
	if (x < (a + 1) / (a + b + 2))
		return exp(lbt) * betacf(a, b, x) / a;
	return 1 - exp(lbt) * betacf(b, a, 1 - x) / b;
}

double uplift_t_cdf(double t, double df)
{
	double tail;

	if (isnan(t) || isnan(df) || df <= 0)
		return NAN;
	if (isinf(t))
		return t > 0 ? 1 : 0;
	/* P(T > |t|) = I_{df/(df+t²)}(df/2, 1/2) / 2 */
	tail = 0.5 * ibeta(df / 2, 0.5, df / (df + t * t));
	return t > 0 ? 1 - tail : tail;
}

double uplift_t_quantile(double p, double df)
{
	double lo = 0, hi = 1, q;

	if (isnan(p) || isnan(df) || df <= 0)
		return NAN;
	if (p <= 0)
		return -INFINITY;
	if (p >= 1)
		return INFINITY;
	if (p == 0.5)
		return 0;
	/* Symmetric: solve for the upper half, bracket by doubling, bisect. */
	q = p > 0.5 ? p : 1 - p;
	while (uplift_t_cdf(hi, df) < q && hi < 1e300)
		hi *= 2;
	for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
		double mid = (lo + hi) / 2;

		if (uplift_t_cdf(mid, df) < q)
			lo = mid;
		else
			hi = mid;
	}
	return p > 0.5 ? (lo + hi) / 2 : -(lo + hi) / 2;
}

int uplift_mean_var(double sum, double sumsq, int64_t n, double *mean, double *var)
{
	double m, v;

	if (n < 1)
		return -1;
	m = sum / (double)n;
	v = n > 1 ? (sumsq - sum * m) / (double)(n - 1) : 0;
	*mean = m;
	*var = v > 0 ? v : 0;
	return 0;
}

static int bad_prop(int64_t x, int64_t n)
{
	return n < 1 || x < 0 || x > n;
}

static int bad_level(double level)
{
	return !(level > 0 && level < 1);
}

int uplift_two_prop_ci(int64_t x1, int64_t n1, int64_t x2, int64_t n2, double level, double *diff,
                       double *lo, double *hi)
{
	double p1, p2, se, z;

	if (bad_prop(x1, n1) || bad_prop(x2, n2) || bad_level(level))
		return -1;
	p1 = (double)x1 / (double)n1;
	p2 = (double)x2 / (double)n2;
	se = sqrt(p1 * (1 - p1) / (double)n1 + p2 * (1 - p2) / (double)n2);
	z = uplift_norm_quantile(0.5 + level / 2);
	*diff = p1 - p2;
	*lo = *diff - z * se;
	*hi = *diff + z * se;
	return 0;
}

int uplift_two_prop_test(int64_t x1, int64_t n1, int64_t x2, int64_t n2, double *z, double *p)
{
	double p1, p2, pp, se;

	if (bad_prop(x1, n1) || bad_prop(x2, n2))
		return -1;
	p1 = (double)x1 / (double)n1;
	p2 = (double)x2 / (double)n2;
	pp = (double)(x1 + x2) / (double)(n1 + n2);
	se = sqrt(pp * (1 - pp) * (1.0 / (double)n1 + 1.0 / (double)n2));
	if (!(se > 0)) {
		*z = 0;
		*p = 1;
		return 0;
	}
	*z = (p1 - p2) / se;
	/* 2(1 − Φ(|z|)) = erfc(|z|/√2), without the cancellation near p = 0 */
	*p = erfc(fabs(*z) / sqrt(2.0));
	return 0;
}

int uplift_welch_ci(double mean1, double var1, int64_t n1, double mean2, double var2, int64_t n2,
                    double level, double *diff, double *lo, double *hi, double *df)
{
	double a, b, se, t;

	if (n1 < 2 || n2 < 2 || !(var1 >= 0) || !(var2 >= 0) || bad_level(level))
		return -1;
	a = var1 / (double)n1;
	b = var2 / (double)n2;
	se = sqrt(a + b);
	*diff = mean1 - mean2;
	if (!(se > 0)) {
		*lo = *hi = *diff;
		*df = (double)(n1 + n2 - 2);
		return 0;
	}
	*df = (a + b) * (a + b) / (a * a / (double)(n1 - 1) + b * b / (double)(n2 - 1));
	t = uplift_t_quantile(0.5 + level / 2, *df);
	*lo = *diff - t * se;
	*hi = *diff + t * se;
	return 0;
}
