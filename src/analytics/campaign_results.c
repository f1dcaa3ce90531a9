/* campaign_results.c: a campaign's results (see campaign_results.h): three
 * reads — the campaign (campaign_get: its scope and cost), the members by
 * group and variant with their messages and coupons, the members who bought
 * in the window with their revenue and margin — and the statistics of uplift.h over them. */
#include "analytics/campaign_results.h"

#include <math.h>
#include <string.h>

#include "analytics/uplift.h"
#include "base/jx.h"
#include "base/money.h"
#include "base/timeutil.h"
#include "domain/marketing/campaign.h"

#define DAY_MS 86400000LL
#define CR_MAX_VARIANTS 26

int campaign_results_compute(const struct cr_group *t, const struct cr_group *c, int64_t cost,
                             int started, struct cr_stats *out)
{
	double tm, tv, cm, cv;

	memset(out, 0, sizeof *out);
	out->t_rate = t->members ? (double)t->converted / (double)t->members : 0;
	out->c_rate = c->members ? (double)c->converted / (double)c->members : 0;
	out->t_rpm = t->members ? (double)t->revenue / (double)t->members : 0;
	out->c_rpm = c->members ? (double)c->revenue / (double)c->members : 0;
	out->conv_ok =
	    started && t->members >= 2 && c->members >= 2 &&
	    uplift_two_prop_ci(t->converted, t->members, c->converted, c->members, CR_LEVEL,
	                       &out->conv_diff, &out->conv_lo, &out->conv_hi) == 0;
	out->conv_sig = out->conv_ok && (out->conv_lo > 0 || out->conv_hi < 0);
	if (out->conv_ok &&
	    uplift_mean_var((double)t->revenue, t->revenue_sq, t->members, &tm, &tv) == 0 &&
	    uplift_mean_var((double)c->revenue, c->revenue_sq, c->members, &cm, &cv) == 0)
		out->rpm_ok =
		    uplift_welch_ci(tm, tv, t->members, cm, cv, c->members, CR_LEVEL,
		                    &out->rpm_diff, &out->rpm_lo, &out->rpm_hi, &out->rpm_df) == 0;
	out->rpm_sig = out->rpm_ok && (out->rpm_lo > 0 || out->rpm_hi < 0);
	if (t->members && c->members) {
		/* (x_t / n_t − x_c / n_c) × n_t = (x_t n_c − x_c n_t) / n_c, exactly,
		 * rounded half away from zero */
		__int128 n_c = c->members, r, m;

		r = (__int128)t->revenue * n_c - (__int128)c->revenue * t->members;
		m = (__int128)t->margin * n_c - (__int128)c->margin * t->members;
		r = (r >= 0 ? r + n_c / 2 : r - n_c / 2) / n_c;
		m = (m >= 0 ? m + n_c / 2 : m - n_c / 2) / n_c;
		if (r > MONEY_MAX || r < -MONEY_MAX || m > MONEY_MAX || m < -MONEY_MAX)
			return -1;
		out->incr_revenue = (int64_t)r;
		out->incr_margin = (int64_t)m;
	}
	out->roi_ok = cost > 0;
	if (out->roi_ok)
		out->roi = ((double)out->incr_margin - (double)cost) / (double)cost;
	if (!out->conv_ok)
		out->verdict = "too_early";
	else if (out->conv_lo > 0)
		out->verdict = "effect";
	else if (out->conv_hi < 0)
		out->verdict = "negative";
	else
		out->verdict = "no_effect_yet";
	return 0;
}

/* ---- reading ----------------------------------------------------------- */

struct cr_variant {
	const char *name;
	int64_t members, converted;
};

struct cr_data {
	struct cr_group g[2]; /* target, control */
	struct cr_variant v[CR_MAX_VARIANTS];
	int nv;
	int64_t *daily[2]; /* first purchases per window day, by group */
	int ndays;
	int64_t first_day; /* day number of the window's first day */
};

