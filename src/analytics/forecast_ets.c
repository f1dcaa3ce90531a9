/* forecast_ets.c: the ETS state space models (Hyndman et al. 2008): the
 * recursion, maximum likelihood by Nelder-Mead over the admissible region as
 * R's forecast::ets does, AICc model choice, forecasts and their intervals. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/forecast.h"
#include "analytics/forecast_int.h"
#include "base/err.h"

#define LOWER 1e-4
#define UPPER 0.9999
#define PHI_LO 0.8
#define PHI_HI 0.98
#define NM_MAXIT 2000
#define NM_RELTOL 1.490116119384765625e-8 /* R's optim default, sqrt(eps) */
#define NM_BIG 1.0e35
#define MAXPAR (4 + 2 + FC_MAX_SEASON)
#define SIM_PATHS 2000

/* One evaluation's inputs: the model, the data and the parameter layout. */
struct ets_prob {
	const double *y;
	int n, m;
	struct ets_model spec;
	int mse; /* objective: MSE instead of the likelihood */
	int npar;
};

/* Parameters in R's order: alpha, beta, gamma, phi, l0, b0, s0..s_{m-2}. */
static void unpack(const struct ets_prob *p, const double *v, struct ets_fit *f)
{
	int k = 0;
	f->alpha = v[k++];
	f->beta = p->spec.trend ? v[k++] : 0;
	f->gamma = p->spec.season ? v[k++] : 0;
	f->phi = p->spec.damped ? v[k++] : 1;
	f->l0 = v[k++];
	f->b0 = p->spec.trend ? v[k++] : 0;
	if (p->spec.season) {
		double sum = 0;
		for (int i = 0; i < p->m - 1; i++) {
			f->s0[i] = v[k++];
			sum += f->s0[i];
		}
		f->s0[p->m - 1] = (p->spec.season == ETS_M ? p->m : 0) - sum;
	}
}

static int nparams(const struct ets_model *s, int m)
{
	/* alpha, l0, [beta, b0], [gamma, m-1 states], [phi], and sigma */
	return 2 + (s->trend ? 2 : 0) + (s->season ? m : 0) + s->damped + 1;
}

/* Schur-Cohn: all roots of a[0] + a[1] z + ... + a[d] z^d strictly inside
 * the unit circle (a is overwritten). */
static int roots_inside(double *a, int d)
{
	while (d > 0) {
		double a0 = a[0], ad = a[d];
		if (fabs(a0) >= fabs(ad))
			return 0;
		double c[FC_MAX_SEASON + 2];
		for (int k = 0; k < d; k++)
			c[k] = ad * a[k + 1] - a0 * a[d - 1 - k];
		d--;
		for (int k = 0; k <= d; k++)
			a[k] = c[k];
		/* rescale to keep the numbers in range */
		double mx = 0;
		for (int k = 0; k <= d; k++)
			if (fabs(a[k]) > mx)
				mx = fabs(a[k]);
		if (mx == 0)
			return 0;
		for (int k = 0; k <= d; k++)
			a[k] /= mx;
	}
	return 1;
}

