/* forecast.h: demand forecasting on one plain series: naive, seasonal naive,
 * exponential smoothing (SES, Holt, damped, ETS chosen by AICc), Theta,
 * Croston/SBA for intermittent demand, seasonal ARIMA, and `auto`, with
 * 80%/95% intervals. */
#ifndef TERSA_FORECAST_H
#define TERSA_FORECAST_H

/*
 * Conventions (all functions):
 * - y[0..n-1] is the history, oldest first, equally spaced; m is the season
 *   length (1 = none, 4 quarterly, 7 daily-with-weekly, 12 monthly); position
 *   0 is the first season position. h is the horizon (1..FC_MAX_HORIZON).
 * - The caller owns every array: out->mean, lower_80, upper_80, lower_95 and
 *   upper_95 must each point at h doubles. Nothing is kept between calls; the
 *   library allocates only scratch memory it frees before returning
 *   (allocation failure aborts, as everywhere in Tersa). Thread-safe.
 * - Returns 0, or ERR_INVALID for n < 1, h out of range, m < 1, a NULL
 *   array or a non-finite value in y.
 * - Never writes NaN or Inf: a series too short or constant for the method
 *   asked falls back to naive (or the mean) and out->model says so, e.g.
 *   "naive (constant series)"; a fit whose output would not be finite falls
 *   back to naive with "(fallback)" in the model string.
 *
 * Prediction intervals (normal quantiles 1.2816 / 1.9600 unless said):
 * - naive, snaive: as R's rwf/snaive: sigma^2 = mean of the squared in-sample
 *   lag-1 / lag-m differences, se = sigma*sqrt(h) / sigma*sqrt(floor((h-1)/m)+1).
 * - ses, holt, damped and ETS with additive error and no multiplicative
 *   component (class 1): analytic, v_h = s^2 (1 + sum_{j<h} c_j^2).
 * - ETS with multiplicative error and no multiplicative season (class 2):
 *   analytic, v_h = (1+s^2) t_h - mu_h^2, t_h = mu_h^2 + s^2 sum c_j^2 t_{h-j}.
 * - ETS with a multiplicative season: by simulation, 2000 sample paths of the
 *   fitted model with a fixed seed (same input, same output); quantiles.
 * - theta: as R's forecast::thetaf: sqrt(s^2 (1 + (h-1) alpha^2)) around the
 *   mean (on the seasonally adjusted scale, as thetaf does).
 * - croston, sba: from the in-sample one-step errors of the method (empirical
 *   10/90% and 2.5/97.5% quantiles added to the mean), never below 0 when the
 *   history has no negative value.
 * - ARIMA (inside auto): normal, v_h = sigma^2 sum_{j<h} psi_j^2, psi the
 *   weights of the whole model with its differences (as R's predict.Arima).
 * - the combination `auto` may pick (the mean of ETS, ARIMA and Theta): the
 *   mean of its members' bounds.
 * All lower bounds are clamped at 0 when the history is non-negative and the
 *   method is croston/sba; other methods are left as fitted.
 */

#define FC_MAX_HORIZON 1000
#define FC_MAX_SEASON 24 /* longest season the seasonal ETS models accept */

enum fc_method {
	FC_AUTO,
	FC_NAIVE,
	FC_SNAIVE,
	FC_SES,
	FC_HOLT,
	FC_DAMPED,
	FC_ETS,
	FC_THETA,
	FC_CROSTON,
	FC_SBA,
	FC_NMETHODS
};

/* "auto", "naive", ... (the names of `tersa forecast --model`). */
const char *fc_method_name(enum fc_method m);
/* The method named s, or -1. */
int fc_method_parse(const char *s);

struct fc_out {
	double *mean, *lower_80, *upper_80, *lower_95, *upper_95; /* caller's, h each */
	char model[96];   /* what was used: "ETS(M,Ad,M)", "SBA", "theta", ... */
	char reason[256]; /* auto only: why (English, with its figures); else "" */
	double backtest_mase; /* auto (non-intermittent): backtest MASE of the
			       * chosen model; otherwise -1 */
};

/* Forecasts y h steps ahead with `method`. ETS and `auto` choose their model
 * as described in docs/analytics.md; croston and sba use alpha = 0.1 (R's
 * forecast::croston default, not optimized). */
int forecast_series(const double *y, int n, int m, int h, enum fc_method method,
		    struct fc_out *out);

/* ---- ETS with a given model (and optionally given parameters) ---------- */

enum { ETS_N = 0, ETS_A = 1, ETS_M = 2 };

struct ets_model {
	int error;  /* ETS_A or ETS_M */
	int trend;  /* ETS_N or ETS_A (multiplicative trend is not offered, as
		     * R's ets() default allow.multiplicative.trend = FALSE) */
	int season; /* ETS_N, ETS_A or ETS_M */
	int damped; /* 0 or 1 (only with a trend) */
};

struct ets_fit {
	struct ets_model spec;
	int m;                    /* season length used (1 when season is N) */
	double alpha, beta, gamma, phi; /* beta as in R (b += beta*e), phi 1 undamped */
	double l0, b0;            /* initial level and trend */
	double s0[FC_MAX_SEASON]; /* initial seasonal states, s0[0] the most
				   * recent (R's s0, s1, ..., s_{m-1}) */
	int np;                   /* estimated parameters + 1 (sigma), as R */
	double sigma2;            /* sum(e^2) / (n - np + 1), as R (n - length(par)) */
	double loglik, aic, aicc, bic, mse;
};

