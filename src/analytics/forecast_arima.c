/* forecast_arima.c: seasonal ARIMA fitted by conditional sum of squares, the
 * orders chosen as Hyndman & Khandakar (2008) describe (KPSS and seasonal
 * strength for the differences, stepwise AICc search), forecasts and their
 * intervals from the psi weights. Used inside `auto`; no SQL, no HTTP. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/forecast.h"
#include "analytics/forecast_int.h"
#include "base/err.h"

#define AR_MAXPAR (ARIMA_MAX_P + ARIMA_MAX_Q + 2 * ARIMA_MAX_PS + 1)
#define AR_NM_MAXIT 1500
#define AR_NM_RELTOL 1e-6
#define AR_MAX_MODELS 60 /* stepwise search budget (R: 94) */
#define KPSS_CRIT 0.463  /* 5% critical value, level stationarity */
#define SEAS_CUT 0.64    /* seasonal strength above which D = 1 (R's "seas") */

/* One fit's inputs: the differenced series and the layout of the parameters
 * phi[p], theta[q], Phi[P], Theta[Q], mu (when constant). */
struct ar_prob {
	const double *w;
	int nw, m;
	struct arima_spec s;
	int npar;
	double *ar, *ma, *res; /* scratch: expanded polynomials, residuals */
	int arl[(ARIMA_MAX_P + 1) * (ARIMA_MAX_PS + 1)], nar; /* lags that can be non-zero */
	int mal[(ARIMA_MAX_Q + 1) * (ARIMA_MAX_PS + 1)], nma;
	int all; /* residuals from t = 0, values before the start at the mean */
};

/* The polynomial 1 - a1 z - ... - ak z^k has all roots outside radius r
 * (step-down / Schur-Cohn: every partial autocorrelation below 1). */
static int ar_ok(const double *a, int k, double r)
{
	double c[ARIMA_MAX_P + 1], t[ARIMA_MAX_P + 1];
	double sc = 1;
	while (k > 0 && a[k - 1] == 0)
		k--;
	for (int i = 0; i < k; i++) {
		sc *= r;
		c[i + 1] = a[i] * sc; /* z = r u: roots in u against radius 1 */
	}
	for (int j = k; j >= 1; j--) {
		double kj = c[j];
		if (!(fabs(kj) < 1))
			return 0;
		double d = 1 - kj * kj;
		for (int i = 1; i < j; i++)
			t[i] = (c[i] + kj * c[j - i]) / d;
		for (int i = 1; i < j; i++)
			c[i] = t[i];
	}
	return 1;
}

/* MA polynomial 1 + t1 z + ... : invertible when 1 - (-t) z ... is stable. */
static int ma_ok(const double *t, int k, double r)
{
	double a[ARIMA_MAX_P + 1];
	for (int i = 0; i < k; i++)
		a[i] = -t[i];
	return ar_ok(a, k, r);
}

/* Expands phi(B) Phi(B^m) into ar[1..p+P*m] (y_t = sum ar_i y_{t-i} + ...)
 * and theta(B) Theta(B^m) into ma[1..q+Q*m]. */
static void expand(const struct arima_spec *s, int m, const double *phi, const double *theta,
		   const double *Phi, const double *Theta, double *ar, double *ma)
{
	int na = s->p + s->P * m, nm = s->q + s->Q * m;
	for (int i = 0; i <= na; i++)
		ar[i] = 0;
	for (int i = 0; i <= nm; i++)
		ma[i] = 0;
	/* (1 - sum phi B^i)(1 - sum Phi B^{jm}) = 1 - ar(B) */
	for (int j = 0; j <= s->P; j++) {
		double cj = j ? -Phi[j - 1] : 1;
		for (int i = 0; i <= s->p; i++) {
			double ci = i ? -phi[i - 1] : 1;
			if (i + j)
				ar[i + j * m] -= ci * cj;
		}
	}
	for (int j = 0; j <= s->Q; j++) {
		double cj = j ? Theta[j - 1] : 1;
		for (int i = 0; i <= s->q; i++) {
			double ci = i ? theta[i - 1] : 1;
			if (i + j)
				ma[i + j * m] += ci * cj;
		}
	}
}