/* R's forecast:::admissible(): the model is forecastable. */
static int admissible(double alpha, double beta, double gamma, double phi, int trend,
		      int season, int m)
{
	if (phi < 0 || phi > 1 + 1e-8)
		return 0;
	if (!season) {
		if (alpha < 1 - 1 / phi || alpha > 1 + 1 / phi)
			return 0;
		if (trend && (beta < alpha * (phi - 1) || beta > (1 + phi) * (2 - alpha)))
			return 0;
		return 1;
	}
	if (!trend)
		beta = 0;
	double g0 = fmax(1 - 1 / phi - alpha, 0);
	if (gamma < g0 || gamma > 1 + 1 / phi - alpha)
		return 0;
	if (alpha < 1 - 1 / phi - gamma * (1 - m + phi + phi * m) / (2 * phi * m))
		return 0;
	if (beta < -(1 - phi) * (gamma / m + alpha))
		return 0;
	double P[FC_MAX_SEASON + 2];
	P[0] = phi * (1 - alpha - gamma);
	P[1] = alpha + beta - alpha * phi + gamma - 1;
	for (int i = 2; i < m; i++)
		P[i] = alpha + beta - alpha * phi;
	P[m] = alpha + beta - phi;
	P[m + 1] = 1;
	/* R allows max|root| <= 1 + 1e-10. Without a trend (beta 0, phi 1)
	 * z = 1 is always a root: divide it out, then the rest must lie
	 * strictly inside (scaled by 1 + 1e-10 as R's tolerance). */
	int d = m + 1;
	double at1 = 0, mag = 0;
	for (int i = 0; i <= d; i++) {
		at1 += P[i];
		mag += fabs(P[i]);
	}
	if (fabs(at1) <= 1e-10 * mag) {
		double q[FC_MAX_SEASON + 2];
		q[d - 1] = P[d];
		for (int k = d - 1; k >= 1; k--)
			q[k - 1] = P[k] + q[k];
		d--;
		for (int k = 0; k <= d; k++)
			P[k] = q[k];
	}
	double sc = 1;
	for (int i = 0; i <= d; i++, sc *= 1 + 1e-10)
		P[i] *= sc;
	return roots_inside(P, d);
}

/* R's check.param with bounds = "both". */
static int params_ok(const struct ets_prob *p, const struct ets_fit *f)
{
	if (f->alpha < LOWER || f->alpha > UPPER)
		return 0;
	if (p->spec.trend && (f->beta < LOWER || f->beta > f->alpha || f->beta > UPPER))
		return 0;
	if (p->spec.damped && (f->phi < PHI_LO || f->phi > PHI_HI))
		return 0;
	if (p->spec.season && (f->gamma < LOWER || f->gamma > 1 - f->alpha || f->gamma > UPPER))
		return 0;
	if (p->spec.season == ETS_M)
		for (int i = 0; i < p->m; i++)
			if (f->s0[i] < 0)
				return 0;
	return admissible(f->alpha, f->beta, f->gamma, f->phi, p->spec.trend, p->spec.season, p->m);
}

/* The recursion over y: returns R's "lik" (n log sum e^2 [+ 2 sum log|f|])
 * and the sum of squared errors, or +Inf when a forecast is unusable. No
 * allocation; O(n). When st is not NULL the final states are stored there
 * (l, b, then the ring of m seasonal values indexed by position mod m). */
static double recurse(const double *y, int n, int m, const struct ets_model *s,
		      const struct ets_fit *f, double *sse_out, double *st)
{
	double ring[FC_MAX_SEASON];
	double l = f->l0, b = f->b0, sse = 0, slog = 0, prod = 1; /* sum log|f| = slog + log(prod) */
	double a = f->alpha, ba = s->trend ? f->beta / f->alpha : 0, g = f->gamma;
	double phi = s->damped ? f->phi : 1;
	int mm = s->season ? m : 1;
	if (s->season)
		for (int j = 0; j < m; j++)
			ring[j] = f->s0[m - 1 - j];
	int pos = 0;
	for (int t = 0; t < n; t++) {
		double phib = s->trend ? phi * b : 0;
		double q = l + phib, fc, p, sv = 0;
		if (s->season == ETS_A) {
			sv = ring[pos];
			fc = q + sv;
			p = y[t] - sv;
		} else if (s->season == ETS_M) {
			sv = ring[pos];
			fc = q * sv;
			if (sv == 0)
				return INFINITY;
			p = y[t] / sv;
		} else {
			fc = q;
			p = y[t];
		}
		double e;
		if (s->error == ETS_M) {
			if (fc == 0)
				return INFINITY;
			e = (y[t] - fc) / fc;
			prod *= fabs(fc); /* one log per run of values, not per value */
			if (prod > 1e150 || prod < 1e-150) {
				slog += log(prod);
				prod = 1;
			}
		} else {
			e = y[t] - fc;
		}
		sse += e * e;
		double ln = q + a * (p - q);
		if (s->trend)
			b = phib + ba * (ln - l - phib);
		if (s->season) {
			double tt;
			if (s->season == ETS_A)
				tt = y[t] - q;
			else {
				if (q == 0)
					return INFINITY;
				tt = y[t] / q;
			}
			ring[pos] = sv + g * (tt - sv);
		}
		l = ln;
		if (++pos == mm)
			pos = 0;
	}
	if (!isfinite(sse))
		return INFINITY;
	*sse_out = sse;
	if (st) {
		st[0] = l;
		st[1] = b;
		if (s->season)
			for (int j = 0; j < m; j++)
				st[2 + j] = ring[j];
	}
	slog += log(prod);
	double lik = n * log(sse) + (s->error == ETS_M ? 2 * slog : 0);
	if (isnan(lik) || lik == INFINITY)
		return INFINITY;
	return lik < -1e10 ? -1e10 : lik; /* a perfect fit, as R clamps it */
}

