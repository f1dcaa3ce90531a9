/* uplift.h: the statistics of a campaign's effect — a target group against
 * its control group. Normal and Student t distributions, the difference of
 * two conversion rates (interval and test) and of two means (Welch). Pure:
 * no database.
 *
 * - Conversion: diff = x1/n1 − x2/n2; interval diff ± z·SE with the
 *   unpooled SE = √(p1(1−p1)/n1 + p2(1−p2)/n2) (Wald); the test uses the
 *   pooled p = (x1+x2)/(n1+n2), SE0 = √(p(1−p)(1/n1+1/n2)), z = diff/SE0,
 *   two-sided p = 2(1 − Φ(|z|)).
 * - Means (revenue per member): Welch, SE = √(v1/n1 + v2/n2), df by
 *   Welch–Satterthwaite (v1/n1 + v2/n2)² / ((v1/n1)²/(n1−1) + (v2/n2)²/(n2−1)),
 *   interval diff ± t(1 − α/2, df)·SE. */
#ifndef TERSA_ANALYTICS_UPLIFT_H
#define TERSA_ANALYTICS_UPLIFT_H

#include <stdint.h>

/* Φ(x), the standard normal distribution function. */
double uplift_norm_cdf(double x);
/* Φ⁻¹(p) for 0 < p < 1 (±INFINITY outside, NaN for NaN). */
double uplift_norm_quantile(double p);
/* The Student t distribution function with df > 0 degrees of freedom (df
 * need not be whole: Welch's is not). NaN for df <= 0 or NaN input. */
double uplift_t_cdf(double t, double df);
/* Its quantile for 0 < p < 1, df > 0 (about 1e-12 relative). NaN for bad
 * input; ±INFINITY at p = 0 / 1. */
double uplift_t_quantile(double p, double df);

/* Mean and sample variance (n − 1) of n values from their sum and sum of
 * squares: 0, or -1 when n < 1. With n = 1 the variance is 0. Rounding can
 * make sumsq − sum²/n slightly negative: clamped to 0. */
int uplift_mean_var(double sum, double sumsq, int64_t n, double *mean, double *var);

/* x1 of n1 against x2 of n2 at the two-sided confidence level (0.95):
 * *diff = p1 − p2 and its interval [*lo, *hi] (unpooled normal
 * approximation). 0, or -1 when n < 1, x < 0, x > n or level not in (0, 1). */
int uplift_two_prop_ci(int64_t x1, int64_t n1, int64_t x2, int64_t n2, double level, double *diff,
                       double *lo, double *hi);
/* The pooled two-proportion z test, two-sided: *z (positive when the first
 * rate is higher) and *p. When every member or none converted the
 * difference is 0 and there is no evidence: z 0, p 1. 0 or -1 as above. */
int uplift_two_prop_test(int64_t x1, int64_t n1, int64_t x2, int64_t n2, double *z, double *p);

/* Welch's interval for mean1 − mean2 from the groups' means, sample
 * variances and sizes: *diff, [*lo, *hi], *df. 0, or -1 when a group has
 * fewer than 2 members, a variance is negative or level not in (0, 1).
 * Both variances 0: the interval is the point and df = n1 + n2 − 2. */
int uplift_welch_ci(double mean1, double var1, int64_t n1, double mean2, double var2, int64_t n2,
                    double level, double *diff, double *lo, double *hi, double *df);

#endif
