/* test_forecast.c: the forecasting methods against R's forecast package
 * (forecast_fixtures.h), interval coverage on simulated series, and the
 * guards for short, constant and bad series. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analytics/forecast.h"
#include "base/err.h"
#include "forecast_fixtures.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define HMAX 64

struct res {
	double v[5 * HMAX];
	struct fc_out o;
};

static struct fc_out *res_init(struct res *r, int h)
{
	memset(r, 0, sizeof(*r));
	r->o.mean = r->v;
	r->o.lower_80 = r->v + h;
	r->o.upper_80 = r->v + 2 * h;
	r->o.lower_95 = r->v + 3 * h;
	r->o.upper_95 = r->v + 4 * h;
	return &r->o;
}

/* |got - want| <= tol * max(1, |want|) for every value; ref holds n values. */
static void near(const double *got, const double *want, int n, double tol, const char *what)
{
	for (int i = 0; i < n; i++) {
		double d = fabs(got[i] - want[i]), s = fmax(1, fabs(want[i]));
		if (!(d <= tol * s)) {
			print_error("%s[%d]: got %.12g, R %.12g (tol %g)\n", what, i, got[i], want[i], tol);
			fail();
		}
	}
}

/* The five arrays of r (h each) against R's five-block array. */
static void near_all(struct res *r, const double *ref, int h, double tol, const char *what)
{
	near(r->v, ref, 5 * h, tol, what);
}

static void all_finite(const struct res *r, int h)
{
	for (int i = 0; i < 5 * h; i++)
		assert_true(isfinite(r->v[i]));
}

static void test_naive_snaive_exact(void **state)
{
	struct res r;
	assert_int_equal(forecast_series(nile, N(nile), 1, 5, FC_NAIVE, res_init(&r, 5)), 0);
	near_all(&r, nile_naive, 5, 1e-12, "naive(Nile)");
	assert_string_equal(r.o.model, "naive");
	assert_int_equal(forecast_series(air, N(air), 12, 15, FC_SNAIVE, res_init(&r, 15)), 0);
	near_all(&r, air_snaive, 15, 1e-12, "snaive(AirPassengers)");
	assert_string_equal(r.o.model, "snaive");
}

/* With R's fitted parameters the recursion, sigma2 and intervals are
 * deterministic: they must agree to 1e-6. */
static void test_ses_holt_given_params(void **state)
{
	struct res r;
	struct ets_fit f = {.spec = {ETS_A, ETS_N, ETS_N, 0}, .m = 1, .np = 3};
	f.alpha = nile_ses_par[0];
	f.l0 = nile_ses_par[1];
	assert_int_equal(ets_eval(nile, N(nile), &f), 0);
	near(&f.sigma2, nile_ses_sigma2, 1, 1e-9, "sigma2 ses(Nile)");
	assert_int_equal(ets_forecast(nile, N(nile), &f, 5, res_init(&r, 5)), 0);
	near_all(&r, nile_ses, 5, 1e-6, "ses(Nile) with R's parameters");

	struct ets_fit g = {.spec = {ETS_A, ETS_A, ETS_N, 0}, .m = 1, .np = 5, .phi = 1};
	g.alpha = www_holt_par[0];
	g.beta = www_holt_par[1];
	g.l0 = www_holt_par[2];
	g.b0 = www_holt_par[3];
	assert_int_equal(ets_eval(www, N(www), &g), 0);
	assert_int_equal(ets_forecast(www, N(www), &g, 5, res_init(&r, 5)), 0);
	near_all(&r, www_holt, 5, 1e-6, "holt(WWWusage) with R's parameters");

	struct ets_fit d = {.spec = {ETS_A, ETS_A, ETS_N, 1}, .m = 1, .np = 6};
	d.alpha = www_damped_par[0];
	d.beta = www_damped_par[1];
	d.phi = www_damped_par[2];
	d.l0 = www_damped_par[3];
	d.b0 = www_damped_par[4];
	assert_int_equal(ets_eval(www, N(www), &d), 0);
	assert_int_equal(ets_forecast(www, N(www), &d, 5, res_init(&r, 5)), 0);
	near_all(&r, www_damped, 5, 1e-6, "holt(WWWusage, damped) with R's parameters");
}