static double objective(const struct ets_prob *p, const double *v)
{
	struct ets_fit f;
	unpack(p, v, &f);
	if (!params_ok(p, &f))
		return INFINITY;
	double sse = 0, lik = recurse(p->y, p->n, p->m, &p->spec, &f, &sse, NULL);
	if (lik == INFINITY)
		return INFINITY;
	return p->mse ? sse / p->n : lik;
}

/* Nelder-Mead as R's nmmin (optim's default method): same simplex, steps
 * and stopping rule. x: start in, best out. Returns the best value. */
static double nelder_mead(const struct ets_prob *pr, double *x, int n)
{
	double P[MAXPAR + 1][MAXPAR + 2];
	double B[MAXPAR];
	const double alpha = 1.0, bet = 0.5, gamm = 2.0;
	int n1 = n + 1, C = n + 2, L = 1, H, funcount = 0;
	int calcvert = 1;
	double f, size, oldsize, step = 0, VH, VL, VR, convtol;

	memcpy(B, x, sizeof(double) * n);
	f = objective(pr, B);
	if (!isfinite(f))
		return INFINITY;
	funcount = 1;
	convtol = NM_RELTOL * (fabs(f) + NM_RELTOL);
	P[n1 - 1][0] = f;
	for (int i = 0; i < n; i++)
		P[i][0] = B[i];
	for (int i = 0; i < n; i++)
		if (0.1 * fabs(B[i]) > step)
			step = 0.1 * fabs(B[i]);
	if (step == 0.0)
		step = 0.1;
	size = 0.0;
	for (int j = 2; j <= n1; j++) {
		for (int i = 0; i < n; i++)
			P[i][j - 1] = B[i];
		double trystep = step;
		while (P[j - 2][j - 1] == B[j - 2]) {
			P[j - 2][j - 1] = B[j - 2] + trystep;
			trystep *= 10;
		}
		size += trystep;
	}
	oldsize = size;
	do {
		if (calcvert) {
			for (int j = 0; j < n1; j++) {
				if (j + 1 != L) {
					for (int i = 0; i < n; i++)
						B[i] = P[i][j];
					f = objective(pr, B);
					if (!isfinite(f))
						f = NM_BIG;
					funcount++;
					P[n1 - 1][j] = f;
				}
			}
			calcvert = 0;
		}
		VL = P[n1 - 1][L - 1];
		VH = VL;
		H = L;
		for (int j = 1; j <= n1; j++) {
			if (j != L) {
				f = P[n1 - 1][j - 1];
				if (f < VL) {
					L = j;
					VL = f;
				}
				if (f > VH) {
					H = j;
					VH = f;
				}
			}
		}
		if (VH <= VL + convtol)
			break;
		for (int i = 0; i < n; i++) {
			double temp = -P[i][H - 1];
			for (int j = 0; j < n1; j++)
				temp += P[i][j];
			P[i][C - 1] = temp / n;
		}
		for (int i = 0; i < n; i++)
			B[i] = (1.0 + alpha) * P[i][C - 1] - alpha * P[i][H - 1];
		f = objective(pr, B);
		if (!isfinite(f))
			f = NM_BIG;
		funcount++;
		VR = f;
		if (VR < VL) {
			P[n1 - 1][C - 1] = f;
			for (int i = 0; i < n; i++) {
				f = gamm * B[i] + (1 - gamm) * P[i][C - 1];
				P[i][C - 1] = B[i];
				B[i] = f;
			}
			f = objective(pr, B);
			if (!isfinite(f))
				f = NM_BIG;
			funcount++;
			if (f < VR) {
				for (int i = 0; i < n; i++)
					P[i][H - 1] = B[i];
				P[n1 - 1][H - 1] = f;
			} else {
				for (int i = 0; i < n; i++)
					P[i][H - 1] = P[i][C - 1];
				P[n1 - 1][H - 1] = VR;
			}
		} else {
			if (VR < VH) {
				for (int i = 0; i < n; i++)
					P[i][H - 1] = B[i];
				P[n1 - 1][H - 1] = VR;
			}
			for (int i = 0; i < n; i++)
				B[i] = (1 - bet) * P[i][H - 1] + bet * P[i][C - 1];
			f = objective(pr, B);
			if (!isfinite(f))
				f = NM_BIG;
			funcount++;
			if (f < P[n1 - 1][H - 1]) {
				for (int i = 0; i < n; i++)
					P[i][H - 1] = B[i];
				P[n1 - 1][H - 1] = f;
			} else if (VR >= VH) {
				calcvert = 1;
				size = 0.0;
				for (int j = 0; j < n1; j++) {
					if (j + 1 != L) {
						for (int i = 0; i < n; i++) {
							P[i][j] = bet * (P[i][j] - P[i][L - 1]) + P[i][L - 1];
							size += fabs(P[i][j] - P[i][L - 1]);
						}
					}
				}
				if (size < oldsize)
					oldsize = size;
				else
					break;
			}
		}
	} while (funcount <= NM_MAXIT);
	for (int i = 0; i < n; i++)
		x[i] = P[i][L - 1];
	return P[n1 - 1][L - 1];
}

