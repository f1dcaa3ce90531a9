/* replenish_sim.c: one product × store under a replenishment policy, day
 * by day from plain arrays (lost sales when out of stock). */
#include "analytics/replenish_sim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/reorder.h"
#include "base/arena.h"

/* Refits the forecast on y[0..t-1] and sets the reorder point and the
 * order-up-to level. 0 or -1. */
static int refit(const int64_t *y, int t, const struct rsim_opts *o, int64_t *rop,
		 int64_t *out_level)
{
	int h = o->lead_days + o->review_days;
	double *hist = xcalloc((size_t)t, sizeof *hist);
	double *buf = xcalloc((size_t)h * 5, sizeof *buf);
	int64_t *mean = xcalloc((size_t)h, sizeof *mean), *sigma = xcalloc((size_t)h, sizeof *sigma);
	struct fc_out f = {.mean = buf, .lower_80 = buf + h, .upper_80 = buf + 2 * h,
			   .lower_95 = buf + 3 * h, .upper_95 = buf + 4 * h};
	struct reorder_calc c;
	int rc = -1;

	for (int i = 0; i < t; i++)
		hist[i] = y[i] > 0 ? y[i] / 1000.0 : 0;
	if (forecast_series(hist, t, 7, h, o->method, &f) != 0)
		goto out;
	for (int i = 0; i < h; i++) {
		double m = f.mean[i] > 0 ? f.mean[i] : 0;
		double s = (f.upper_95[i] - f.mean[i]) / 1.959964;

		mean[i] = llround(m * 1000);
		sigma[i] = s > 0 ? llround(s * 1000) : 0;
	}
	if (reorder_compute(mean, sigma, h, o->lead_days, o->review_days, o->level_e3, 0, 0,
			    NULL, &c) < 0)
		goto out;
	*rop = c.reorder_point;
	*out_level = c.order_up_to;
	rc = 0;
out:
	free(hist);
	free(buf);
	free(mean);
	free(sigma);
	return rc;
}

int rsim_run(const int64_t *y, int n, int start, enum rsim_policy policy,
	     const struct rsim_opts *o, struct rsim_result *out)
{
	int lead = o->lead_days < 1 ? 1 : o->lead_days;
	struct reorder_terms terms = {0, o->pack, o->moq};
	int64_t on_hand = o->start_stock, on_order = 0, rop = o->min, up_to = o->max;
	int64_t *arrive;

	memset(out, 0, sizeof *out);
	if (!y || start < 1 || start >= n || o->lead_days < 0 || o->lead_days > 365 ||
	    o->refit_days < 1 || o->review_days < 0)
		return -1;
	arrive = xcalloc((size_t)(n + lead + 1), sizeof *arrive);
	for (int t = start; t < n; t++) {
		int64_t d = y[t] > 0 ? y[t] : 0, served, position, q;

		if (policy == RSIM_FORECAST && (t - start) % o->refit_days == 0) {
			if (refit(y, t, o, &rop, &up_to) < 0) {
				free(arrive);
				return -1;
			}
			out->fits++;
		}
		on_hand += arrive[t];
		on_order -= arrive[t];
		served = d < on_hand ? d : on_hand;
		if (served < 0)
			served = 0;
		on_hand -= served;
		out->demanded += d;
		out->served += served;
		out->stock_sum += (double)on_hand;
		out->days++;
		position = on_hand + on_order;
		if (position <= rop && up_to > position &&
		    reorder_round(up_to - position, &terms, &q) == 0 && q > 0) {
			arrive[t + lead] += q;
			on_order += q;
			out->orders++;
		}
	}
	free(arrive);
	return 0;
}