static void split(const struct ar_prob *p, const double *v, const double **phi,
		  const double **theta, const double **Phi, const double **Theta, double *mu)
{
	*phi = v;
	*theta = v + p->s.p;
	*Phi = v + p->s.p + p->s.q;
	*Theta = v + p->s.p + p->s.q + p->s.P;
	*mu = p->s.constant ? v[p->npar - 1] : 0;
}

/* Conditional sum of squares of the ARMA part on w (R's arima "CSS": the
 * first p + P*m residuals are 0 and not counted). INFINITY outside the
 * stationary and invertible region. */
static double css(struct ar_prob *p, const double *v, int *nused)
{
	const double *phi, *theta, *Phi, *Theta;
	double mu;
	split(p, v, &phi, &theta, &Phi, &Theta, &mu);
	if (!ar_ok(phi, p->s.p, 1) || !ar_ok(Phi, p->s.P, 1) || !ma_ok(theta, p->s.q, 1) ||
	    !ma_ok(Theta, p->s.Q, 1))
		return INFINITY;
	int m = p->m, na = p->s.p + p->s.P * m;
	expand(&p->s, m, phi, theta, Phi, Theta, p->ar, p->ma);
	double ssq = 0;
	int cnt = 0;
	for (int t = 0; t < p->nw; t++) {
		if (t < na && !p->all) {
			p->res[t] = 0;
			continue;
		}
		double e = p->w[t] - mu;
		for (int a = 0; a < p->nar && p->arl[a] <= t; a++)
			e -= p->ar[p->arl[a]] * (p->w[t - p->arl[a]] - mu);
		for (int a = 0; a < p->nma && p->mal[a] <= t; a++)
			e -= p->ma[p->mal[a]] * p->res[t - p->mal[a]];
		p->res[t] = e;
		ssq += e * e;
		cnt++;
	}
	if (nused)
		*nused = cnt;
	return cnt > 0 ? ssq / cnt : INFINITY;
}

/* Nelder-Mead (the simplex and steps of R's nmmin) on css(). x: start in,
 * best out; returns the best value. */
