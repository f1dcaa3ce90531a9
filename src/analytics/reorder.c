/* reorder.c: reorder points from a daily demand forecast: the inverse
 * normal, lead-time demand and its σ, safety stock, order-up-to, and the
 * order rounded to the order multiple, pack size and minimum order. */
#include "analytics/reorder.h"

#include <math.h>
#include <string.h>

#include "base/money.h"
/* Acklam's coefficients (P. J. Acklam, "An algorithm for computing the
 * inverse normal cumulative distribution function", 2003). */
static const double A[] = {-3.969683028665376e+01, 2.209460984245205e+02,
			   -2.759285104469687e+02, 1.383577518672690e+02,
			   -3.066479806614716e+01, 2.506628277459239e+00};
static const double B[] = {-5.447609879822406e+01, 1.615858368580409e+02,
			   -1.556989798598866e+02, 6.680131188771972e+01,
			   -1.328068155288572e+01};
static const double C[] = {-7.784894002430293e-03, -3.223964580411365e-01,
			   -2.400758277161838e+00, -2.549732539343734e+00,
			   4.374664141464968e+00, 2.938163982698783e+00};
static const double D[] = {7.784695709041462e-03, 3.224671290700398e-01,
			   2.445134137142996e+00, 3.754408661907416e+00};

double reorder_inv_normal(double p)
{
	const double plow = 0.02425, phigh = 1 - plow;
	double q, r, x, e, u;

	if (isnan(p))
		return p;
	if (p <= 0)
		return -INFINITY;
	if (p >= 1)
		return INFINITY;
	if (p < plow) {
		q = sqrt(-2 * log(p));
		x = (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
		    ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
	} else if (p <= phigh) {
		q = p - 0.5;
		r = q * q;
		x = (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q /
		    (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
	} else {
		q = sqrt(-2 * log(1 - p));
		x = -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
		    ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
	}
	/* One Halley step: e = Φ(x) − p, Φ(x) = erfc(−x/√2)/2. */
	e = 0.5 * erfc(-x / sqrt(2.0)) - p;
	u = e * sqrt(2 * M_PI) * exp(x * x / 2);
	return x - u / (1 + x * u / 2);
}

int reorder_round(int64_t q, const struct reorder_terms *t, int64_t *out)
{
	int64_t r;

	*out = q;
	if (q <= 0 || !t)
		return 0;
	if (qty_round_up(q, t->order_multiple, &r) < 0 || qty_round_up(r, t->pack_size, &r) < 0)
		return -1;
	if (t->min_order_qty > 0 && r < t->min_order_qty) {
		if (qty_round_up(t->min_order_qty, t->pack_size, &r) < 0)
			return -1;
	}
	*out = r;
	return 0;
}

/* The index into the forecast of day d (0-based) when n days are known. */
static int day_index(int d, int n)
{
	if (d < n)
		return d;
	if (n < 7)
		return n - 1;
	return n - 7 + (d - n) % 7;
}

int reorder_compute(const int64_t *mean, const int64_t *sigma, int n,
		    int lead_days, int review_days, int level_e3,
		    int64_t on_hand, int64_t on_order,
		    const struct reorder_terms *terms, struct reorder_calc *out)
{
	double var = 0, ss;
	int64_t lead = 0, review = 0;

	memset(out, 0, sizeof *out);
	if (!mean || !sigma || n < 1 || lead_days < 0 || review_days < 0 ||
	    lead_days > REORDER_MAX_DAYS || review_days > REORDER_MAX_DAYS ||
	    lead_days + review_days > REORDER_MAX_DAYS ||
	    level_e3 < REORDER_LEVEL_MIN_E3 || level_e3 > REORDER_LEVEL_MAX_E3)
		return -1;
	out->lead_days = lead_days;
	out->review_days = review_days;
	out->level_e3 = level_e3;
	out->on_hand = on_hand;
	out->on_order = on_order;
	out->z = reorder_inv_normal(level_e3 / 100000.0);
	for (int d = 0; d < lead_days + review_days; d++) {
		int i = day_index(d, n);
		int64_t m = mean[i] > 0 ? mean[i] : 0;

		if (sigma[i] < 0)
			return -1;
		if (d >= n)
			out->extended++;
		if (d < lead_days) {
			if (__builtin_add_overflow(lead, m, &lead))
				return -1;
			var += (double)sigma[i] * (double)sigma[i];
		} else if (__builtin_add_overflow(review, m, &review)) {
			return -1;
		}
	}
	ss = out->z * sqrt(var);
	if (!(ss < 9e18) || !(sqrt(var) < 9e18))
		return -1;
	out->lead_demand = lead;
	out->sigma_lead = llround(sqrt(var));
	out->safety_stock = llround(ss);
	out->review_demand = review;
	if (__builtin_add_overflow(lead, out->safety_stock, &out->reorder_point) ||
	    __builtin_add_overflow(out->reorder_point, review, &out->order_up_to) ||
	    __builtin_add_overflow(on_hand, on_order, &out->position))
		return -1;
	if (out->position > out->reorder_point)
		return 0;
	if (__builtin_sub_overflow(out->order_up_to, out->position, &out->need))
		return -1;
	if (out->need <= 0)
		return 0;
	return reorder_round(out->need, terms, &out->quantity);
}