/* Fitted by our optimizer: R's optimum to optimizer precision. */
static void test_ses_holt_fitted(void **state)
{
	struct res r;
	assert_int_equal(forecast_series(nile, N(nile), 1, 5, FC_SES, res_init(&r, 5)), 0);
	near_all(&r, nile_ses, 5, 1e-4, "ses(Nile)");
	assert_string_equal(r.o.model, "SES");
	assert_int_equal(forecast_series(www, N(www), 1, 5, FC_HOLT, res_init(&r, 5)), 0);
	near_all(&r, www_holt, 5, 1e-3, "holt(WWWusage)");
	assert_int_equal(forecast_series(www, N(www), 1, 5, FC_DAMPED, res_init(&r, 5)), 0);
	near(r.o.mean, www_damped, 5, 5e-3, "holt(WWWusage, damped) mean");
	all_finite(&r, 5);
}

static void set_seasonal(struct ets_fit *f, const double *s, int m, int mult)
{
	double sum = 0;
	for (int i = 0; i < m - 1; i++) {
		f->s0[i] = s[i];
		sum += s[i];
	}
	f->s0[m - 1] = (mult ? m : 0) - sum;
}

/* ETS(A,A,A) class 1 and ETS(M,Ad,M) with R's parameters: likelihood,
 * information criteria and forecasts. */
static void test_ets_given_params(void **state)
{
	struct res r;
	struct ets_fit f = {.spec = {ETS_A, ETS_A, ETS_A, 0}, .m = 12, .np = N(air_aaa_par) + 1,
			    .phi = 1};
	f.alpha = air_aaa_par[0];
	f.beta = air_aaa_par[1];
	f.gamma = air_aaa_par[2];
	f.l0 = air_aaa_par[3];
	f.b0 = air_aaa_par[4];
	set_seasonal(&f, air_aaa_par + 5, 12, 0);
	assert_int_equal(ets_eval(air, N(air), &f), 0);
	double ic[4] = {f.loglik, f.aic, f.aicc, f.sigma2};
	near(ic, air_aaa_ic, 4, 1e-8, "ETS(A,A,A) loglik, aic, aicc, sigma2");
	assert_int_equal(ets_forecast(air, N(air), &f, 12, res_init(&r, 12)), 0);
	near_all(&r, air_aaa, 12, 1e-6, "ETS(A,A,A) AirPassengers");
	assert_string_equal(r.o.model, "ETS(A,A,A)");

	struct ets_fit g = {.spec = {ETS_M, ETS_A, ETS_M, 1}, .m = 12, .np = N(air_ets_par) + 1};
	g.alpha = air_ets_par[0];
	g.beta = air_ets_par[1];
	g.gamma = air_ets_par[2];
	g.phi = air_ets_par[3];
	g.l0 = air_ets_par[4];
	g.b0 = air_ets_par[5];
	set_seasonal(&g, air_ets_par + 6, 12, 1);
	assert_int_equal(ets_eval(air, N(air), &g), 0);
	double ic2[4] = {g.loglik, g.aic, g.aicc, g.sigma2};
	near(ic2, air_ets_ic, 4, 1e-8, "ETS(M,Ad,M) loglik, aic, aicc, sigma2");
	assert_int_equal(ets_forecast(air, N(air), &g, 12, res_init(&r, 12)), 0);
	/* R reports the class-3 mean for multiplicative seasons, whose first
	 * step uses l + b where the model's point forecast is l + phi b (R's
	 * class3() has H1 = (1, 1) for damped trends too): 0.03% apart here.
	 * Ours is the model's point forecast, exact to 1e-8 when R's l + phi b
	 * is taken instead. */
	near(r.o.mean, air_ets, 12, 1e-3, "ETS(M,Ad,M) mean");
	{
		double st_l = 485.912552397, st_b = 1.80119750881, s12 = 0.90586301363;
		double want = (st_l + g.phi * st_b) * s12; /* tail(fit$states, 1) */
		near(r.o.mean, &want, 1, 1e-9, "ETS(M,Ad,M) first point forecast");
	}
	/* intervals by simulation (R: class 3 formulas): within 3% */
	near(r.o.lower_80, air_ets + 12, 12, 0.03, "ETS(M,Ad,M) lower 80");
	near(r.o.upper_95, air_ets + 48, 12, 0.03, "ETS(M,Ad,M) upper 95");
}