static double nm(struct ar_prob *pr, double *x, int n)
{
	double P[AR_MAXPAR][AR_MAXPAR + 1], F[AR_MAXPAR + 1], c[AR_MAXPAR], r[AR_MAXPAR],
		e[AR_MAXPAR];
	int np = n + 1;
	for (int j = 0; j < np; j++) {
		for (int i = 0; i < n; i++)
			P[i][j] = x[i];
		if (j) {
			double st = 0.1 * fabs(x[j - 1]);
			P[j - 1][j] += st > 0 ? st : 0.1;
		}
		double col[AR_MAXPAR];
		for (int i = 0; i < n; i++)
			col[i] = P[i][j];
		F[j] = css(pr, col, NULL);
		if (!isfinite(F[j]))
			F[j] = 1e300;
	}
	for (int it = 0; it < AR_NM_MAXIT; it++) {
		int lo = 0, hi = 0, nh = 0;
		for (int j = 1; j < np; j++) {
			if (F[j] < F[lo])
				lo = j;
			if (F[j] > F[hi])
				hi = j;
		}
		nh = hi == 0 ? 1 : 0;
		for (int j = 0; j < np; j++)
			if (j != hi && F[j] > F[nh])
				nh = j;
		if (F[hi] - F[lo] <= AR_NM_RELTOL * (fabs(F[lo]) + AR_NM_RELTOL))
			break;
		for (int i = 0; i < n; i++) {
			double s = 0;
			for (int j = 0; j < np; j++)
				if (j != hi)
					s += P[i][j];
			c[i] = s / n;
			r[i] = 2 * c[i] - P[i][hi];
		}
		double fr = css(pr, r, NULL);
		if (!isfinite(fr))
			fr = 1e300;
		if (fr < F[lo]) {
			for (int i = 0; i < n; i++)
				e[i] = 3 * c[i] - 2 * P[i][hi];
			double fe = css(pr, e, NULL);
			if (isfinite(fe) && fe < fr) {
				for (int i = 0; i < n; i++)
					P[i][hi] = e[i];
				F[hi] = fe;
			} else {
				for (int i = 0; i < n; i++)
					P[i][hi] = r[i];
				F[hi] = fr;
			}
			continue;
		}
		if (fr < F[nh]) {
			for (int i = 0; i < n; i++)
				P[i][hi] = r[i];
			F[hi] = fr;
			continue;
		}
		if (fr < F[hi]) {
			for (int i = 0; i < n; i++)
				P[i][hi] = r[i];
			F[hi] = fr;
		}
		for (int i = 0; i < n; i++)
			e[i] = 0.5 * (c[i] + P[i][hi]);
		double fc = css(pr, e, NULL);
		if (isfinite(fc) && fc < F[hi]) {
			for (int i = 0; i < n; i++)
				P[i][hi] = e[i];
			F[hi] = fc;
			continue;
		}
		/* shrink towards the best */
		for (int j = 0; j < np; j++) {
			if (j == lo)
				continue;
			for (int i = 0; i < n; i++)
				P[i][j] = 0.5 * (P[i][j] + P[i][lo]);
			double col[AR_MAXPAR];
			for (int i = 0; i < n; i++)
				col[i] = P[i][j];
			F[j] = css(pr, col, NULL);
			if (!isfinite(F[j]))
				F[j] = 1e300;
		}
	}
	int lo = 0;
	for (int j = 1; j < np; j++)
		if (F[j] < F[lo])
			lo = j;
	for (int i = 0; i < n; i++)
		x[i] = P[i][lo];
	return F[lo];
}

/* Adds lag to the ascending list l[0..*n-1] unless it is there. */
static void add_lag(int *l, int *n, int lag)
{
	int i = *n;
	for (int k = 0; k < *n; k++)
		if (l[k] == lag)
			return;
	while (i > 0 && l[i - 1] > lag) {
		l[i] = l[i - 1];
		i--;
	}
	l[i] = lag;
	(*n)++;
}

/* w = (1-B)^d (1-B^m)^D y; returns its length (n - d - D m). */
static int difference(const double *y, int n, int d, int D, int m, double *w)
{
	int len = n;
	memcpy(w, y, sizeof(double) * n);
	for (int k = 0; k < D; k++) {
		for (int t = len - 1; t >= m; t--)
			w[t] -= w[t - m];
		memmove(w, w + m, sizeof(double) * (len - m));
		len -= m;
	}
	for (int k = 0; k < d; k++) {
		for (int t = len - 1; t >= 1; t--)
			w[t] -= w[t - 1];
		memmove(w, w + 1, sizeof(double) * (len - 1));
		len -= 1;
	}
	return len;
}