static int grp_index(const char *grp)
{
	return grp && strcmp(grp, "control") == 0 ? 1 : 0;
}

static struct cr_variant *variant_of(struct cr_data *d, struct arena *a, const char *name)
{
	for (int i = 0; i < d->nv; i++)
		if (strcmp(d->v[i].name, name) == 0)
			return &d->v[i];
	if (d->nv == CR_MAX_VARIANTS)
		return NULL;
	d->v[d->nv].name = arena_strdup(a, name);
	return &d->v[d->nv++];
}

/* Members by group and variant, with what reached them. In-store
 * campaigns send nothing: their reach is the coupons given. */
static int read_members(struct db *db, struct arena *a, int64_t id, int in_store, struct cr_data *d,
                        struct err *e)
{
	static const char sql[] =
	    "SELECT m.grp, m.variant, COUNT(*),"
	    " CAST(SUM(CASE WHEN o.status IN ('sent', 'delivered') THEN 1 ELSE 0 END) AS BIGINT),"
	    " CAST(SUM(CASE WHEN o.status = 'delivered' THEN 1 ELSE 0 END) AS BIGINT),"
	    " CAST(SUM(CASE WHEN m.coupon_id IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT),"
	    " CAST(SUM(CASE WHEN k.status = 'redeemed' THEN 1 ELSE 0 END) AS BIGINT)"
	    " FROM campaign_members m LEFT JOIN outbox o ON o.id = m.outbox_id"
	    " LEFT JOIN coupons k ON k.id = m.coupon_id"
	    " WHERE m.campaign_id = ? GROUP BY m.grp, m.variant";
	struct db_stmt *st = db_query(db, e, sql, "i", id);
	int rc;

	if (!st)
		return db_fail(e);
	while ((rc = db_step(st, e)) == DB_ROW) {
		struct cr_group *g = &d->g[grp_index(db_col_text(st, 0))];
		int64_t n = db_col_int64(st, 2), issued = db_col_int64(st, 5);

		g->members += n;
		g->reached += in_store ? issued : db_col_int64(st, 3);
		g->delivered += in_store ? issued : db_col_int64(st, 4);
		g->coupons_issued += issued;
		g->coupons_redeemed += db_col_int64(st, 6);
		if (g == &d->g[0] && !db_col_null(st, 1)) {
			struct cr_variant *v = variant_of(d, a, db_col_text(st, 1));
			if (v)
				v->members += n;
		}
	}
	db_reset(st);
	return rc < 0 ? rc : 0;
}

/* The members who bought in [from, to): per member their first purchase,
 * revenue net of refunds and margin net of returns. */
static int read_buyers(struct db *db, struct arena *a, int64_t id, int64_t from, int64_t to,
                       struct cr_data *d, struct err *e)
{
	static const char sql[] =
	    "WITH w AS (SELECT m.grp, m.variant, m.customer_id, s.id AS sale_id, s.at,"
	    " s.total - s.refunded_total AS revenue, s.vat_total AS vat"
	    " FROM campaign_members m JOIN sales s ON s.customer_id = m.customer_id"
	    " WHERE m.campaign_id = ? AND s.at >= ? AND s.at < ?"
	    " AND s.status <> 'voided' AND s.status <> 'returned'),"
	    " rv AS (SELECT r.sale_id, SUM(rl.vat) AS vat FROM sale_returns r"
	    " JOIN sale_return_lines rl ON rl.return_id = r.id"
	    " WHERE r.sale_id IN (SELECT sale_id FROM w) GROUP BY r.sale_id),"
	    " lc AS (SELECT l.sale_id, SUM(CASE WHEN l.unit_cost > 0 THEN"
	    " (l.unit_cost * (l.quantity - l.returned_quantity) + 500) / 1000 ELSE 0 END) AS cost"
	    " FROM sale_lines l WHERE l.sale_id IN (SELECT sale_id FROM w) GROUP BY l.sale_id)"
	    " SELECT w.grp, w.variant, MIN(w.at), CAST(SUM(w.revenue) AS BIGINT),"
	    " CAST(SUM(w.revenue - (w.vat - COALESCE(rv.vat, 0)) - COALESCE(lc.cost, 0)) AS BIGINT)"
	    " FROM w LEFT JOIN rv ON rv.sale_id = w.sale_id LEFT JOIN lc ON lc.sale_id = w.sale_id"
	    " GROUP BY w.grp, w.variant, w.customer_id";
	struct db_stmt *st = db_query(db, e, sql, "iii", id, from, to);
	int rc;