/* AICc selection and maximum likelihood: the same model as R's ets(), its
 * AICc and forecasts within optimizer tolerance. */
static void test_ets_select(void **state)
{
	struct res r;
	struct ets_fit f;
	assert_int_equal(ets_select(air, N(air), 12, &f), 0);
	assert_int_equal(f.spec.error, ETS_M);
	assert_int_equal(f.spec.trend, ETS_A);
	assert_int_equal(f.spec.damped, 1);
	assert_int_equal(f.spec.season, ETS_M);
	near(&f.aicc, air_ets_ic + 2, 1, 2e-3, "ets(AirPassengers) AICc");
	assert_int_equal(forecast_series(air, N(air), 12, 12, FC_ETS, res_init(&r, 12)), 0);
	near(r.o.mean, air_ets, 12, 0.01, "ets(AirPassengers) mean");
	assert_string_equal(r.o.model, "ETS(M,Ad,M)");

	assert_int_equal(forecast_series(lynx, N(lynx), 1, 6, FC_ETS, res_init(&r, 6)), 0);
	assert_string_equal(r.o.model, "ETS(M,N,N)");
	near(r.o.mean, lynx_ets, 6, 1e-3, "ets(lynx) mean");
	assert_int_equal(ets_select(lynx, N(lynx), 1, &f), 0);
	near(&f.aicc, lynx_ets_ic, 1, 1e-4, "ets(lynx) AICc");

	assert_int_equal(forecast_series(nile, N(nile), 1, 3, FC_ETS, res_init(&r, 3)), 0);
	assert_string_equal(r.o.model, "ETS(M,N,N)");
}

/* Seasonal models without a trend: z = 1 is always a root of their
 * characteristic polynomial, which R's admissibility test accepts; they
 * must fit (they once never did), with R's likelihood and forecasts. Also
 * the start from a Fourier regression when there are fewer than 3 seasons. */
static void test_ets_seasonal_no_trend(void **state)
{
	struct res r;
	struct ets_fit f;
	struct ets_model ana = {ETS_A, ETS_N, ETS_A, 0}, mnm = {ETS_M, ETS_N, ETS_M, 0};
	assert_int_equal(ets_fit_model(usacc, N(usacc), 12, &ana, 0, &f), 0);
	double ic[4] = {f.loglik, f.aic, f.aicc, f.sigma2};
	near(ic, usacc_ana_ic, 4, 1e-5, "ets(USAccDeaths, ANA) loglik, aic, aicc, sigma2");
	assert_int_equal(ets_forecast(usacc, N(usacc), &f, 6, res_init(&r, 6)), 0);
	near_all(&r, usacc_ana, 6, 1e-4, "ets(USAccDeaths, ANA) forecast");
	assert_int_equal(ets_fit_model(usacc, 30, 12, &mnm, 0, &f), 0);
	near(&f.aicc, usacc30_mnm_ic + 2, 1, 1e-4, "ets(USAccDeaths[1:30], MNM) AICc");
}

/* Trend and season together (phi 1): the admissibility test (roots of the
 * characteristic polynomial inside the unit circle) once rejected every
 * such start, so ETS(M,A,A) never fitted. */
static void test_ets_trend_and_season(void **state)
{
	struct ets_fit f;
	struct ets_model maa = {ETS_M, ETS_A, ETS_A, 0};
	assert_int_equal(ets_fit_model(jj, N(jj), 4, &maa, 0, &f), 0);
	double ic[4] = {f.loglik, f.aic, f.aicc, f.sigma2};
	near(ic, jj_maa_ic, 4, 1e-4, "ets(JohnsonJohnson, MAA) loglik, aic, aicc, sigma2");
	assert_int_equal(ets_select(jj, N(jj), 4, &f), 0);
	near(&f.aicc, jj_ets_ic + 2, 1, 1e-4, "ets(JohnsonJohnson) AICc");
}

static void test_theta(void **state)
{
	struct res r;
	assert_int_equal(forecast_series(air, N(air), 12, 12, FC_THETA, res_init(&r, 12)), 0);
	near_all(&r, air_theta, 12, 1e-5, "thetaf(AirPassengers)");
	assert_string_equal(r.o.model, "theta (seasonally adjusted)");
	assert_int_equal(forecast_series(nile, N(nile), 1, 5, FC_THETA, res_init(&r, 5)), 0);
	near_all(&r, nile_theta, 5, 1e-5, "thetaf(Nile)");
	assert_string_equal(r.o.model, "theta");
}