int arima_fit_model(const double *y, int n, int m, const struct arima_spec *spec,
		    struct arima_fit *fit)
{
	const struct arima_spec *s = spec;
	if (!y || !spec || !fit || m < 1 || s->p < 0 || s->p > ARIMA_MAX_P || s->q < 0 ||
	    s->q > ARIMA_MAX_Q || s->d < 0 || s->d > 2 || s->P < 0 || s->P > ARIMA_MAX_PS ||
	    s->Q < 0 || s->Q > ARIMA_MAX_PS || s->D < 0 || s->D > 1 ||
	    ((s->P || s->Q || s->D) && m < 2))
		return ERR_INVALID;
	int ms = m > 1 ? m : 1;
	int nw = n - s->d - s->D * ms, na = s->p + s->P * ms;
	int k = s->p + s->q + s->P + s->Q + (s->constant ? 1 : 0);
	if (nw - na < k + 3)
		return ERR_INVALID;
	double *w = fc_xmalloc(sizeof(double) * n);
	double *scr = fc_xmalloc(sizeof(double) * (2 * (ARIMA_MAX_P + ARIMA_MAX_PS * ms + 1) + n));
	nw = difference(y, n, s->d, s->D, ms, w);
	struct ar_prob p = {.w = w, .nw = nw, .m = ms, .s = *s, .npar = k};
	p.ar = scr;
	p.ma = scr + ARIMA_MAX_P + ARIMA_MAX_PS * ms + 1;
	p.res = scr + 2 * (ARIMA_MAX_P + ARIMA_MAX_PS * ms + 1);
	for (int j = 0; j <= s->P; j++)
		for (int i = 0; i <= s->p; i++)
			if (i + j)
				add_lag(p.arl, &p.nar, i + j * ms);
	for (int j = 0; j <= s->Q; j++)
		for (int i = 0; i <= s->q; i++)
			if (i + j)
				add_lag(p.mal, &p.nma, i + j * ms);
	double v[AR_MAXPAR] = {0};
	if (s->constant) {
		double mean = 0;
		for (int t = 0; t < nw; t++)
			mean += w[t];
		v[k - 1] = mean / nw;
	}
	double best = k ? nm(&p, v, k) : css(&p, v, NULL);
	/* a restart from the optimum (Nelder-Mead can stall on a ridge) */
	if (k && isfinite(best)) {
		double b2 = nm(&p, v, k);
		if (b2 < best)
			best = b2;
	}
	int nused = 0;
	double s2 = css(&p, v, &nused);
	/* the information criteria score every differenced value: the first
	 * p + Pm residuals too, from the values before the start taken at the
	 * mean. Conditioning them away would let a model with more seasonal
	 * lags look better only because it is scored on fewer, later values. */
	p.all = 1;
	double s2all = css(&p, v, NULL);
	free(w);
	free(scr);
	if (!isfinite(s2) || !(s2 > 0))
		return ERR_INVALID;
	memset(fit, 0, sizeof(*fit));
	fit->spec = *s;
	fit->m = ms;
	memcpy(fit->phi, v, sizeof(double) * s->p);
	memcpy(fit->theta, v + s->p, sizeof(double) * s->q);
	memcpy(fit->Phi, v + s->p + s->q, sizeof(double) * s->P);
	memcpy(fit->Theta, v + s->p + s->q + s->P, sizeof(double) * s->Q);
	fit->mu = s->constant ? v[k - 1] : 0;
	/* forecast::Arima's unbiased variance: the sum of squares over
	 * n - d - Dm - (coefficients) */
	fit->sigma2 = s2 * nused / (nw - k);
	fit->nused = nused;
	fit->npar = k + 1;
	/* -2 log L on all n - d - Dm differenced values, so that models with
	 * different p + Pm compare */
	double nstar = nw;
	fit->loglik = -0.5 * nstar * (log(2 * M_PI * (isfinite(s2all) ? s2all : s2)) + 1);
	fit->aic = -2 * fit->loglik + 2 * fit->npar;
	fit->aicc = nstar - fit->npar - 1 > 0
			    ? fit->aic + 2.0 * fit->npar * (fit->npar + 1) / (nstar - fit->npar - 1)
			    : INFINITY;
	/* R's auto.arima rejects roots within 1.01 of the unit circle */
	if (!ar_ok(fit->phi, s->p, 1.01) || !ar_ok(fit->Phi, s->P, 1.01) ||
	    !ma_ok(fit->theta, s->q, 1.01) || !ma_ok(fit->Theta, s->Q, 1.01))
		fit->aicc = INFINITY;
	return 0;
}

/* ---- differencing tests ------------------------------------------------ */

/* KPSS level-stationarity statistic as forecast::ndiffs computes it (urca's
 * ur.kpss, type "mu", l = trunc(3 sqrt(n) / 13) lags, Bartlett weights). */