	if (!st)
		return db_fail(e);
	while ((rc = db_step(st, e)) == DB_ROW) {
		int gi = grp_index(db_col_text(st, 0));
		struct cr_group *g = &d->g[gi];
		int64_t rev = db_col_int64(st, 3), margin = db_col_int64(st, 4), dn;
		char day[11];

		g->converted++;
		if (money_sum(&g->revenue, rev) < 0 || money_sum(&g->margin, margin) < 0) {
			db_reset(st);
			return err_set(e, ERR_INTERNAL, "campaign %lld: revenue out of range",
			               (long long)id);
		}
		g->revenue_sq += (double)rev * (double)rev;
		if (gi == 0 && !db_col_null(st, 1)) {
			struct cr_variant *v = variant_of(d, a, db_col_text(st, 1));
			if (v)
				v->converted++;
		}
		ts_day(db_col_int64(st, 2), day, sizeof day);
		if (ts_day_number(day, &dn) == 0 && dn >= d->first_day &&
		    dn < d->first_day + d->ndays)
			d->daily[gi][dn - d->first_day]++;
	}
	db_reset(st);
	return rc < 0 ? rc : 0;
}

/* ---- the answer --------------------------------------------------------- */

static json_t *rate(int64_t x, int64_t n)
{
	return json_real(n ? (double)x / (double)n : 0);
}

static json_t *per_member(int64_t sum, int64_t n)
{
	return json_real(n ? (double)sum / (double)n : 0);
}

static json_t *group_json(const struct cr_group *g, int target)
{
	json_t *o = json_object();

	json_object_set_new(o, "members", json_integer(g->members));
	if (target) {
		json_object_set_new(o, "reached", json_integer(g->reached));
		json_object_set_new(o, "delivered", json_integer(g->delivered));
	}
	json_object_set_new(o, "converted", json_integer(g->converted));
	json_object_set_new(o, "conversion_rate", rate(g->converted, g->members));
	json_object_set_new(o, "revenue", json_integer(g->revenue));
	json_object_set_new(o, "revenue_per_member", per_member(g->revenue, g->members));
	json_object_set_new(o, "margin", json_integer(g->margin));
	if (target) {
		json_object_set_new(o, "coupons_issued", json_integer(g->coupons_issued));
		json_object_set_new(o, "coupons_redeemed", json_integer(g->coupons_redeemed));
	}
	return o;
}

static json_t *uplift_json(const struct cr_stats *s)
{
	json_t *conv = json_null(), *rpm = json_null();

	if (s->conv_ok)
		conv = json_pack("{s:f,s:f,s:f,s:b}", "diff", s->conv_diff, "lo", s->conv_lo, "hi",
		                 s->conv_hi, "significant", s->conv_sig);
	if (s->rpm_ok)
		rpm = json_pack("{s:f,s:f,s:f,s:f,s:b}", "diff", s->rpm_diff, "lo", s->rpm_lo, "hi",
		                s->rpm_hi, "df", s->rpm_df, "significant", s->rpm_sig);
	return json_pack("{s:o,s:o}", "conversion", conv, "revenue_per_member", rpm);
}