static void test_croston_sba(void **state)
{
	struct res r;
	double sba[5];
	assert_int_equal(forecast_series(intermittent, N(intermittent), 1, 5, FC_CROSTON,
					 res_init(&r, 5)),
			 0);
	near(r.o.mean, int_croston, 5, 1e-12, "croston(x)");
	assert_string_equal(r.o.model, "Croston");
	for (int i = 0; i < 5; i++) {
		sba[i] = int_croston[i] * (1 - 0.1 / 2); /* SBA: R's croston x (1 - alpha/2) */
		assert_true(r.o.lower_95[i] >= 0);
		assert_true(r.o.lower_80[i] <= r.o.mean[i] && r.o.mean[i] <= r.o.upper_80[i]);
		assert_true(r.o.upper_80[i] <= r.o.upper_95[i]);
	}
	assert_int_equal(forecast_series(intermittent, N(intermittent), 1, 5, FC_SBA,
					 res_init(&r, 5)),
			 0);
	near(r.o.mean, sba, 5, 1e-12, "SBA");

	/* auto sends it to SBA and says why */
	assert_int_equal(forecast_series(intermittent, N(intermittent), 7, 5, FC_AUTO,
					 res_init(&r, 5)),
			 0);
	assert_string_equal(r.o.model, "SBA");
	assert_non_null(strstr(r.o.reason, "intermittent: 73% zero values, ADI 3.75"));
}

/* ---- ARIMA (CSS) against R's Arima(method = "CSS") --------------------- */

/* Fits spec by CSS; coefficients (R's order: phi, theta, Phi, Theta, mean)
 * against coef, sigma2 against R's, and the h forecasts with their bounds
 * against R's forecast() of the same fit. */
static void arima_case(const double *y, int n, int m, struct arima_spec s, const double *coef,
		       double sigma2, const double *fc, int h, double tol_fc, const char *what)
{
	struct arima_fit f;
	struct res r;
	double got[ARIMA_MAX_P + ARIMA_MAX_Q + 2 * ARIMA_MAX_PS + 1];
	int k = 0;
	assert_int_equal(arima_fit_model(y, n, m, &s, &f), 0);
	for (int i = 0; i < s.p; i++)
		got[k++] = f.phi[i];
	for (int i = 0; i < s.q; i++)
		got[k++] = f.theta[i];
	for (int i = 0; i < s.P; i++)
		got[k++] = f.Phi[i];
	for (int i = 0; i < s.Q; i++)
		got[k++] = f.Theta[i];
	if (s.constant)
		got[k++] = f.mu;
	/* Nelder-Mead against R's BFGS on the same sum of squares: the optimum
	 * agrees to about 1e-3 in the coefficients, 1e-5 in sigma2 */
	near(got, coef, k, 2e-3, what);
	near(&f.sigma2, &sigma2, 1, 1e-4, what);
	assert_int_equal(arima_forecast(y, n, &f, h, res_init(&r, h)), 0);
	all_finite(&r, h);
	near_all(&r, fc, h, tol_fc, what);
}

static void test_arima_css(void **state)
{
	/* AR(2) with a mean: the forecasts are the same recursion as R's */
	arima_case(lynx, N(lynx), 1, (struct arima_spec){2, 0, 0, 0, 0, 0, 1, 1}, lynx_ar2_css_coef,
		   lynx_ar2_css_sigma2[0], lynx_ar2_css, 6, 5e-3, "lynx AR(2) CSS");
	/* ARIMA(1,1,1): R forecasts from the Kalman filter's state, we from the
	 * conditional residuals; both the same model, 1e-3 apart */
	arima_case(www, N(www), 1, (struct arima_spec){1, 1, 1, 0, 0, 0, 1, 0}, www_arima111_css_coef,
		   www_arima111_css_sigma2[0], www_arima111_css, 5, 5e-3, "WWWusage ARIMA(1,1,1) CSS");
	/* the airline model: seasonal MA, both differences */
	arima_case(usacc, N(usacc), 12, (struct arima_spec){0, 1, 1, 0, 1, 1, 12, 0},
		   usacc_airline_css_coef, usacc_airline_css_sigma2[0], usacc_airline_css, 12, 1e-2,
		   "USAccDeaths airline CSS");
	/* refused: seasonal terms without a season, orders out of range */
	struct arima_fit f;
	assert_int_equal(arima_fit_model(lynx, N(lynx), 1, &(struct arima_spec){0, 0, 0, 1, 0, 0, 1, 0}, &f),
			 ERR_INVALID);
	assert_int_equal(arima_fit_model(lynx, N(lynx), 1, &(struct arima_spec){6, 0, 0, 0, 0, 0, 1, 0}, &f),
			 ERR_INVALID);
	assert_int_equal(arima_fit_model(lynx, 5, 1, &(struct arima_spec){2, 0, 2, 0, 0, 0, 1, 1}, &f),
			 ERR_INVALID);
}