static double kpss(const double *x, int n)
{
	double mean = 0, s = 0, eta = 0, g0 = 0;
	for (int t = 0; t < n; t++)
		mean += x[t];
	mean /= n;
	for (int t = 0; t < n; t++) {
		s += x[t] - mean;
		eta += s * s;
		g0 += (x[t] - mean) * (x[t] - mean);
	}
	int l = (int)(3 * sqrt((double)n) / 13);
	double lrv = g0 / n;
	for (int j = 1; j <= l && j < n; j++) {
		double g = 0;
		for (int t = j; t < n; t++)
			g += (x[t] - mean) * (x[t - j] - mean);
		lrv += 2 * (1 - j / (l + 1.0)) * g / n;
	}
	if (!(lrv > 0))
		return 0;
	return eta / ((double)n * n) / lrv;
}

/* Strength of seasonality (Wang, Smith & Hyndman): 1 - var(remainder) /
 * var(detrended), the trend a centred moving average over one season and
 * the seasonal part of each value the mean of the detrended values at the
 * same position up to 3 seasons either side (a season that may drift, as
 * STL's); 0 when too short. */
static double seas_strength(const double *y, int n, int m)
{
	if (m < 2 || n < 2 * m + 1)
		return 0;
	int half = m / 2, lo = half, hi = n - half; /* detrended on [lo, hi) */
	double *dt = fc_xmalloc(sizeof(double) * n);
	for (int t = lo; t < hi; t++) {
		double tr = 0;
		if (m % 2) {
			for (int j = -half; j <= half; j++)
				tr += y[t + j];
		} else {
			tr = 0.5 * (y[t - half] + y[t + half]);
			for (int j = -half + 1; j < half; j++)
				tr += y[t + j];
		}
		dt[t] = y[t] - tr / m;
	}
	double sr = 0, srr = 0, sd = 0, sdd = 0;
	int cnt = 0;
	for (int t = lo; t < hi; t++) {
		double s = 0;
		int c = 0;
		for (int j = -3; j <= 3; j++) {
			int u = t + j * m;
			if (u >= lo && u < hi) {
				s += dt[u];
				c++;
			}
		}
		double rem = dt[t] - s / c;
		sr += rem;
		srr += rem * rem;
		sd += dt[t];
		sdd += dt[t] * dt[t];
		cnt++;
	}
	free(dt);
	if (cnt < 2)
		return 0;
	double vr = srr / cnt - (sr / cnt) * (sr / cnt), vd = sdd / cnt - (sd / cnt) * (sd / cnt);
	return vd > 0 ? fmax(0, 1 - vr / vd) : 0;
}

/* ---- stepwise order search (Hyndman & Khandakar 2008) ------------------ */

struct search {
	const double *y;
	int n, m, d, D;
	struct arima_fit best;
	int have, tried;
	struct arima_spec seen[AR_MAX_MODELS];
};

/* Fits s unless seen before; keeps it when its AICc is the best. 1 when it
 * improved the best. */
static int try_model(struct search *S, struct arima_spec s)
{
	if (s.p < 0 || s.q < 0 || s.P < 0 || s.Q < 0 || s.p > ARIMA_MAX_P || s.q > ARIMA_MAX_Q ||
	    s.P > ARIMA_MAX_PS || s.Q > ARIMA_MAX_PS || s.p + s.q + s.P + s.Q > 5)
		return 0;
	if (S->m < 2 && (s.P || s.Q))
		return 0;
	if (s.constant && S->d + S->D > 1)
		return 0;
	for (int i = 0; i < S->tried; i++)
		if (memcmp(&S->seen[i], &s, sizeof(s)) == 0)
			return 0;
	if (S->tried >= AR_MAX_MODELS)
		return 0;
	S->seen[S->tried++] = s;
	struct arima_fit f;
	if (arima_fit_model(S->y, S->n, S->m, &s, &f) < 0 || !isfinite(f.aicc))
		return 0;
	if (!S->have || f.aicc < S->best.aicc) {
		S->best = f;
		S->have = 1;
		return 1;
	}
	return 0;
}