/* Cumulative conversions by the end of each window day. */
static json_t *daily_json(const struct cr_data *d)
{
	json_t *arr = json_array();
	int64_t cum[2] = {0, 0};

	for (int i = 0; i < d->ndays; i++) {
		char day[11];

		cum[0] += d->daily[0][i];
		cum[1] += d->daily[1][i];
		ts_day_from_number(d->first_day + i, day);
		json_array_append_new(
		    arr, json_pack("{s:s,s:I,s:I,s:o,s:o}", "day", day, "target_converted",
		                   (json_int_t)cum[0], "control_converted", (json_int_t)cum[1],
		                   "target_rate", rate(cum[0], d->g[0].members), "control_rate",
		                   rate(cum[1], d->g[1].members)));
	}
	return arr;
}

static json_t *variants_json(const struct cr_data *d)
{
	json_t *arr = json_array();

	for (int i = 0; i < d->nv; i++)
		json_array_append_new(arr,
		                      json_pack("{s:s,s:I,s:I,s:o}", "variant", d->v[i].name,
		                                "members", (json_int_t)d->v[i].members, "converted",
		                                (json_int_t)d->v[i].converted, "conversion_rate",
		                                rate(d->v[i].converted, d->v[i].members)));
	return arr;
}

/* The window's days: from the start's day to the day of the window's end,
 * or of now while the window is open. */
static void window_days(struct cr_data *d, struct arena *a, int64_t from, int64_t to, int64_t now)
{
	int64_t last = (now < to ? now : to) - 1, dl;
	char day[11];

	ts_day(from, day, sizeof day);
	if (ts_day_number(day, &d->first_day) < 0)
		return;
	ts_day(last, day, sizeof day);
	if (last < from || ts_day_number(day, &dl) < 0)
		return;
	d->ndays = (int)(dl - d->first_day + 1);
	d->daily[0] = arena_calloc(a, (size_t)d->ndays, sizeof **d->daily);
	d->daily[1] = arena_calloc(a, (size_t)d->ndays, sizeof **d->daily);
}

int campaign_results_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
                         int64_t now, json_t **out, struct err *e)
{
	struct campaign *c;
	struct cr_data d = {0};
	struct cr_stats s;
	int64_t from = 0, to = 0;
	int rc;

	if ((rc = campaign_get(db, a, who, id, &c, e)) < 0)
		return rc;
	if (c->started_at) {
		from = c->started_at;
		to = c->started_at + c->attribution_days * DAY_MS;
		window_days(&d, a, from, to, now);
		if ((rc = read_members(db, a, id, strcmp(c->channel, "in_store") == 0, &d, e)) <
		        0 ||
		    (rc = read_buyers(db, a, id, from, to, &d, e)) < 0)
			return rc;
	}
	if (campaign_results_compute(&d.g[0], &d.g[1], c->cost_total, c->started_at != 0, &s) < 0)
		return err_set(e, ERR_INTERNAL, "campaign %lld: incremental revenue out of range",
		               (long long)id);
	json_t *o = json_object();
	json_object_set_new(o, "campaign_id", json_integer(id));
	json_object_set_new(o, "status", json_string(c->status));
	json_object_set_new(o, "window",
	                    json_pack("{s:o,s:o,s:I}", "from", jx_time(from), "to", jx_time(to),
	                              "days", (json_int_t)c->attribution_days));
	json_object_set_new(o, "computed_at", jx_time(now));
	json_object_set_new(o, "groups",
	                    json_pack("{s:o,s:o}", "target", group_json(&d.g[0], 1), "control",
	                              group_json(&d.g[1], 0)));
	json_object_set_new(o, "uplift", uplift_json(&s));
	json_object_set_new(o, "incremental",
	                    json_pack("{s:I,s:I}", "revenue", (json_int_t)s.incr_revenue, "margin",
	                              (json_int_t)s.incr_margin));
	json_object_set_new(o, "cost", json_integer(c->cost_total));
	json_object_set_new(o, "roi", s.roi_ok ? json_real(s.roi) : json_null());
	json_object_set_new(o, "verdict", json_string(s.verdict));
	json_object_set_new(o, "daily", daily_json(&d));
	json_object_set_new(o, "variants", variants_json(&d));
	*out = o;
	return 0;
}
