/* forecast_int.h: helpers shared by forecast.c and forecast_ets.c (not part
 * of the public forecasting API). */
#ifndef TERSA_FORECAST_INT_H
#define TERSA_FORECAST_INT_H

#include <stddef.h>
#include <stdint.h>

#include "analytics/forecast.h"

/* malloc that aborts on failure. */
void *fc_xmalloc(size_t n);

/* R's decompose() seasonal figure of y (n >= 2m): centred moving average
 * trend, per-position mean of y/trend (mult) or y - trend, normalised to mean
 * 1 (mult) or 0. figure[j] belongs to positions t with t % m == j. */
void fc_seasonal_figure(const double *y, int n, int m, int mult, double *figure);

/* Sets out's four bounds at k to mean -/+ z sd (z 1.2816 and 1.9600). */
void fc_set_bounds(struct fc_out *out, int k, double mean, double sd);

/* A standard normal draw from the xorshift state *s (deterministic). */
double fc_rnorm(uint64_t *s);

/* Quantile of sorted v[0..n-1] as R's type 7. */
double fc_quantile(const double *v, int n, double p);

#endif
