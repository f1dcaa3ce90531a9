/* clv.c: lifetime value from the cohort curves (see clv.h). */
#include "analytics/clv.h"

#include <math.h>
#include <string.h>

int clv_fit(const struct clv_cohort *cohorts, int n, int horizon, double discount,
	    struct clv_curve *out)
{
	if (n < 0 || horizon < 1 || horizon > CLV_MAX_MONTHS || !(discount >= 0) ||
	    !isfinite(discount))
		return -1;
	memset(out, 0, sizeof *out);
	out->horizon = horizon;
	out->discount = discount;
	int observed = 0;
	for (int c = 0; c < n; c++)
		if (cohorts[c].size > 0 && cohorts[c].months > observed)
			observed = cohorts[c].months;
	if (observed > CLV_MAX_MONTHS)
		observed = CLV_MAX_MONTHS;
	out->observed = observed;
	if (observed == 0)
		return 0;
	double arpc_obs[CLV_MAX_MONTHS], ratios = 0;
	int nratios = 0;
	for (int k = 0; k < observed; k++) {
		double base = 0, rev = 0, ret = 0, prev = 0;
		for (int c = 0; c < n; c++) {
			const struct clv_cohort *h = &cohorts[c];
			if (h->size <= 0 || h->months <= k)
				continue;
			base += (double)h->size;
			rev += (double)h->revenue[k];
			if (k > 0) {
				ret += (double)h->retained[k];
				prev += (double)h->retained[k - 1];
			}
		}
		arpc_obs[k] = base > 0 ? rev / base : 0;
		if (k > 0 && prev > 0) {
			ratios += ret / prev;
			nratios++;
		}
	}
	double decay = nratios ? ratios / nratios : 0;
	decay = decay < 0 ? 0 : decay > 1 ? 1 : decay;
	out->decay = decay;
	double v = 1, last = arpc_obs[observed - 1], value = 0;
	for (int k = 0; k < horizon; k++) {
		if (k < observed) {
			out->arpc[k] = arpc_obs[k];
		} else {
			last *= decay;
			out->arpc[k] = last;
		}
		value += out->arpc[k] * v;
		v /= 1 + discount;
	}
	out->value = value;
	return 0;
}

double clv_customer(const struct clv_curve *m, const int64_t *revenue, int age)
{
	double v = 1, value = 0;
	for (int k = 0; k < m->horizon; k++) {
		if (k <= age)
			value += revenue ? (double)revenue[k] * v : 0;
		else
			value += m->arpc[k] * v;
		v /= 1 + m->discount;
	}
	return value;
}