/* Least squares line through (x0 + i, v[i]), i < k: intercept and slope at
 * x = 0. */
static void lsline(const double *v, int k, double x0, double *icpt, double *slope)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0;
	for (int i = 0; i < k; i++) {
		double x = x0 + i;
		sx += x;
		sy += v[i];
		sxx += x * x;
		sxy += x * v[i];
	}
	double d = k * sxx - sx * sx;
	*slope = d != 0 ? (k * sxy - sx * sy) / d : 0;
	*icpt = (sy - *slope * sx) / k;
}

/* Least squares of y on 1, t, sin(2 pi t/m), cos(2 pi t/m) (t = 1..n; no
 * sine when m = 2), as R's tslm(y ~ trend + fourier(y, 1)): c[0] intercept,
 * c[1] slope (c[2], c[3] the pair). */
static void fourier_line(const double *y, int n, int m, double *c)
{
	int k = m == 2 ? 3 : 4;
	double A[4][5] = {{0}};
	for (int t = 0; t < n; t++) {
		double x[4] = {1, t + 1, 0, 0}, a = 2 * M_PI * (t + 1) / m;
		if (k == 4) {
			x[2] = sin(a);
			x[3] = cos(a);
		} else {
			x[2] = cos(a);
		}
		for (int i = 0; i < k; i++) {
			for (int j = 0; j < k; j++)
				A[i][j] += x[i] * x[j];
			A[i][k] += x[i] * y[t];
		}
	}
	for (int i = 0; i < k; i++) { /* Gauss-Jordan with partial pivoting */
		int piv = i;
		for (int r = i + 1; r < k; r++)
			if (fabs(A[r][i]) > fabs(A[piv][i]))
				piv = r;
		for (int j = 0; j <= k; j++) {
			double tmp = A[i][j];
			A[i][j] = A[piv][j];
			A[piv][j] = tmp;
		}
		if (A[i][i] == 0)
			continue;
		for (int r = 0; r < k; r++) {
			if (r == i)
				continue;
			double f = A[r][i] / A[i][i];
			for (int j = i; j <= k; j++)
				A[r][j] -= f * A[i][j];
		}
	}
	for (int i = 0; i < 4; i++)
		c[i] = i < k && A[i][i] != 0 ? A[i][k] / A[i][i] : 0;
}

/* R's forecast:::initstate (seasonal start from a classical decomposition,
 * level and trend from a line through the first max(10, 2m) adjusted values)
 * and initparam. v receives the start vector. */
