/* forecast.c: the forecasting methods other than the ETS machinery (naive,
 * seasonal naive, SES/Holt wrappers, Theta, Croston/SBA), `auto` with its
 * rolling-origin backtest, and the guards that keep NaN and Inf out. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/forecast.h"
#include "analytics/forecast_int.h"
#include "base/err.h"

#define Z80 1.2815515655446004
#define Z95 1.959963984540054
#define Z90 1.6448536269514722 /* qnorm(0.95) */
#define ADI_CUT 1.32
#define CROSTON_ALPHA 0.1
#define BT_ORIGINS 3

static const char *const names[FC_NMETHODS] = {
	"auto", "naive", "snaive", "ses", "holt", "damped", "ets", "theta", "croston", "sba",
};

const char *fc_method_name(enum fc_method m)
{
	return (unsigned)m < FC_NMETHODS ? names[m] : "?";
}

int fc_method_parse(const char *s)
{
	for (int i = 0; s && i < FC_NMETHODS; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

void *fc_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		abort();
	return p;
}

void fc_set_bounds(struct fc_out *out, int k, double mean, double sd)
{
	out->mean[k] = mean;
	out->lower_80[k] = mean - Z80 * sd;
	out->upper_80[k] = mean + Z80 * sd;
	out->lower_95[k] = mean - Z95 * sd;
	out->upper_95[k] = mean + Z95 * sd;
}

double fc_rnorm(uint64_t *s)
{
	/* xorshift64*, then Box-Muller (one value per call, deterministic). */
	double u[2];
	for (int i = 0; i < 2; i++) {
		uint64_t x = *s;
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		*s = x;
		u[i] = ((x * 2685821657736338717ULL) >> 11) * (1.0 / 9007199254740992.0);
	}
	if (u[0] < 1e-300)
		u[0] = 1e-300;
	return sqrt(-2 * log(u[0])) * cos(2 * M_PI * u[1]);
}

double fc_quantile(const double *v, int n, double p)
{
	double h = (n - 1) * p;
	int lo = (int)floor(h);
	if (lo >= n - 1)
		return v[n - 1];
	return v[lo] + (h - lo) * (v[lo + 1] - v[lo]);
}

void fc_seasonal_figure(const double *y, int n, int m, int mult, double *figure)
{
	int half = m / 2;
	double sum[FC_MAX_SEASON > 64 ? FC_MAX_SEASON : 64] = {0};
	int cnt[FC_MAX_SEASON > 64 ? FC_MAX_SEASON : 64] = {0};
	double *fig = m <= 64 ? figure : fc_xmalloc(sizeof(double) * m);
	double *s = m <= 64 ? sum : fc_xmalloc(sizeof(double) * m);
	int *c = m <= 64 ? cnt : fc_xmalloc(sizeof(int) * m);
	if (m > 64)
		for (int j = 0; j < m; j++) {
			s[j] = 0;
			c[j] = 0;
		}
	for (int t = half; t + half < n; t++) {
		double tr = 0;
		if (m % 2) {
			for (int j = -half; j <= half; j++)
				tr += y[t + j];
			tr /= m;
		} else {
			tr = 0.5 * (y[t - half] + y[t + half]);
			for (int j = -half + 1; j < half; j++)
				tr += y[t + j];
			tr /= m;
		}
		double v = mult ? y[t] / tr : y[t] - tr;
		if (!isfinite(v))
			continue;
		s[t % m] += v;
		c[t % m]++;
	}
	double mean = 0;
	for (int j = 0; j < m; j++) {
		fig[j] = c[j] ? s[j] / c[j] : (mult ? 1 : 0);
		mean += fig[j];
	}
	mean /= m;
	for (int j = 0; j < m; j++)
		fig[j] = mult ? (mean != 0 ? fig[j] / mean : 1) : fig[j] - mean;
	if (m > 64) {
		memcpy(figure, fig, sizeof(double) * m);
		free(fig);
		free(s);
		free(c);
	}
}

double fc_mase(const double *y, int n, int m, const double *actual, const double *f, int h)
{
	int lag = m > 1 && n > m ? m : 1;
	double sc = 0, err = 0;
	if (n <= lag || h < 1)
		return -1;
	for (int t = lag; t < n; t++)
		sc += fabs(y[t] - y[t - lag]);
	sc /= n - lag;
	if (!(sc > 0))
		return -1;
	for (int k = 0; k < h; k++)
		err += fabs(actual[k] - f[k]);
	return err / h / sc;
}

/* ---- naive and seasonal naive (as R's rwf/snaive) ---------------------- */

static void do_lagwalk(const double *y, int n, int lag, int h, struct fc_out *out)
{
	double s2 = 0;
	for (int t = lag; t < n; t++)
		s2 += (y[t] - y[t - lag]) * (y[t] - y[t - lag]);
	s2 = n > lag ? s2 / (n - lag) : 0;
	for (int k = 0; k < h; k++) {
		int full = k / lag + 1;
		fc_set_bounds(out, k, y[n - lag + k % lag], sqrt(s2 * full));
	}
}

static void naive(const double *y, int n, int h, struct fc_out *out, const char *why)
{
	do_lagwalk(y, n, 1, h, out);
	snprintf(out->model, sizeof(out->model), "naive%s%s%s", why ? " (" : "", why ? why : "",
		 why ? ")" : "");
}

static void snaive(const double *y, int n, int m, int h, struct fc_out *out)
{
	if (m < 2) {
		naive(y, n, h, out, m < 2 ? NULL : "no season");
		return;
	}
	if (n < m) {
		naive(y, n, h, out, "series shorter than one season");
		return;
	}
	do_lagwalk(y, n, m, h, out);
	snprintf(out->model, sizeof(out->model), "snaive");
}

/* ---- SES, Holt, damped Holt: ETS fitted by MSE, as R's ses()/holt() ---- */

static int smooth(const double *y, int n, int h, enum fc_method method, struct fc_out *out)
{
	struct ets_model s = {.error = ETS_A, .trend = method == FC_SES ? ETS_N : ETS_A,
			      .season = ETS_N, .damped = method == FC_DAMPED};
	struct ets_fit f;
	static const char *const label[] = {[FC_SES] = "SES", [FC_HOLT] = "Holt",
					    [FC_DAMPED] = "damped Holt"};
	if (ets_fit_model(y, n, 1, &s, 1, &f) < 0 || ets_forecast(y, n, &f, h, out) < 0) {
		naive(y, n, h, out, "series too short for the method");
		return 0;
	}
	snprintf(out->model, sizeof(out->model), "%s", label[method]);
	return 0;
}

/* ---- Theta (R's forecast::thetaf) -------------------------------------- */

int fc_theta(const double *y, int n, int m, int h, struct fc_out *out)
{
	if (!y || !out || n < 1 || m < 1 || h < 1 || h > FC_MAX_HORIZON)
		return ERR_INVALID;
	double *x = fc_xmalloc(sizeof(double) * n);
	double *fig = fc_xmalloc(sizeof(double) * (m > 1 ? m : 1));
	int seasonal = 0, positive = 1;
	memcpy(x, y, sizeof(double) * n);
	for (int i = 0; i < n; i++)
		if (!(y[i] > 0))
			positive = 0;
	if (m > 1 && n > 2 * m && positive) {
		/* lag-m autocorrelation against its standard error (90% one-sided) */
		double mean = 0, d = 0, rs = 0, *r = fc_xmalloc(sizeof(double) * (m + 1));
		for (int i = 0; i < n; i++)
			mean += y[i];
		mean /= n;
		for (int i = 0; i < n; i++)
			d += (y[i] - mean) * (y[i] - mean);
		for (int k = 1; k <= m; k++) {
			double c = 0;
			for (int i = 0; i + k < n; i++)
				c += (y[i] - mean) * (y[i + k] - mean);
			r[k] = d > 0 ? c / d : 0;
			if (k < m)
				rs += r[k] * r[k];
		}
		double stat = sqrt((1 + 2 * rs) / n);
		seasonal = stat > 0 && fabs(r[m]) / stat > Z90;
		free(r);
		if (seasonal) {
			fc_seasonal_figure(y, n, m, 1, fig);
			for (int j = 0; j < m; j++)
				if (fabs(fig[j]) < 1e-4)
					seasonal = 0;
			for (int i = 0; seasonal && i < n; i++)
				x[i] = y[i] / fig[i % m];
		}
	}
	struct ets_model s = {.error = ETS_A, .trend = ETS_N, .season = ETS_N};
	struct ets_fit f;
	if (ets_fit_model(x, n, 1, &s, 1, &f) < 0 || ets_forecast(x, n, &f, h, out) < 0) {
		free(x);
		free(fig);
		naive(y, n, h, out, "series too short for theta");
		return 0;
	}
	double slope, sx = 0, sy = 0, sxx = 0, sxy = 0;
	for (int i = 0; i < n; i++) {
		sx += i;
		sy += x[i];
		sxx += (double)i * i;
		sxy += i * x[i];
	}
	slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
	double drift = slope / 2, alpha = fmax(1e-10, f.alpha);
	double sd = sqrt(f.sigma2 > 0 ? f.sigma2 : 0);
	for (int k = 0; k < h; k++) {
		double mu = out->mean[k] + drift * (k + (1 - pow(1 - alpha, n)) / alpha);
		if (seasonal)
			mu *= fig[(n + k) % m];
		fc_set_bounds(out, k, mu, sd * sqrt(k * alpha * alpha + 1));
	}
	snprintf(out->model, sizeof(out->model), "%s", seasonal ? "theta (seasonally adjusted)" : "theta");
	free(x);
	free(fig);
	return 0;
}

/* ---- Croston and SBA (R's forecast::croston, alpha fixed) -------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int fc_croston(const double *y, int n, int h, double alpha, int sba, struct fc_out *out)
{
	if (!y || !out || n < 1 || h < 1 || h > FC_MAX_HORIZON || !(alpha > 0 && alpha <= 1))
		return ERR_INVALID;
	double z = 0, p = 0, f = 0, adj = sba ? 1 - alpha / 2 : 1;
	int nz = 0, last = -1, nonneg = 1, ne = 0;
	double *err = fc_xmalloc(sizeof(double) * n);
	for (int t = 0; t < n; t++) {
		if (y[t] < 0)
			nonneg = 0;
		if (nz > 0)
			err[ne++] = y[t] - f;
		if (y[t] == 0)
			continue;
		double gap = t - last;
		if (nz == 0) {
			z = y[t];
			p = gap;
		} else {
			z += alpha * (y[t] - z);
			p += alpha * (gap - p);
		}
		last = t;
		nz++;
		f = z / p * adj;
	}
	if (nz == 0)
		f = 0;
	double q[4] = {0, 0, 0, 0};
	static const double pr[4] = {0.025, 0.10, 0.90, 0.975};
	if (ne >= 2) {
		qsort(err, ne, sizeof(double), cmp_double);
		for (int i = 0; i < 4; i++)
			q[i] = fc_quantile(err, ne, pr[i]);
	}
	free(err);
	for (int k = 0; k < h; k++) {
		out->mean[k] = f;
		out->lower_95[k] = f + q[0];
		out->lower_80[k] = f + q[1];
		out->upper_80[k] = f + q[2];
		out->upper_95[k] = f + q[3];
		if (nonneg) {
			out->lower_95[k] = fmax(0, out->lower_95[k]);
			out->lower_80[k] = fmax(0, out->lower_80[k]);
			out->upper_80[k] = fmax(f, out->upper_80[k]);
			out->upper_95[k] = fmax(out->upper_80[k], out->upper_95[k]);
		}
	}
	snprintf(out->model, sizeof(out->model), "%s", sba ? "SBA" : "Croston");
	return 0;
}

/* ---- auto: intermittent test, then a rolling-origin backtest ----------- */

enum { C_SNAIVE, C_ETS, C_ARIMA, C_THETA, C_DAMPED, C_COMB, NCAND };
static const char *const cand_name[NCAND] = {"snaive", "ets", "arima", "theta", "damped",
					     "comb(ets,arima,theta)"};
/* the candidates the backtest compares (see docs/analytics.md) */
static const int cand_on[NCAND] = {[C_ETS] = 1, [C_ARIMA] = 1, [C_THETA] = 1, [C_DAMPED] = 1,
				   [C_COMB] = 1};

struct bufs {
	double *v; /* 5 x h */
	struct fc_out o;
};

static void bufs_init(struct bufs *b, int h)
{
	b->v = fc_xmalloc(sizeof(double) * 5 * h);
	memset(&b->o, 0, sizeof(b->o));
	b->o.mean = b->v;
	b->o.lower_80 = b->v + h;
	b->o.upper_80 = b->v + 2 * h;
	b->o.lower_95 = b->v + 3 * h;
	b->o.upper_95 = b->v + 4 * h;
}

static int run_method(const double *y, int n, int m, int h, enum fc_method method,
		      struct fc_out *out);

/* The model forms auto chooses once on the whole series (ETS by AICc, ARIMA
 * orders by the stepwise search) and re-estimates at each origin. */
struct forms {
	struct ets_fit ets;
	struct arima_fit arima;
	int have_ets, have_arima;
};

/* ETS inside auto: the form's model re-estimated on y; else (or when it does
 * not fit) chosen here. */
static void run_ets(const double *y, int n, int m, int h, const struct forms *fm,
		    struct fc_out *out)
{
	struct ets_fit f;
	if (fm->have_ets && ets_fit_model(y, n, m, &fm->ets.spec, 0, &f) == 0 &&
	    ets_forecast(y, n, &f, h, out) == 0)
		return;
	run_method(y, n, m, h, FC_ETS, out);
}

/* ARIMA inside auto: the form's orders re-estimated on y; else orders chosen
 * here; ETS when no ARIMA fits. */
static void run_arima(const double *y, int n, int m, int h, const struct forms *fm,
		      struct fc_out *out)
{
	struct arima_fit f;
	if (fm->have_arima && arima_fit_model(y, n, m, &fm->arima.spec, &f) == 0 &&
	    isfinite(f.aicc) && arima_forecast(y, n, &f, h, out) == 0)
		return;
	if (arima_select(y, n, m, &f) == 0 && arima_forecast(y, n, &f, h, out) == 0)
		return;
	run_ets(y, n, m, h, fm, out);
}

static void run_one(const double *y, int n, int m, int h, int c, const struct forms *fm,
		    struct fc_out *out)
{
	/* ETS and ARIMA go through run_ets and run_arima: their entries are unused */
	static const enum fc_method meth[C_COMB] = {FC_SNAIVE, FC_ETS, FC_ETS, FC_THETA, FC_DAMPED};
	if (c == C_ETS)
		run_ets(y, n, m, h, fm, out);
	else if (c == C_ARIMA)
		run_arima(y, n, m, h, fm, out);
	else
		run_method(y, n, m, h, meth[c], out);
}

/* The combination's members; its forecast and bounds are their means. */
static const int comb_member[3] = {C_ETS, C_ARIMA, C_THETA};

static void run_cand(const double *y, int n, int m, int h, int c, const struct forms *fm,
		     struct fc_out *out, struct bufs *tmp)
{
	if (c != C_COMB) {
		run_one(y, n, m, h, c, fm, out);
		return;
	}
	double *arr[5] = {out->mean, out->lower_80, out->upper_80, out->lower_95, out->upper_95};
	for (int a = 0; a < 5; a++)
		for (int k = 0; k < h; k++)
			arr[a][k] = 0;
	char parts[3][96];
	for (int i = 0; i < 3; i++) {
		run_one(y, n, m, h, comb_member[i], fm, &tmp->o);
		snprintf(parts[i], sizeof(parts[i]), "%s", tmp->o.model);
		double *src[5] = {tmp->o.mean, tmp->o.lower_80, tmp->o.upper_80, tmp->o.lower_95,
				  tmp->o.upper_95};
		for (int a = 0; a < 5; a++)
			for (int k = 0; k < h; k++)
				arr[a][k] += src[a][k] / 3;
	}
	snprintf(out->model, sizeof(out->model), "comb(%.20s, %.36s, %.27s)", parts[0], parts[1],
		 parts[2]);
}

static void auto_method(const double *y, int n, int m, int h, struct fc_out *out)
{
	int nz = 0, nonneg = 1;
	for (int i = 0; i < n; i++) {
		if (y[i] != 0)
			nz++;
		if (y[i] < 0)
			nonneg = 0;
	}
	double adi = nz ? (double)n / nz : INFINITY;
	if (nonneg && nz >= 2 && adi >= ADI_CUT) {
		fc_croston(y, n, h, CROSTON_ALPHA, 1, out);
		snprintf(out->reason, sizeof(out->reason),
			 "intermittent: %.0f%% zero values, ADI %.2f >= %.2f -> SBA",
			 100.0 * (n - nz) / n, adi, ADI_CUT);
		return;
	}
	/* Rolling origins: the last BT_ORIGINS windows of hb values, each
	 * forecast from the history before it. */
	int mintrain = m > 1 ? 2 * m + 2 : 8;
	if (mintrain < 8)
		mintrain = 8;
	int hb = h, k = BT_ORIGINS;
	while (k > 1 && n - k * hb < mintrain)
		k--;
	if (n - k * hb < mintrain)
		hb = n - mintrain;
	if (hb < 1) {
		run_method(y, n, m, h, FC_ETS, out);
		snprintf(out->reason, sizeof(out->reason),
			 "too short for a backtest (%d values) -> ETS by AICc", n);
		return;
	}
	/* The model forms are chosen on the history before the last origin
	 * (never on the values the backtest holds out) and their parameters
	 * re-estimated at each origin; choosing the forms again at every origin
	 * would cost up to 15 ETS fits and dozens of ARIMA fits per origin. */
	struct forms fm;
	int nf = n - hb;
	fm.have_ets = ets_select(y, nf, m, &fm.ets) == 0;
	fm.have_arima = arima_select(y, nf, m, &fm.arima) == 0;
	double score[NCAND] = {0};
	int valid[NCAND];
	struct bufs fb;
	double *mc = fc_xmalloc(sizeof(double) * NCAND * hb); /* each candidate's mean */
	bufs_init(&fb, hb);
	for (int c = 0; c < NCAND; c++)
		valid[c] = cand_on[c];
	for (int o = 0; o < k; o++) {
		int tn = n - (o + 1) * hb;
		int lag = m > 1 && tn > m ? m : 1;
		double sc = 0;
		for (int t = lag; t < tn; t++)
			sc += fabs(y[t] - y[t - lag]);
		sc = tn > lag ? sc / (tn - lag) : 0;
		/* the members once each; the combination from their means */
		for (int c = 0; c < C_COMB; c++) {
			if (!valid[c] && c != C_ETS && c != C_ARIMA && c != C_THETA)
				continue;
			run_one(y, tn, m, hb, c, &fm, &fb.o);
			memcpy(mc + c * hb, fb.o.mean, sizeof(double) * hb);
		}
		for (int j = 0; j < hb; j++)
			mc[C_COMB * hb + j] = (mc[C_ETS * hb + j] + mc[C_ARIMA * hb + j] +
					       mc[C_THETA * hb + j]) / 3;
		for (int c = 0; c < NCAND; c++) {
			if (!valid[c])
				continue;
			double e = 0;
			for (int j = 0; j < hb; j++)
				e += fabs(y[tn + j] - mc[c * hb + j]);
			e /= hb;
			/* MASE; when the training part is flat, MAE relative to its level */
			double s = sc > 0 ? sc : fmax(1e-9, fabs(y[tn - 1]));
			if (!isfinite(e))
				valid[c] = 0;
			score[c] += e / s / k;
		}
	}
	free(fb.v);
	free(mc);
	int order[NCAND], no = 0;
	for (int c = 0; c < NCAND; c++)
		if (valid[c])
			order[no++] = c;
	for (int i = 1; i < no; i++)
		for (int j = i; j > 0 && score[order[j]] < score[order[j - 1]]; j--) {
			int t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	int best = no ? order[0] : C_ETS;
	/* the final forecast: the winner's forms chosen again on the whole series */
	if (best == C_ETS || best == C_COMB)
		fm.have_ets = ets_select(y, n, m, &fm.ets) == 0;
	if (best == C_ARIMA || best == C_COMB)
		fm.have_arima = arima_select(y, n, m, &fm.arima) == 0;
	struct bufs tmp;
	bufs_init(&tmp, h);
	run_cand(y, n, m, h, best, &fm, out, &tmp);
	free(tmp.v);
	out->backtest_mase = no ? score[best] : -1;
	size_t len = (size_t)snprintf(out->reason, sizeof(out->reason), "backtest MASE (%d origin%s, h=%d)",
				      k, k > 1 ? "s" : "", hb);
	for (int i = 0; i < no && len < sizeof(out->reason); i++)
		len += (size_t)snprintf(out->reason + len, sizeof(out->reason) - len, "%s %s %.2f",
					i ? " <" : "", m > 1 || order[i] != C_SNAIVE ? cand_name[order[i]] : "naive",
					score[order[i]]);
}

/* ---- dispatch and guards ---------------------------------------------- */

static int run_method(const double *y, int n, int m, int h, enum fc_method method,
		      struct fc_out *out)
{
	out->model[0] = 0;
	out->reason[0] = 0;
	out->backtest_mase = -1;
	int constant = 1;
	for (int i = 1; i < n; i++)
		if (y[i] != y[0])
			constant = 0;
	if (constant) {
		for (int k = 0; k < h; k++)
			fc_set_bounds(out, k, y[n - 1], 0);
		snprintf(out->model, sizeof(out->model), "naive (constant series)");
		if (method == FC_AUTO)
			snprintf(out->reason, sizeof(out->reason), "constant series");
		return 0;
	}
	switch (method) {
	case FC_NAIVE:
		naive(y, n, h, out, NULL);
		break;
	case FC_SNAIVE:
		snaive(y, n, m, h, out);
		break;
	case FC_SES:
	case FC_HOLT:
	case FC_DAMPED:
		smooth(y, n, h, method, out);
		break;
	case FC_ETS: {
		struct ets_fit f;
		if (ets_select(y, n, m, &f) < 0 || ets_forecast(y, n, &f, h, out) < 0)
			naive(y, n, h, out, "series too short for ETS");
		break;
	}
	case FC_THETA:
		fc_theta(y, n, m, h, out);
		break;
	case FC_CROSTON:
	case FC_SBA:
		fc_croston(y, n, h, CROSTON_ALPHA, method == FC_SBA, out);
		break;
	case FC_AUTO:
		auto_method(y, n, m, h, out);
		break;
	default:
		return ERR_INVALID;
	}
	double *arr[5] = {out->mean, out->lower_80, out->upper_80, out->lower_95, out->upper_95};
	for (int a = 0; a < 5; a++)
		for (int k = 0; k < h; k++)
			if (!isfinite(arr[a][k])) {
				char was[96];
				snprintf(was, sizeof(was), "%s", out->model);
				do_lagwalk(y, n, 1, h, out);
				snprintf(out->model, sizeof(out->model), "naive (fallback from %.60s)", was);
				return 0;
			}
	return 0;
}

int forecast_series(const double *y, int n, int m, int h, enum fc_method method,
		    struct fc_out *out)
{
	if (!y || !out || !out->mean || !out->lower_80 || !out->upper_80 || !out->lower_95 ||
	    !out->upper_95 || n < 1 || m < 1 || h < 1 || h > FC_MAX_HORIZON ||
	    (unsigned)method >= FC_NMETHODS)
		return ERR_INVALID;
	for (int i = 0; i < n; i++)
		if (!isfinite(y[i]))
			return ERR_INVALID;
	return run_method(y, n, m, h, method, out);
}
