/* anomaly.c: robust z-scores, the band and spike checks and the sentences of
 * the anomaly alerts (see anomaly.h and docs/analytics.md "Anomaly alerts"). */
#include "analytics/anomaly.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"

const struct anomaly_peer_rule anomaly_peer_default = {30, 5, 3, 3.5, 2.0, 3.0};
const struct anomaly_band_rule anomaly_band_store = {0.25, 50000, 0.5, 25.0};
const struct anomaly_band_rule anomaly_band_product = {0.25, 20000, 0.5, 60.0};
const struct anomaly_spike_rule anomaly_spike_value = {100000, 5.0, 3.5};
const struct anomaly_spike_rule anomaly_spike_qty = {50000, 5.0, 3.5};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

double anomaly_median(const double *x, int n)
{
	if (n < 1)
		return 0;
	double *c = xmalloc(sizeof *c * (size_t)n);
	memcpy(c, x, sizeof *c * (size_t)n);
	qsort(c, (size_t)n, sizeof *c, cmp_double);
	double m = n % 2 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
	free(c);
	return m;
}

void anomaly_robust_z(const double *x, int n, double v, struct anomaly_z *out)
{
	memset(out, 0, sizeof *out);
	if (n < 1)
		return;
	double med = anomaly_median(x, n);
	double *d = xmalloc(sizeof *d * (size_t)n);
	double sum = 0;
	for (int i = 0; i < n; i++) {
		d[i] = fabs(x[i] - med);
		sum += d[i];
	}
	double mad = anomaly_median(d, n);
	free(d);
	out->median = med;
	out->mad = mad;
	if (mad > 0) {
		out->scale = ANOMALY_MAD_K * mad;
	} else {
		out->mad_zero = 1;
		out->scale = ANOMALY_MEANAD_K * (sum / n);
	}
	if (v == med)
		out->z = 0;
	else if (out->scale > 0)
		out->z = (v - med) / out->scale;
	else
		out->z = v > med ? ANOMALY_Z_CAP : -ANOMALY_Z_CAP;
	if (out->z > ANOMALY_Z_CAP)
		out->z = ANOMALY_Z_CAP;
	if (out->z < -ANOMALY_Z_CAP)
		out->z = -ANOMALY_Z_CAP;
}

int anomaly_peer(const int64_t *events, const int64_t *volume, int n, int who,
		 const struct anomaly_peer_rule *rule, struct anomaly_peer_result *out)
{
	memset(out, 0, sizeof *out);
	if (who < 0 || who >= n)
		return 0;
	out->rate = volume[who] > 0 ? (double)events[who] / (double)volume[who] : 0;
	double *rates = xmalloc(sizeof *rates * (size_t)(n > 0 ? n : 1));
	int k = 0;
	for (int i = 0; i < n; i++)
		if (volume[i] >= rule->min_volume && volume[i] > 0)
			rates[k++] = (double)events[i] / (double)volume[i];
	out->peers = k;
	int ok = 0;
	if (k > 0) {
		struct anomaly_z z;
		anomaly_robust_z(rates, k, out->rate, &z);
		out->median = z.median;
		out->z = z.z;
		out->mad_zero = z.mad_zero;
		double expect = z.median * (double)volume[who];
		ok = k >= rule->min_peers && volume[who] >= rule->min_volume &&
		     events[who] >= rule->min_events && z.z >= rule->z_min &&
		     out->rate >= rule->ratio_min * z.median &&
		     (double)events[who] >= expect + rule->poisson_k * sqrt(expect);
	}
	free(rates);
	return ok;
}

double anomaly_day_share(const double *hours, int ndays, int hour)
{
	double before = 0, total = 0;
	for (int d = 0; d < ndays; d++)
		for (int h = 0; h < 24; h++) {
			total += hours[d * 24 + h];
			if (h < hour)
				before += hours[d * 24 + h];
		}
	return total > 0 ? before / total : 0;
}

int anomaly_band(double actual, double mean, double lower95, double upper95, double share,
		 const struct anomaly_band_rule *rule, struct anomaly_band_result *out)
{
	memset(out, 0, sizeof *out);
	if (lower95 < 0)
		lower95 = 0;
	/* Part of a day varies more, relative to its mean, than the whole day:
	 * its spread grows with the square root of the share, not the share. */
	double w = sqrt(share);
	out->expected = mean * share;
	out->lower = fmax(0, out->expected - (mean - lower95) * w);
	out->upper = out->expected + (upper95 - mean) * w;
	if (out->expected > 0)
		out->pct = (actual - out->expected) / out->expected * 100.0;
	if (actual < out->lower)
		out->direction = -1;
	else if (actual > out->upper)
		out->direction = 1;
	if (share < rule->min_share || out->expected < rule->min_expected || !out->direction)
		return 0;
	if (out->direction < 0)
		return actual < out->lower - rule->margin * (out->expected - out->lower) &&
		       out->pct <= -rule->min_pct;
	return actual > out->upper + rule->margin * (out->upper - out->expected) &&
	       out->pct >= rule->min_pct;
}

