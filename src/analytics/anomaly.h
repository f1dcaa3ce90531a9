/* anomaly.h: the scoring of the hourly anomaly alerts on plain arrays (a
 * day against its forecast band, a cashier's rate against the peers of the
 * store, a day's stock adjustments against the store's own history) and the
 * English sentence of each. Pure: no database, no I/O; caller-owned arrays. */
#ifndef TERSA_ANOMALY_H
#define TERSA_ANOMALY_H

#include <stddef.h>
#include <stdint.h>

/* The robust z-score scale when the MAD is 0 (more than half the values
 * equal): 1.253314 × the mean absolute deviation from the median (which is
 * sigma for a normal sample, as 1.4826 × MAD is). */
#define ANOMALY_MAD_K 1.4826
#define ANOMALY_MEANAD_K 1.253314
/* z when every value but the one scored equals the median (scale 0). */
#define ANOMALY_Z_CAP 99.0

/* The median of x[0..n-1] (n >= 1; x is not changed). 0 for n < 1. */
double anomaly_median(const double *x, int n);

struct anomaly_z {
	double median, mad; /* of the sample */
	double scale;       /* 1.4826·MAD, or 1.253314·mean |x - median| when
			     * the MAD is 0, or 0 when every value is equal */
	double z;           /* (v - median) / scale; 0 when v = median;
			     * ±ANOMALY_Z_CAP when the scale is 0 */
	int mad_zero;       /* 1 when the mean-deviation fallback (or none) was used */
};
/* The robust z-score of v against the sample x[0..n-1] (n >= 1). Never NaN
 * or Inf for finite input. */
void anomaly_robust_z(const double *x, int n, double v, struct anomaly_z *out);

/* ---- a cashier's rate against the store's peers ------------------------ */
struct anomaly_peer_rule {
	int64_t min_volume; /* sales rung by a cashier to count (as peer or subject) */
	int64_t min_events; /* events (voids, returns, ...) the subject must have */
	int min_peers;      /* cashiers with min_volume, the subject included */
	double z_min;       /* robust z at least this */
	double ratio_min;   /* rate at least this × the peer median */
	double poisson_k;   /* events above median·volume by this many √(median·volume) */
};
/* The rule the job uses: 30 sales, 5 events, 3 cashiers, z 3.5, 2× the
 * median, 3 Poisson standard deviations. */
extern const struct anomaly_peer_rule anomaly_peer_default;

struct anomaly_peer_result {
	double rate;        /* events / volume of the subject */
	double median;      /* the peers' median rate (the subject included) */
	double z;           /* robust z of the subject's rate */
	int peers;          /* cashiers counted */
	int mad_zero;
};
/* Scores cashier `who` (0..n-1) of n with events[i] of volume[i] sales
 * each. Returns 1 when the rate is far above the peers (every test of rule
 * passes), 0 when not or when there are too few peers or too little volume
 * (out still filled as far as known). */
int anomaly_peer(const int64_t *events, const int64_t *volume, int n, int who,
		 const struct anomaly_peer_rule *rule, struct anomaly_peer_result *out);

/* ---- a day so far against its forecast band ---------------------------- */
/* The share of a day's sales usually made before hour `hour` (0..24):
 * sum over the days of hours < hour, divided by the sum of all hours, from
 * ndays rows of 24 hourly amounts (row-major). 0 when the total is 0. */
double anomaly_day_share(const double *hours, int ndays, int hour);

struct anomaly_band_rule {
	double min_share;    /* do not judge before this share of the day is usually done */
	double min_expected; /* nor below this expected amount (minor units) */
	double margin;       /* beyond the band by this fraction of its half-width */
	double min_pct;      /* and at least this far from expected (0.3 = 30%) */
};
extern const struct anomaly_band_rule anomaly_band_store; /* 0.25, ¥500, 0.5, 25% */
extern const struct anomaly_band_rule anomaly_band_product; /* 0.25, ¥200, 0.5, 60% */

struct anomaly_band_result {
	double expected, lower, upper; /* mean × share, the band's half-widths × √share */
	double pct;                    /* (actual - expected) / expected × 100 */
	int direction;                 /* -1 below, +1 above, 0 inside */
};
/* Judges `actual` (the day so far) against the forecast of the whole day
 * (mean, lower95, upper95) for the share of it usually done by now: the
 * expected amount mean × share, the band's half-widths × √share (the spread
 * of a part of the day). Returns 1 when far outside (below
 * lower or above upper by the margin, and pct beyond min_pct), else 0. */
int anomaly_band(double actual, double mean, double lower95, double upper95, double share,
		 const struct anomaly_band_rule *rule, struct anomaly_band_result *out);

/* ---- a day's stock adjustments against the store's own history --------- */
struct anomaly_spike_rule {
	double min_value; /* today at least this (minor units or thousandths) */
	double ratio_min; /* and this × the daily mean of the history */
	double z_min;     /* and a robust z at least this */
};
extern const struct anomaly_spike_rule anomaly_spike_value; /* ¥1,000, 5×, 3.5 */
extern const struct anomaly_spike_rule anomaly_spike_qty;   /* 50 units, 5×, 3.5 */

struct anomaly_spike_result {
	double mean, median, z, ratio; /* ratio = today / mean (0 if mean is 0) */
};
/* Judges today's total against hist[0..n-1] (one total a day, zeros kept).
 * 1 when far above, else 0. */
int anomaly_spike(const double *hist, int n, double today, const struct anomaly_spike_rule *rule,
		  struct anomaly_spike_result *out);

/* ---- sentences ---------------------------------------------------------- */
/* "¥3,120": whole yuan (rounded half away from zero), thousands separated. */
void anomaly_yuan(int64_t fen, char *out, size_t n);
/* "Monday" .. "Sunday" for ISO weekday 1..7 ("" otherwise). */
const char *anomaly_weekday(int weekday);

/* "Store 07 sold ¥3,120 today by 15:00, 46% below the ¥5,780 expected for a
 * Saturday (95% band ¥4,900–¥6,600)": subject e.g. "Store 07" or
 * "P0001 Tea at store S001". Amounts in fen. */
void anomaly_sentence_sales(char *out, size_t n, const char *subject, int64_t actual, int hour,
			    int64_t expected, int64_t lower, int64_t upper, int weekday);
/* "Cashier Li Na (S001) had 10.0% of 120 sales voided over the last 28 days
 * (12 sales); the store's cashiers' median is 0.8% (robust z 6.1)"; returned
 * and manually discounted likewise.
 * metric: "voids", "returns", "discounts". */
void anomaly_sentence_cashier(char *out, size_t n, const char *cashier, const char *store,
			      const char *metric, int64_t events, int64_t volume, double median,
			      double z, int days);
/* "Store S001 adjusted 240 units (¥3,400 at cost) of stock today, against a
 * daily average of 12 units (¥400) over the last 90 days". qty and mean_qty
 * in thousandths, value and mean_value in fen. */
void anomaly_sentence_adjust(char *out, size_t n, const char *store, int64_t qty, int64_t value,
			     double mean_qty, double mean_value, int days);

#endif