/* auto.arima's choice on whole series (R's, in forecast_fixtures.h). */
static void test_arima_select(void **state)
{
	struct arima_fit f;
	assert_int_equal(arima_select(lynx, N(lynx), 1, &f), 0);
	assert_int_equal(f.spec.p, 2);
	assert_int_equal(f.spec.d, 0);
	assert_int_equal(f.spec.q, 2);
	assert_int_equal(f.spec.constant, 1);
	assert_int_equal(arima_select(usacc, N(usacc), 12, &f), 0);
	assert_int_equal(f.spec.d, 1);
	assert_int_equal(f.spec.D, 1);
	assert_int_equal(f.spec.p, 0);
	assert_int_equal(f.spec.q, 1);
	assert_int_equal(f.spec.P, 0);
	assert_int_equal(f.spec.Q, 1);
	assert_int_equal(f.spec.constant, 0);
	assert_int_equal(arima_select(www, N(www), 1, &f), 0);
	assert_int_equal(f.spec.d, 1);
	assert_int_equal(f.spec.p, 1);
	assert_int_equal(f.spec.q, 1);
	assert_int_equal(f.spec.constant, 0);
	struct res r;
	assert_int_equal(arima_forecast(www, N(www), &f, 5, res_init(&r, 5)), 0);
	assert_string_equal(r.o.model, "ARIMA(1,1,1)");
}

static void test_auto_backtest(void **state)
{
	struct res r;
	assert_int_equal(forecast_series(air, N(air), 12, 18, FC_AUTO, res_init(&r, 18)), 0);
	assert_non_null(strstr(r.o.reason, "backtest MASE"));
	assert_non_null(strstr(r.o.reason, "arima"));
	assert_non_null(strstr(r.o.reason, "comb(ets,arima,theta)"));
	assert_null(strstr(r.o.reason, "snaive")); /* ARIMA(0,0,0)(0,1,0) covers it */
	assert_true(r.o.backtest_mase > 0 && r.o.backtest_mase < 1);
	all_finite(&r, 18);
	/* lynx's cycle: the autoregressive candidate wins the backtest */
	assert_int_equal(forecast_series(lynx, N(lynx), 1, 6, FC_AUTO, res_init(&r, 6)), 0);
	assert_non_null(strstr(r.o.reason, "arima"));
	assert_non_null(strstr(r.o.model, "ARIMA(2,0,2) with mean"));
	all_finite(&r, 6);
}

/* ---- coverage on simulated series ------------------------------------- */