int anomaly_spike(const double *hist, int n, double today, const struct anomaly_spike_rule *rule,
		  struct anomaly_spike_result *out)
{
	memset(out, 0, sizeof *out);
	double sum = 0;
	for (int i = 0; i < n; i++)
		sum += hist[i];
	out->mean = n > 0 ? sum / n : 0;
	out->ratio = out->mean > 0 ? today / out->mean : 0;
	struct anomaly_z z = {0};
	if (n > 0)
		anomaly_robust_z(hist, n, today, &z);
	else
		z.z = today > 0 ? ANOMALY_Z_CAP : 0;
	out->median = z.median;
	out->z = z.z;
	return today >= rule->min_value && today >= rule->ratio_min * out->mean && z.z >= rule->z_min;
}

/* Digits of v grouped by commas into out. */
static void grouped(uint64_t v, char *out, size_t n)
{
	char d[32];
	snprintf(d, sizeof d, "%llu", (unsigned long long)v);
	size_t len = strlen(d), o = 0;
	for (size_t i = 0; i < len && o + 2 < n; i++) {
		if (i && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = d[i];
	}
	out[o] = 0;
}

void anomaly_yuan(int64_t fen, char *out, size_t n)
{
	uint64_t a = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
	uint64_t yuan = (a + 50) / 100;
	char g[40];
	grouped(yuan, g, sizeof g);
	snprintf(out, n, "%s¥%s", fen < 0 && yuan ? "-" : "", g);
}

const char *anomaly_weekday(int weekday)
{
	static const char *const names[] = {"Monday", "Tuesday", "Wednesday", "Thursday",
					    "Friday", "Saturday", "Sunday"};
	return weekday >= 1 && weekday <= 7 ? names[weekday - 1] : "";
}

void anomaly_sentence_sales(char *out, size_t n, const char *subject, int64_t actual, int hour,
			    int64_t expected, int64_t lower, int64_t upper, int weekday)
{
	char a[40], x[40], lo[40], hi[40];
	anomaly_yuan(actual, a, sizeof a);
	anomaly_yuan(expected, x, sizeof x);
	anomaly_yuan(lower, lo, sizeof lo);
	anomaly_yuan(upper, hi, sizeof hi);
	double pct = expected > 0 ? ((double)actual - (double)expected) / (double)expected * 100 : 0;
	long p = lround(fabs(pct));
	snprintf(out, n,
		 "%s sold %s today by %02d:00, %ld%% %s the %s expected for a %s (95%% band %s–%s)",
		 subject, a, hour, p, pct < 0 ? "below" : "above", x, anomaly_weekday(weekday), lo,
		 hi);
}

void anomaly_sentence_cashier(char *out, size_t n, const char *cashier, const char *store,
			      const char *metric, int64_t events, int64_t volume, double median,
			      double z, int days)
{
	const char *what = strcmp(metric, "voids") == 0	    ? "voided"
			   : strcmp(metric, "returns") == 0 ? "returned"
							    : "manually discounted";
	double rate = volume > 0 ? (double)events / (double)volume * 100 : 0;
	snprintf(out, n,
		 "Cashier %s (%s) had %.1f%% of %lld sales %s over the last %d days (%lld "
		 "sales); the store's cashiers' median is %.1f%% (robust z %.1f)",
		 cashier, store, rate, (long long)volume, what, days, (long long)events,
		 median * 100, z);
}

void anomaly_sentence_adjust(char *out, size_t n, const char *store, int64_t qty, int64_t value,
			     double mean_qty, double mean_value, int days)
{
	char v[40], mv[40], q[32], mq[32];
	anomaly_yuan(value, v, sizeof v);
	anomaly_yuan((int64_t)llround(mean_value), mv, sizeof mv);
	snprintf(q, sizeof q, "%lld", (long long)llround((double)qty / 1000.0));
	snprintf(mq, sizeof mq, "%.1f", mean_qty / 1000.0);
	snprintf(out, n,
		 "Store %s adjusted %s units (%s at cost) of stock today, against a daily average "
		 "of %s units (%s) over the last %d days",
		 store, q, v, mq, mv, days);
}