int arima_select(const double *y, int n, int m, struct arima_fit *best)
{
	if (!y || !best || n < 1 || m < 1)
		return ERR_INVALID;
	int seasonal = m > 1 && m <= FC_MAX_SEASON && n >= 2 * m + 4;
	int ms = seasonal ? m : 1;
	int D = seasonal && seas_strength(y, n, m) > SEAS_CUT ? 1 : 0;
	double *w = fc_xmalloc(sizeof(double) * n);
	int nw = difference(y, n, 0, D, ms, w), d = 0;
	while (d < 2 && nw > 10) {
		int constant = 1;
		for (int t = 1; t < nw; t++)
			if (w[t] != w[0])
				constant = 0;
		if (constant || kpss(w, nw) < KPSS_CRIT)
			break;
		for (int t = nw - 1; t >= 1; t--)
			w[t] -= w[t - 1];
		memmove(w, w + 1, sizeof(double) * (nw - 1));
		nw--;
		d++;
	}
	free(w);
	struct search *S = fc_xmalloc(sizeof(*S));
	memset(S, 0, sizeof(*S));
	S->y = y;
	S->n = n;
	S->m = ms;
	S->d = d;
	S->D = D;
	int c = d + D <= 1;
	int sp = ms > 1;
	struct arima_spec st[4] = {
		{2, d, 2, sp, D, sp, ms, c},
		{0, d, 0, 0, D, 0, ms, c},
		{1, d, 0, sp, D, 0, ms, c},
		{0, d, 1, 0, D, sp, ms, c},
	};
	for (int i = 0; i < 4; i++)
		try_model(S, st[i]);
	if (c) {
		struct arima_spec z = {0, d, 0, 0, D, 0, ms, 0};
		try_model(S, z);
	}
	int improved = S->have;
	while (improved && S->tried < AR_MAX_MODELS) {
		improved = 0;
		struct arima_spec b = S->best.spec, t;
		static const int mv[][4] = {
			{0, 0, -1, 0}, {0, 0, 1, 0}, {0, 0, 0, -1}, {0, 0, 0, 1}, {0, 0, -1, -1},
			{0, 0, 1, 1}, {-1, 0, 0, 0}, {1, 0, 0, 0}, {0, -1, 0, 0}, {0, 1, 0, 0},
			{-1, -1, 0, 0}, {1, 1, 0, 0}, {-1, 1, 0, 0}, {1, -1, 0, 0},
		};
		for (size_t i = 0; i < sizeof(mv) / sizeof(mv[0]) && !improved; i++) {
			t = b;
			t.p += mv[i][0];
			t.q += mv[i][1];
			t.P += mv[i][2];
			t.Q += mv[i][3];
			improved = try_model(S, t);
		}
		if (!improved && d + D <= 1) {
			t = b;
			t.constant = !t.constant;
			improved = try_model(S, t);
		}
	}
	int ok = S->have;
	if (ok)
		*best = S->best;
	free(S);
	return ok ? 0 : ERR_INVALID;
}

/* ---- forecasts --------------------------------------------------------- */