static void start_values(const struct ets_prob *p, double *v)
{
	int n = p->n, m = p->m;
	const struct ets_model *s = &p->spec;
	double *ysa = fc_xmalloc(sizeof(double) * n);
	double figure[FC_MAX_SEASON], init[FC_MAX_SEASON];
	int k = 0;

	if (s->season) {
		/* sv: the seasonal component at each t, from a classical
		 * decomposition, or with fewer than 3 seasons, y less (or over)
		 * the line of a regression on t and one Fourier pair. */
		double *sv = fc_xmalloc(sizeof(double) * n);
		if (n >= 3 * m) {
			fc_seasonal_figure(p->y, n, m, s->season == ETS_M, figure);
			for (int t = 0; t < n; t++)
				sv[t] = figure[t % m];
		} else {
			double c[4];
			fourier_line(p->y, n, m, c);
			for (int t = 0; t < n; t++) {
				double line = c[0] + c[1] * (t + 1);
				sv[t] = s->season == ETS_A ? p->y[t] - line : p->y[t] / line;
			}
		}
		/* init.seas = rev(seasonal[2:m]) */
		for (int i = 0; i < m - 1; i++)
			init[i] = sv[m - 1 - i];
		if (s->season == ETS_A) {
			for (int t = 0; t < n; t++)
				ysa[t] = p->y[t] - sv[t];
		} else {
			double sum = 0;
			for (int i = 0; i < m - 1; i++) {
				init[i] = fmax(init[i], 1e-2);
				sum += init[i];
			}
			if (sum > m)
				for (int i = 0; i < m - 1; i++)
					init[i] /= sum + (m - 1) * 1e-2;
			for (int t = 0; t < n; t++)
				ysa[t] = p->y[t] / fmax(sv[t], 1e-2);
		}
		free(sv);
	} else {
		memcpy(ysa, p->y, sizeof(double) * n);
	}
	int mm = s->season ? m : 1;
	int maxn = 2 * mm > 10 ? 2 * mm : 10;
	if (maxn > n)
		maxn = n;
	double l0, b0 = 0;
	if (!s->trend) {
		l0 = 0;
		for (int i = 0; i < maxn; i++)
			l0 += ysa[i];
		l0 /= maxn;
	} else {
		lsline(ysa, maxn, 1, &l0, &b0);
		if (fabs(l0 + b0) < 1e-8) {
			l0 *= 1 + 1e-3;
			b0 *= 1 - 1e-3;
		}
	}
	free(ysa);

	/* initparam */
	double alpha = LOWER + 0.2 * (UPPER - LOWER) / mm;
	if (alpha > 1 || alpha < 0)
		alpha = LOWER + 0.002;
	v[k++] = alpha;
	if (s->trend) {
		double beta = LOWER + 0.1 * (fmin(UPPER, alpha) - LOWER);
		if (beta < 0 || beta > alpha)
			beta = alpha - 1e-3;
		v[k++] = beta;
	}
	if (s->season) {
		double gamma = LOWER + 0.05 * (fmin(UPPER, 1 - alpha) - LOWER);
		if (gamma < 0 || gamma > 1 - alpha)
			gamma = 1 - alpha - 1e-3;
		v[k++] = gamma;
	}
	if (s->damped) {
		double phi = PHI_LO + 0.99 * (PHI_HI - PHI_LO);
		if (phi < 0 || phi > 1)
			phi = PHI_HI - 1e-3;
		v[k++] = phi;
	}
	v[k++] = l0;
	if (s->trend)
		v[k++] = b0;
	for (int i = 0; s->season && i < m - 1; i++)
		v[k++] = init[i];
}

static int model_valid(const double *y, int n, int m, const struct ets_model *s)
{
	if (s->error != ETS_A && s->error != ETS_M)
		return 0;
	if (s->trend != ETS_N && s->trend != ETS_A)
		return 0;
	if (s->damped && !s->trend)
		return 0;
	if (s->season) {
		if (m < 2 || m > FC_MAX_SEASON || n < 2 * m)
			return 0;
		if (s->season == ETS_M && s->error == ETS_A)
			return 0;
	}
	if (s->error == ETS_M || s->season == ETS_M)
		for (int i = 0; i < n; i++)
			if (!(y[i] > 0))
				return 0;
	int np = nparams(s, s->season ? m : 1);
	return n - np - 1 > 0;
}