/* Fits `spec` to y by maximum likelihood (Nelder-Mead over the admissible
 * region, R's ets() bounds "both") or, with mse_criterion, by in-sample MSE
 * (as R's ses()/holt() do). Fills fit. ERR_INVALID when the model does not
 * apply (multiplicative with y <= 0, season with m < 2 or m > FC_MAX_SEASON
 * or n < 2m, too few observations for its parameters) or no admissible fit
 * was found. */
int ets_fit_model(const double *y, int n, int m, const struct ets_model *spec,
		  int mse_criterion, struct ets_fit *fit);

/* Chooses the ETS model with the lowest AICc among the valid ones (error A/M,
 * trend N/A/Ad, season N/A/M; R's restrictions: no additive error with a
 * multiplicative season; multiplicative only for y > 0; seasonal only for
 * 2 <= m <= FC_MAX_SEASON and n >= 2m). ERR_INVALID when none fits. */
int ets_select(const double *y, int n, int m, struct ets_fit *best);

/* Recomputes fit's likelihood, sigma2, information criteria from its own
 * parameters (set by the caller, e.g. R's fitted values) on y. fit->spec,
 * fit->m and fit->np must be set. ERR_INVALID when the recursion fails. */
int ets_eval(const double *y, int n, struct ets_fit *fit);

/* Point forecasts and intervals of a fitted model (see the interval notes
 * above). out->model is set to "ETS(E,T,S)". */
int ets_forecast(const double *y, int n, const struct ets_fit *fit, int h,
		 struct fc_out *out);

/* ---- seasonal ARIMA (inside `auto`; not a --model of its own) -------- */

#define ARIMA_MAX_P 5  /* p and q */
#define ARIMA_MAX_Q 5
#define ARIMA_MAX_PS 2 /* P and Q */

/* ARIMA(p,d,q)(P,D,Q)[m]; constant: a mean (d + D = 0) or a drift (d + D = 1)
 * on the differenced series. */
struct arima_spec {
	int p, d, q, P, D, Q, m, constant;
};

struct arima_fit {
	struct arima_spec spec;
	int m; /* season length used (1 without seasonal terms) */
	double phi[ARIMA_MAX_P], theta[ARIMA_MAX_Q], Phi[ARIMA_MAX_PS], Theta[ARIMA_MAX_PS];
	double mu;     /* mean of the differenced series (the constant), 0 without */
	double sigma2; /* sum of squares / (n - d - Dm - coefficients), as forecast::Arima */
	int nused;     /* residuals counted (n - d - Dm - p - Pm) */
	int npar;      /* coefficients + 1 (sigma) */
	double loglik, aic, aicc; /* on the n - d - Dm differenced values */
};

/* Fits `spec` to y by conditional sum of squares (R's arima(method = "CSS"):
 * the first p + Pm residuals of the differenced series set to 0), Nelder-Mead
 * inside the stationary and invertible region. R's MA sign: e_t + theta e_{t-1}.
 * aicc is INFINITY when a root lies within 1.01 of the unit circle (as
 * auto.arima rejects it). ERR_INVALID for orders out of range, seasonal terms
 * with m < 2, or too few values. */
int arima_fit_model(const double *y, int n, int m, const struct arima_spec *spec,
		    struct arima_fit *fit);

/* Chooses the orders as R's auto.arima(stepwise = TRUE): D = 1 when the
 * seasonal strength of a classical decomposition exceeds 0.64, d by repeated
 * KPSS tests at 5% (at most 2), then a stepwise AICc search from four start
 * models over p, q <= 5, P, Q <= 2, p+q+P+Q <= 5, with a constant when
 * d + D <= 1. ERR_INVALID when nothing fits. */
int arima_select(const double *y, int n, int m, struct arima_fit *best);

/* Point forecasts and normal 80/95% intervals from the psi weights of the
 * whole model (differences included): v_h = sigma2 sum_{j<h} psi_j^2.
 * out->model: "ARIMA(p,d,q)(P,D,Q)[m] with drift" etc. */
int arima_forecast(const double *y, int n, const struct arima_fit *fit, int h,
		   struct fc_out *out);

/* ---- pieces, exposed for tests and for callers that want them ---------- */

/* Croston (sba = 0) or SBA (sba = 1) with smoothing alpha, as R's
 * forecast::croston (both smoothers start at their first value). */
int fc_croston(const double *y, int n, int h, double alpha, int sba, struct fc_out *out);

/* Theta method as R's forecast::thetaf (SES with drift on the data adjusted
 * by a classical multiplicative decomposition when the lag-m autocorrelation
 * is significant at 90%). */
int fc_theta(const double *y, int n, int m, int h, struct fc_out *out);

/* Mean absolute scaled error of f[0..h-1] against actual[0..h-1], scaled by
 * the in-sample mean absolute lag-m difference of y[0..n-1] (lag 1 when
 * m = 1). -1 when the scale is 0 or undefined. */
double fc_mase(const double *y, int n, int m, const double *actual, const double *f, int h);

#endif