int arima_forecast(const double *y, int n, const struct arima_fit *fit, int h,
		   struct fc_out *out)
{
	if (!y || !fit || !out || h < 1 || h > FC_MAX_HORIZON)
		return ERR_INVALID;
	const struct arima_spec *s = &fit->spec;
	int m = fit->m, d = s->d, D = s->D;
	int na = s->p + s->P * m, nq = s->q + s->Q * m, nd = d + D * m;
	int nw0 = n - nd;
	if (nw0 - na < 1)
		return ERR_INVALID;
	double *ar = fc_xmalloc(sizeof(double) * (na + nd + 1));
	double *ma = fc_xmalloc(sizeof(double) * (nq + 1));
	double *w = fc_xmalloc(sizeof(double) * (n + h));
	double *res = fc_xmalloc(sizeof(double) * (n + h));
	double *yy = fc_xmalloc(sizeof(double) * (n + h));
	double *delta = fc_xmalloc(sizeof(double) * (nd + 1));
	double *full = fc_xmalloc(sizeof(double) * (na + nd + 1));
	double *psi = fc_xmalloc(sizeof(double) * h);
	expand(s, m, fit->phi, fit->theta, fit->Phi, fit->Theta, ar, ma);
	int nw = difference(y, n, d, D, m, w);
	/* in-sample residuals (as the fit), then the ARMA forecasts of w */
	double mu = fit->mu;
	for (int t = 0; t < nw; t++) {
		if (t < na) {
			res[t] = 0;
			continue;
		}
		double e = w[t] - mu;
		for (int i = 1; i <= na; i++)
			e -= ar[i] * (w[t - i] - mu);
		for (int j = 1; j <= nq && j <= t; j++)
			e -= ma[j] * res[t - j];
		res[t] = e;
	}
	for (int k = 0; k < h; k++) {
		int t = nw + k;
		double v = mu;
		for (int i = 1; i <= na; i++)
			if (t - i >= 0)
				v += ar[i] * (w[t - i] - mu);
		for (int j = 1; j <= nq; j++)
			if (t - j >= 0 && t - j < nw)
				v += ma[j] * res[t - j];
		w[t] = v;
		res[t] = 0;
	}
	/* delta: coefficients of (1-B)^d (1-B^m)^D, delta[0] = 1 */
	for (int i = 0; i <= nd; i++)
		delta[i] = i == 0;
	int deg = 0;
	for (int k = 0; k < D; k++) {
		for (int i = deg; i >= 0; i--)
			delta[i + m] -= delta[i];
		deg += m;
	}
	for (int k = 0; k < d; k++) {
		for (int i = deg; i >= 0; i--)
			delta[i + 1] -= delta[i];
		deg += 1;
	}
	/* integrate: y_t = w_t - sum_{i>=1} delta_i y_{t-i} */
	memcpy(yy, y, sizeof(double) * n);
	for (int k = 0; k < h; k++) {
		int t = n + k;
		double v = w[nw + k];
		for (int i = 1; i <= nd; i++)
			v -= delta[i] * yy[t - i];
		yy[t] = v;
	}
	/* psi weights of the full model: (1 - ar(B)) delta(B) psi(B) = 1 + ma(B) */
	int nf = na + nd;
	for (int i = 0; i <= nf; i++)
		full[i] = 0;
	for (int i = 0; i <= na; i++)
		for (int j = 0; j <= nd; j++)
			full[i + j] += (i ? -ar[i] : 1) * delta[j];
	double var = 0;
	for (int k = 0; k < h; k++) {
		double v = k == 0 ? 1 : (k <= nq ? ma[k] : 0);
		for (int i = 1; i <= nf && i <= k; i++)
			v -= full[i] * psi[k - i];
		psi[k] = v;
		var += v * v;
		fc_set_bounds(out, k, yy[n + k], sqrt(fit->sigma2 * var));
	}
	snprintf(out->model, sizeof(out->model), "ARIMA(%d,%d,%d)", s->p, d, s->q);
	size_t len = strlen(out->model);
	if (s->P || s->D || s->Q)
		snprintf(out->model + len, sizeof(out->model) - len, "(%d,%d,%d)[%d]", s->P, D, s->Q, m);
	len = strlen(out->model);
	if (s->constant)
		snprintf(out->model + len, sizeof(out->model) - len, " with %s",
			 d + D == 0 ? "mean" : "drift");
	free(ar);
	free(ma);
	free(w);
	free(res);
	free(yy);
	free(delta);
	free(full);
	free(psi);
	return 0;
}