int ets_eval(const double *y, int n, struct ets_fit *fit)
{
	double sse = 0;
	int m = fit->spec.season ? fit->m : 1;
	double lik = recurse(y, n, m, &fit->spec, fit, &sse, NULL);
	if (!isfinite(lik) || n - fit->np <= 0)
		return ERR_INVALID;
	fit->loglik = -0.5 * lik;
	fit->aic = lik + 2.0 * fit->np;
	fit->bic = lik + log((double)n) * fit->np;
	fit->aicc = n - fit->np - 1 > 0
			    ? fit->aic + 2.0 * fit->np * (fit->np + 1) / (n - fit->np - 1)
			    : INFINITY;
	fit->sigma2 = sse / (n - (fit->np - 1)); /* R: n - length(par) */
	fit->mse = sse / n;
	return 0;
}

int ets_fit_model(const double *y, int n, int m, const struct ets_model *spec,
		  int mse_criterion, struct ets_fit *fit)
{
	if (!y || !spec || !fit || n < 1 || m < 1)
		return ERR_INVALID;
	if (!model_valid(y, n, m, spec))
		return ERR_INVALID;
	struct ets_prob p = {.y = y, .n = n, .m = spec->season ? m : 1, .spec = *spec,
			     .mse = mse_criterion};
	double v[MAXPAR];
	p.npar = nparams(spec, p.m) - 1;
	start_values(&p, v);
	double best = nelder_mead(&p, v, p.npar);
	if (!isfinite(best) || best >= NM_BIG)
		return ERR_INVALID;
	memset(fit, 0, sizeof(*fit));
	fit->spec = *spec;
	fit->m = p.m;
	unpack(&p, v, fit);
	fit->np = p.npar + 1;
	return ets_eval(y, n, fit);
}

int ets_select(const double *y, int n, int m, struct ets_fit *best)
{
	static const int errs[] = {ETS_A, ETS_M};
	static const int seas[] = {ETS_N, ETS_A, ETS_M};
	int found = 0;
	struct ets_fit f;
	for (int ei = 0; ei < 2; ei++)
		for (int tr = 0; tr < 3; tr++)
			for (int si = 0; si < 3; si++) {
				struct ets_model s = {.error = errs[ei],
						      .trend = tr ? ETS_A : ETS_N,
						      .season = seas[si],
						      .damped = tr == 2};
				if (!model_valid(y, n, m, &s))
					continue;
				if (ets_fit_model(y, n, m, &s, 0, &f) < 0 || !isfinite(f.aicc))
					continue;
				if (!found || f.aicc < best->aicc) {
					*best = f;
					found = 1;
				}
			}
	return found ? 0 : ERR_INVALID;
}

static const char comp[] = {'N', 'A', 'M'};

/* One step of the model without error from state st (l, b, ring), at
 * absolute time t; returns the one-step forecast and advances st with the
 * observation yv (pass the forecast for the mean path). */
static double step_fc(const struct ets_fit *f, const double *st, int t)
{
	double phi = f->spec.damped ? f->phi : 1;
	double q = st[0] + (f->spec.trend ? phi * st[1] : 0);
	if (f->spec.season == ETS_A)
		return q + st[2 + t % f->m];
	if (f->spec.season == ETS_M)
		return q * st[2 + t % f->m];
	return q;
}