static uint64_t rng = 88172645463325252ULL;
static double unif(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return ((rng >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}
static double gauss(void)
{
	return sqrt(-2 * log(unif())) * cos(2 * M_PI * unif());
}

#define ARIMA_SEL (-1) /* coverage(): ARIMA with the orders arima_select() picks */

/* 200 series of a model (60 for auto), forecast h ahead with method (or
 * ARIMA_SEL); the share of the future values inside the 80% and 95% bands. */
static void coverage(int kind, int method, int m, double *c80, double *c95)
{
	enum { LEN = 120, H = 6 };
	int NS = method == FC_AUTO ? 60 : 200; /* auto fits every candidate: fewer */
	double y[LEN + H];
	int in80 = 0, in95 = 0, tot = 0;
	for (int s = 0; s < NS; s++) {
		double l = 50, seas[12];
		for (int j = 0; j < 12; j++)
			seas[j] = 8 * sin(2 * M_PI * j / 12.0);
		for (int t = 0; t < LEN + H; t++) {
			double e = gauss();
			if (kind == 0) { /* local level: ETS(A,N,N), alpha 0.3 */
				y[t] = l + e;
				l += 0.3 * e;
			} else if (kind == 1) { /* AR(1) around 20, phi 0.5 */
				l = t ? 20 + 0.5 * (y[t - 1] - 20) + e : 20 + e;
				y[t] = l;
			} else { /* seasonal random walk */
				y[t] = (t < m ? 50 + seas[t % m] : y[t - m]) + e;
			}
		}
		struct res r;
		if (method == ARIMA_SEL) {
			struct arima_fit f;
			assert_int_equal(arima_select(y, LEN, m, &f), 0);
			assert_int_equal(arima_forecast(y, LEN, &f, H, res_init(&r, H)), 0);
		} else {
			assert_int_equal(forecast_series(y, LEN, m, H, (enum fc_method)method,
							 res_init(&r, H)),
					 0);
		}
		for (int k = 0; k < H; k++) {
			double v = y[LEN + k];
			in80 += v >= r.o.lower_80[k] && v <= r.o.upper_80[k];
			in95 += v >= r.o.lower_95[k] && v <= r.o.upper_95[k];
			tot++;
		}
	}
	*c80 = (double)in80 / tot;
	*c95 = (double)in95 / tot;
}

static void test_coverage(void **state)
{
	double c80, c95;
	coverage(0, FC_SES, 1, &c80, &c95);
	print_message("local level, SES: 80%% band %.3f, 95%% band %.3f\n", c80, c95);
	assert_true(c80 > 0.75 && c80 < 0.85);
	assert_true(c95 > 0.92 && c95 < 0.98);
	coverage(0, FC_ETS, 1, &c80, &c95);
	print_message("local level, ETS: 80%% band %.3f, 95%% band %.3f\n", c80, c95);
	assert_true(c80 > 0.74 && c80 < 0.86);
	assert_true(c95 > 0.91 && c95 < 0.98);
	coverage(1, FC_ETS, 1, &c80, &c95);
	print_message("AR(1), ETS: 80%% band %.3f, 95%% band %.3f\n", c80, c95);
	assert_true(c80 > 0.74 && c80 < 0.90);
	assert_true(c95 > 0.91 && c95 < 0.99);
	coverage(2, FC_SNAIVE, 12, &c80, &c95);
	print_message("seasonal random walk, snaive: 80%% band %.3f, 95%% band %.3f\n", c80, c95);
	assert_true(c80 > 0.75 && c80 < 0.85);
	assert_true(c95 > 0.92 && c95 < 0.98);
	coverage(2, FC_ETS, 12, &c80, &c95);
	print_message("seasonal random walk, ETS: 80%% band %.3f, 95%% band %.3f\n", c80, c95);
	assert_true(c80 > 0.72 && c80 < 0.88);
	assert_true(c95 > 0.90 && c95 < 0.99);
	coverage(0, ARIMA_SEL, 1, &c80, &c95);
	print_message("local level, ARIMA: 80%% band %.3f, 95%% band %.3f\n", c80, c95);
	assert_true(c80 > 0.72 && c80 < 0.88);
	assert_true(c95 > 0.90 && c95 < 0.99);
	coverage(1, ARIMA_SEL, 1, &c80, &c95);
	print_message("AR(1), ARIMA: 80%% band %.3f, 95%% band %.3f\n", c80, c95);
	assert_true(c80 > 0.72 && c80 < 0.88);
	assert_true(c95 > 0.90 && c95 < 0.99);
	coverage(2, ARIMA_SEL, 12, &c80, &c95);
	print_message("seasonal random walk, ARIMA: 80%% band %.3f, 95%% band %.3f\n", c80, c95);
	assert_true(c80 > 0.72 && c80 < 0.88);
	assert_true(c95 > 0.90 && c95 < 0.99);
	/* auto, whichever candidate it picks (the combination included) */
	coverage(1, FC_AUTO, 1, &c80, &c95);
	print_message("AR(1), auto: 80%% band %.3f, 95%% band %.3f\n", c80, c95);
	assert_true(c80 > 0.70 && c80 < 0.90);
	assert_true(c95 > 0.88 && c95 < 0.99);
	coverage(2, FC_AUTO, 12, &c80, &c95);
	print_message("seasonal random walk, auto: 80%% band %.3f, 95%% band %.3f\n", c80, c95);
	assert_true(c80 > 0.70 && c80 < 0.90);
	assert_true(c95 > 0.88 && c95 < 0.99);
}

/* ---- guards ------------------------------------------------------------ */

static void test_guards(void **state)
{
	struct res r;
	double c[20], one[1] = {5}, two[2] = {3, 4}, zeros[30] = {0}, bad[3] = {1, NAN, 2};
	for (int i = 0; i < 20; i++)
		c[i] = 7;
	for (int meth = 0; meth < FC_NMETHODS; meth++) {
		assert_int_equal(forecast_series(c, 20, 7, 10, meth, res_init(&r, 10)), 0);
		assert_string_equal(r.o.model, "naive (constant series)");
		assert_true(r.o.mean[9] == 7 && r.o.lower_95[9] == 7 && r.o.upper_95[9] == 7);
		assert_int_equal(forecast_series(one, 1, 12, 3, meth, res_init(&r, 3)), 0);
		all_finite(&r, 3);
		assert_int_equal(forecast_series(two, 2, 12, 3, meth, res_init(&r, 3)), 0);
		all_finite(&r, 3);
		assert_int_equal(forecast_series(zeros, 30, 7, 3, meth, res_init(&r, 3)), 0);
		all_finite(&r, 3);
		assert_true(r.o.mean[0] == 0);
		assert_int_equal(forecast_series(air, 20, 12, 3, meth, res_init(&r, 3)), 0);
		all_finite(&r, 3);
	}
	assert_int_equal(forecast_series(two, 2, 1, 3, FC_ETS, res_init(&r, 3)), 0);
	assert_string_equal(r.o.model, "naive (series too short for ETS)");
	assert_int_equal(forecast_series(two, 2, 12, 3, FC_SNAIVE, res_init(&r, 3)), 0);
	assert_string_equal(r.o.model, "naive (series shorter than one season)");
	assert_int_equal(forecast_series(two, 0, 1, 3, FC_NAIVE, res_init(&r, 3)), ERR_INVALID);
	assert_int_equal(forecast_series(two, 2, 1, 0, FC_NAIVE, res_init(&r, 3)), ERR_INVALID);
	assert_int_equal(forecast_series(two, 2, 0, 3, FC_NAIVE, res_init(&r, 3)), ERR_INVALID);
	assert_int_equal(forecast_series(bad, 3, 1, 3, FC_NAIVE, res_init(&r, 3)), ERR_INVALID);
	assert_int_equal(fc_method_parse("sba"), FC_SBA);
	assert_int_equal(fc_method_parse("arima"), -1);
	assert_string_equal(fc_method_name(FC_DAMPED), "damped");
}

static void test_mase(void **state)
{
	double y[] = {1, 3, 2, 4, 3}, act[] = {5, 5}, f[] = {4, 6};
	/* scale: mean |diff| = (2+1+2+1)/4 = 1.5; error 1 -> 1/1.5 */
	assert_true(fabs(fc_mase(y, 5, 1, act, f, 2) - 1 / 1.5) < 1e-12);
	/* lag 2: |2-1|,|4-3|,|3-2| -> 1 */
	assert_true(fabs(fc_mase(y, 5, 2, act, f, 2) - 1) < 1e-12);
	double flat[] = {2, 2, 2};
	assert_true(fc_mase(flat, 3, 1, act, f, 2) == -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_naive_snaive_exact),
		cmocka_unit_test(test_ses_holt_given_params),
		cmocka_unit_test(test_ses_holt_fitted),
		cmocka_unit_test(test_ets_given_params),
		cmocka_unit_test(test_ets_select),
		cmocka_unit_test(test_ets_seasonal_no_trend),
		cmocka_unit_test(test_ets_trend_and_season),
		cmocka_unit_test(test_theta),
		cmocka_unit_test(test_croston_sba),
		cmocka_unit_test(test_arima_css),
		cmocka_unit_test(test_arima_select),
		cmocka_unit_test(test_auto_backtest),
		cmocka_unit_test(test_coverage),
		cmocka_unit_test(test_guards),
		cmocka_unit_test(test_mase),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