static void step_update(const struct ets_fit *f, double *st, int t, double yv)
{
	double phi = f->spec.damped ? f->phi : 1;
	double phib = f->spec.trend ? phi * st[1] : 0;
	double q = st[0] + phib, p = yv, sv = 0;
	int pos = f->spec.season ? 2 + t % f->m : 0;
	if (f->spec.season == ETS_A) {
		sv = st[pos];
		p = yv - sv;
	} else if (f->spec.season == ETS_M) {
		sv = st[pos];
		p = yv / sv;
	}
	double ln = q + f->alpha * (p - q);
	if (f->spec.trend)
		st[1] = phib + (f->beta / f->alpha) * (ln - st[0] - phib);
	if (f->spec.season) {
		double tt = f->spec.season == ETS_A ? yv - q : yv / q;
		st[pos] = sv + f->gamma * (tt - sv);
	}
	st[0] = ln;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int ets_forecast(const double *y, int n, const struct ets_fit *fit, int h, struct fc_out *out)
{
	double st[2 + FC_MAX_SEASON], sse;
	if (!y || !fit || !out || h < 1 || h > FC_MAX_HORIZON)
		return ERR_INVALID;
	int m = fit->spec.season ? fit->m : 1;
	if (!isfinite(recurse(y, n, m, &fit->spec, fit, &sse, st)))
		return ERR_INVALID;
	/* Point forecasts: the model run on without error. */
	double mst[2 + FC_MAX_SEASON];
	memcpy(mst, st, sizeof(st));
	for (int k = 0; k < h; k++) {
		out->mean[k] = step_fc(fit, mst, n + k);
		step_update(fit, mst, n + k, out->mean[k]);
	}
	double s2 = fit->sigma2;
	if (fit->spec.season != ETS_M) {
		/* Classes 1 and 2: c_j = alpha + beta phi_j + gamma [j mod m = 0]. */
		double phi = fit->spec.damped ? fit->phi : 1, phij = 0, csum = 0;
		double *c2 = fc_xmalloc(sizeof(double) * (h + 1));
		double *theta = fc_xmalloc(sizeof(double) * (h + 1));
		for (int k = 1; k <= h; k++) {
			double mu = out->mean[k - 1], var;
			if (fit->spec.error == ETS_A) {
				var = s2 * (1 + csum);
			} else {
				double th = mu * mu;
				for (int j = 1; j < k; j++)
					th += s2 * c2[j] * theta[k - j];
				theta[k] = th;
				var = (1 + s2) * th - mu * mu;
			}
			double sd = var > 0 ? sqrt(var) : 0;
			fc_set_bounds(out, k - 1, mu, sd);
			/* c_k for the next horizon */
			phij = phij * phi + phi;
			double c = fit->alpha + (fit->spec.trend ? fit->beta * phij : 0) +
				   (fit->spec.season && k % m == 0 ? fit->gamma : 0);
			c2[k] = c * c;
			csum += c2[k];
		}
		free(c2);
		free(theta);
	} else {
		/* Multiplicative season: sample paths with a fixed seed. */
		double *paths = fc_xmalloc(sizeof(double) * (size_t)h * SIM_PATHS);
		uint64_t rng = 0x7e25a5eedULL;
		double sd = sqrt(s2 > 0 ? s2 : 0);
		for (int r = 0; r < SIM_PATHS; r++) {
			double ps[2 + FC_MAX_SEASON];
			memcpy(ps, st, sizeof(st));
			for (int k = 0; k < h; k++) {
				double fc = step_fc(fit, ps, n + k), e = sd * fc_rnorm(&rng);
				double yv = fit->spec.error == ETS_A ? fc + e : fc * (1 + e);
				paths[(size_t)k * SIM_PATHS + r] = yv;
				step_update(fit, ps, n + k, yv);
			}
		}
		for (int k = 0; k < h; k++) {
			double *v = paths + (size_t)k * SIM_PATHS;
			qsort(v, SIM_PATHS, sizeof(double), cmp_double);
			out->lower_95[k] = fc_quantile(v, SIM_PATHS, 0.025);
			out->lower_80[k] = fc_quantile(v, SIM_PATHS, 0.10);
			out->upper_80[k] = fc_quantile(v, SIM_PATHS, 0.90);
			out->upper_95[k] = fc_quantile(v, SIM_PATHS, 0.975);
		}
		free(paths);
	}
	snprintf(out->model, sizeof(out->model), "ETS(%c,%c%s,%c)", comp[fit->spec.error],
		 comp[fit->spec.trend], fit->spec.damped ? "d" : "", comp[fit->spec.season]);
	return 0;
}
