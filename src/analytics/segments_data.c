/* segments_data.c: GET /segments/rfm, /segments/clusters and
 * /customers/{id}/value — the customers' figures read inside one read
 * snapshot, handed to the pure code of rfm_segments, kmeans and clv. */
#include "analytics/segments_data.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/clv.h"
#include "analytics/customer_report.h"
#include "analytics/insight.h"
#include "analytics/kmeans.h"
#include "analytics/rfm_segments.h"
#include "base/money.h"
#include "base/timeutil.h"
#include "domain/crm/customer_rfm.h"
#include "domain/crm/customer_scope.h"

#define DAY_MS 86400000LL
#define MIX_MAX 12     /* category columns at most (the last may be "other") */
#define SAMPLE_MAX 500 /* points of the scatter */
#define FIT_MAX 5000   /* customers the centres are fitted on at most */
#define OTHER_BUCKET (-1)

/* x rounded to places decimals as a JSON number. */
static json_t *round_json(double x, int places)
{
	double s = pow(10, places);
	return json_real(round(x * s) / s);
}

/* A double amount of minor units rounded half away from zero. */
static int64_t fen(double x)
{
	return isfinite(x) && fabs(x) < 9e18 ? (int64_t)llround(x) : 0;
}

/* ---- lifetime value from the cohort curves ---- */

/* One day's rollup row of a customer. */
struct vrow {
	int64_t customer_id, orders, revenue;
	int month;
};

static int by_customer_month(const void *pa, const void *pb)
{
	const struct vrow *x = pa, *y = pb;
	if (x->customer_id != y->customer_id)
		return x->customer_id < y->customer_id ? -1 : 1;
	return (x->month > y->month) - (x->month < y->month);
}

/* A customer's own months for the value. */
struct vcust {
	int64_t customer_id;
	int first, age;
	int64_t own[CLV_HORIZON_MONTHS];
};

/* The curve and every customer's value. */
struct clv_set {
	struct clv_curve curve;
	struct vcust *cust; /* by customer id */
	int n;
	double *value; /* n: lifetime value (minor units) */
};

static void clv_set_free(struct clv_set *s)
{
	free(s->cust);
	free(s->value);
	memset(s, 0, sizeof *s);
}

static const char SQL_CLV_ROWS[] =
	"SELECT x.customer_id, x.day, x.orders, x.revenue FROM rollup_day_store_customer x "
	"WHERE x.day <= ? AND" INSIGHT_SCOPE("x");

/* Reads the day × store × customer rollup of the stores in scope up to
 * today, builds the cohorts (month of first purchase, up to CLV_MAX_MONTHS
 * back) and fits the curve; each customer's value with it. Inside the
 * caller's snapshot. Free with clv_set_free. */
static int clv_load(struct db *db, int64_t store_id, int64_t scope_user_id, const char *today,
		    struct clv_set *s, struct err *e)
{
	memset(s, 0, sizeof *s);
	int asof = cohort_month(today);
	struct vrow *rows = NULL;
	int n = 0, cap = 0, rc;
	struct db_stmt *st = db_query(db, e, SQL_CLV_ROWS, "tiiii", today, store_id, store_id,
				      scope_user_id, scope_user_id);
	if (!st)
		return db_fail(e);
	while ((rc = db_step(st, e)) == DB_ROW) {
		int m = cohort_month(db_col_text(st, 1));
		if (m < 0 || m > asof)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			rows = xrealloc(rows, (size_t)cap * sizeof *rows);
		}
		rows[n++] = (struct vrow){.customer_id = db_col_int64(st, 0), .month = m,
					  .orders = db_col_int64(st, 2),
					  .revenue = db_col_int64(st, 3)};
	}
	db_reset(st);
	if (rc < 0) {
		free(rows);
		return db_fail(e);
	}
	if (n > 1)
		qsort(rows, (size_t)n, sizeof *rows, by_customer_month);
	/* The cohorts kept: the CLV_MAX_MONTHS months to this one. */
	int base = asof - CLV_MAX_MONTHS + 1, nc = CLV_MAX_MONTHS, minfirst = asof;
	s->cust = xcalloc((size_t)(n ? n : 1), sizeof *s->cust);
	for (int i = 0; i < n;) {
		int j = i, first = -1;
		for (; j < n && rows[j].customer_id == rows[i].customer_id; j++)
			if (rows[j].orders > 0 && first < 0)
				first = rows[j].month;
		if (first >= 0) {
			struct vcust *c = &s->cust[s->n++];
			c->customer_id = rows[i].customer_id;
			c->first = first;
			c->age = asof - first;
			if (first >= base && first < minfirst)
				minfirst = first;
		}
		i = j;
	}
	if (minfirst > base) {
		nc = asof - minfirst + 1;
		base = minfirst;
	}
	int64_t *retained = xcalloc((size_t)nc * nc, sizeof *retained);
	int64_t *revenue = xcalloc((size_t)nc * nc, sizeof *revenue);
	int ci = 0;
	for (int i = 0; i < n;) {
		int j = i;
		while (j < n && rows[j].customer_id == rows[i].customer_id)
			j++;
		struct vcust *c = ci < s->n && s->cust[ci].customer_id == rows[i].customer_id
					  ? &s->cust[ci++] : NULL;
		int counted = -1;
		for (int r = i; c && r < j; r++) {
			if (rows[r].month < c->first)
				continue;
			int k = rows[r].month - c->first;
			if (k < CLV_HORIZON_MONTHS)
				c->own[k] += rows[r].revenue;
			if (c->first < base)
				continue;
			int64_t *cell = &revenue[(size_t)(c->first - base) * nc + k];
			*cell += rows[r].revenue;
			if (rows[r].orders > 0 && rows[r].month != counted) {
				retained[(size_t)(c->first - base) * nc + k]++;
				counted = rows[r].month;
			}
		}
		i = j;
	}
	struct clv_cohort *co = xcalloc((size_t)nc, sizeof *co);
	for (int c = 0; c < nc; c++)
		co[c] = (struct clv_cohort){.size = retained[(size_t)c * nc], .months = nc - c,
					    .retained = retained + (size_t)c * nc,
					    .revenue = revenue + (size_t)c * nc};
	clv_fit(co, nc, CLV_HORIZON_MONTHS, CLV_MONTHLY_DISCOUNT, &s->curve);
	s->value = xcalloc((size_t)(s->n ? s->n : 1), sizeof *s->value);
	for (int i = 0; i < s->n; i++)
		s->value[i] = clv_customer(&s->curve, s->cust[i].own, s->cust[i].age);
	free(co);
	free(retained);
	free(revenue);
	free(rows);
	return 0;
}

/* The index of a customer in s, or -1. */
static int clv_find(const struct clv_set *s, int64_t customer_id)
{
	int lo = 0, hi = s->n - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		if (s->cust[mid].customer_id == customer_id)
			return mid;
		if (s->cust[mid].customer_id < customer_id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

int segments_customer_value(struct db *db, struct arena *a, const struct actor *who,
			    int64_t customer_id, int64_t now, json_t **out, struct err *e)
{
	char today[16];
	struct clv_set s;
	ts_day(now, today, sizeof today);
	int rc = insight_snapshot(db, e);
	if (rc < 0)
		return rc;
	if ((rc = customer_visible(db, who, customer_id, e)) < 0)
		goto done;
	if ((rc = clv_load(db, 0, 0, today, &s, e)) < 0)
		goto done;
	int i = clv_find(&s, customer_id);
	json_t *o = json_object();
	json_object_set_new(o, "customer_id", json_integer(customer_id));
	if (i >= 0) {
		int64_t total = fen(s.value[i]);
		int64_t expected = fen(clv_customer(&s.curve, NULL, s.cust[i].age));
		char key[8];
		cohort_month_key(s.cust[i].first, key);
		json_object_set_new(o, "clv", json_integer(total));
		json_object_set_new(o, "realized", json_integer(total - expected));
		json_object_set_new(o, "expected", json_integer(expected));
		json_object_set_new(o, "first_month", json_string(key));
		json_object_set_new(o, "months_since_first", json_integer(s.cust[i].age));
	} else {
		json_object_set_new(o, "clv", json_integer(0));
		json_object_set_new(o, "realized", json_integer(0));
		json_object_set_new(o, "expected", json_integer(0));
		json_object_set_new(o, "first_month", json_null());
		json_object_set_new(o, "months_since_first", json_null());
	}
	json_object_set_new(o, "horizon_months", json_integer(CLV_HORIZON_MONTHS));
	json_object_set_new(o, "monthly_discount_rate", json_real(CLV_MONTHLY_DISCOUNT));
	json_object_set_new(o, "new_customer_value", json_integer(fen(s.curve.value)));
	json_object_set_new(o, "retention_decay", round_json(s.curve.decay, 4));
	*out = o;
	clv_set_free(&s);
	rc = 0;
done:
	db_rollback(db);
	return rc;
}

/* ---- the customers of the window ---- */

/* A customer's sales in the window, in the stores in scope. */
struct wcust {
	int64_t id, orders, spend, last;
	int r, f, m; /* 0: not scored */
};

static int by_id(const void *pa, const void *pb)
{
	const struct wcust *x = pa, *y = pb;
	return (x->id > y->id) - (x->id < y->id);
}

static const char SQL_WINDOW[] =
	"SELECT s.customer_id, c.rfm_r, c.rfm_f, c.rfm_m, COUNT(*), SUM(s.total), MAX(s.at) "
	"FROM sales s JOIN customers c ON c.id = s.customer_id "
	"WHERE s.status <> 'voided' AND s.at > ? AND s.at <= ? AND" INSIGHT_SCOPE("s")
	"GROUP BY s.customer_id, c.rfm_r, c.rfm_f, c.rfm_m";

/* The customers with a non-voided sale in (now - 365 days, now] in scope,
 * sorted by id, into *out (free it) and *n. */
static int load_window(struct db *db, const struct segments_query *q, int64_t now,
		       struct wcust **out, int *n, struct err *e)
{
	struct wcust *w = NULL;
	int cap = 0, rc;
	*n = 0;
	struct db_stmt *st = db_query(db, e, SQL_WINDOW, "iiiiii", now - RFM_WINDOW_DAYS * DAY_MS,
				      now, q->store_id, q->store_id, q->scope_user_id,
				      q->scope_user_id);
	if (!st)
		return db_fail(e);
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			w = xrealloc(w, (size_t)cap * sizeof *w);
		}
		struct wcust *c = &w[(*n)++];
		c->id = db_col_int64(st, 0);
		c->r = db_col_null(st, 1) ? 0 : (int)db_col_int64(st, 1);
		c->f = db_col_null(st, 2) ? 0 : (int)db_col_int64(st, 2);
		c->m = db_col_null(st, 3) ? 0 : (int)db_col_int64(st, 3);
		c->orders = db_col_int64(st, 4);
		c->spend = db_col_int64(st, 5);
		c->last = db_col_int64(st, 6);
	}
	db_reset(st);
	if (rc < 0) {
		free(w);
		return db_fail(e);
	}
	if (*n > 1)
		qsort(w, (size_t)*n, sizeof *w, by_id);
	*out = w;
	return 0;
}

static double days_since(int64_t now, int64_t at)
{
	return (double)(now - at) / (double)DAY_MS;
}

/* ---- named RFM segments ---- */

int segments_rfm(struct db *db, struct arena *a, const struct segments_query *q, int64_t now,
		 json_t **out, struct err *e)
{
	struct seg {
		int64_t customers, revenue, orders;
		double recency, clv;
	} seg[RFM_SEGMENTS];
	struct wcust *w = NULL;
	struct clv_set s = {0};
	char today[16];
	int n = 0;
	memset(seg, 0, sizeof seg);
	ts_day(now, today, sizeof today);
	int rc = insight_snapshot(db, e);
	if (rc < 0)
		return rc;
	if ((rc = load_window(db, q, now, &w, &n, e)) < 0)
		goto done;
	if ((rc = clv_load(db, q->store_id, q->scope_user_id, today, &s, e)) < 0)
		goto done;
	int64_t total = 0, customers = 0;
	for (int i = 0; i < n; i++) {
		int g = rfm_segment_of(w[i].r, w[i].f, w[i].m);
		if (g < 0)
			continue;
		int v = clv_find(&s, w[i].id);
		if (money_sum(&seg[g].revenue, w[i].spend) < 0 || money_sum(&total, w[i].spend) < 0) {
			rc = err_set(e, ERR_INTERNAL, "segment revenue out of range");
			goto done;
		}
		seg[g].customers++;
		seg[g].orders += w[i].orders;
		seg[g].recency += days_since(now, w[i].last);
		seg[g].clv += v >= 0 ? s.value[v] : 0;
		customers++;
	}
	json_t *items = json_array();
	for (int g = 0; g < RFM_SEGMENTS; g++) {
		const struct seg *p = &seg[g];
		double cn = (double)p->customers;
		json_t *o = json_object();
		json_object_set_new(o, "code", json_string(rfm_segment_code(g)));
		json_object_set_new(o, "rule", json_string(rfm_segment_rule(g)));
		json_object_set_new(o, "customers", json_integer(p->customers));
		json_object_set_new(o, "revenue", json_integer(p->revenue));
		json_object_set_new(o, "revenue_share", insight_rate_json(p->revenue, total));
		json_object_set_new(o, "avg_recency_days",
				    cn > 0 ? round_json(p->recency / cn, 1) : json_null());
		json_object_set_new(o, "avg_frequency",
				    cn > 0 ? round_json((double)p->orders / cn, 2) : json_null());
		json_object_set_new(o, "avg_spend",
				    cn > 0 ? json_integer(fen((double)p->revenue / cn)) : json_null());
		json_object_set_new(o, "clv_total", json_integer(fen(p->clv)));
		json_object_set_new(o, "clv_avg", cn > 0 ? json_integer(fen(p->clv / cn)) : json_null());
		json_array_append_new(items, o);
	}
	*out = json_object();
	json_object_set_new(*out, "as_of", json_string(today));
	json_object_set_new(*out, "window_days", json_integer(RFM_WINDOW_DAYS));
	json_object_set_new(*out, "customers", json_integer(customers));
	json_object_set_new(*out, "revenue", json_integer(total));
	json_object_set_new(*out, "horizon_months", json_integer(CLV_HORIZON_MONTHS));
	json_object_set_new(*out, "monthly_discount_rate", json_real(CLV_MONTHLY_DISCOUNT));
	json_object_set_new(*out, "items", items);
	rc = 0;
done:
	db_rollback(db);
	free(w);
	clv_set_free(&s);
	(void)a;
	return rc;
}

/* ---- k-means clusters ---- */

static const char SQL_MIX[] =
	"SELECT s.customer_id, p.category_id, SUM(l.total) FROM sale_lines l "
	"JOIN sales s ON s.id = l.sale_id JOIN products p ON p.id = l.product_id "
	"WHERE s.customer_id IS NOT NULL AND s.status <> 'voided' AND s.at > ? AND s.at <= ? AND"
	INSIGHT_SCOPE("s") "GROUP BY s.customer_id, p.category_id";

/* One customer's spend in one category bucket. */
struct mixrow {
	int ci;         /* index of the customer */
	int64_t bucket; /* top-level category, 0 none */
	int64_t spend;
};

static int wfind(const struct wcust *w, int n, int64_t id)
{
	int lo = 0, hi = n - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		if (w[mid].id == id)
			return mid;
		if (w[mid].id < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* The words of a standardized value: low / mid / high. */
static const char *level(double z, const char *lo, const char *mid, const char *hi)
{
	return z >= 0.5 ? hi : z <= -0.5 ? lo : mid;
}

/* A cluster's figures, in original units. */
struct clu {
	int index; /* kmeans' */
	int64_t size, revenue;
	double spend, orders, recency;
	double *mix; /* ncol shares (sum over rows, then mean) */
	double *z;   /* d standardized means */
};

static int by_revenue(const void *pa, const void *pb)
{
	const struct clu *x = pa, *y = pb;
	if (x->revenue != y->revenue)
		return x->revenue > y->revenue ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

int segments_clusters(struct db *db, struct arena *a, const struct segments_query *q,
		      int64_t now, json_t **out, struct err *e)
{
	struct wcust *w = NULL;
	struct mixrow *mix = NULL;
	struct ins_acc buckets = {0};
	struct cat_tree tree = {0};
	double *x = NULL, *c = NULL;
	int *assign = NULL, *remap = NULL;
	struct clu *cl = NULL;
	int n = 0, nmix = 0, cap = 0, k = 0;
	char today[16];
	double sil[7];
	ts_day(now, today, sizeof today);
	int rc = insight_snapshot(db, e);
	if (rc < 0)
		return rc;
	if ((rc = load_window(db, q, now, &w, &n, e)) < 0)
		goto done;
	if ((rc = cat_tree_load(db, 0, &tree, e)) < 0)
		goto done;
	struct db_stmt *st = db_query(db, e, SQL_MIX, "iiiiii", now - RFM_WINDOW_DAYS * DAY_MS, now,
				      q->store_id, q->store_id, q->scope_user_id,
				      q->scope_user_id);
	if (!st) {
		rc = db_fail(e);
		goto done;
	}
	while ((rc = db_step(st, e)) == DB_ROW) {
		int ci = wfind(w, n, db_col_int64(st, 0));
		int64_t spend = db_col_int64(st, 2);
		if (ci < 0 || spend <= 0)
			continue;
		int64_t b = cat_bucket(&tree, db_col_null(st, 1) ? 0 : db_col_int64(st, 1));
		if (b < 0)
			b = 0;
		if (nmix == cap) {
			cap = cap ? cap * 2 : 1024;
			mix = xrealloc(mix, (size_t)cap * sizeof *mix);
		}
		mix[nmix++] = (struct mixrow){.ci = ci, .bucket = b, .spend = spend};
		struct ins_entry *be = ins_get(&buckets, b);
		be->v[0] += spend;
	}
	db_reset(st);
	if (rc < 0) {
		rc = db_fail(e);
		goto done;
	}
	/* The category columns: the largest buckets by spend, the rest as one. */
	for (int i = 0; i < buckets.n; i++)
		buckets.e[i].label = cat_label(db, a, buckets.e[i].key);
	ins_sort(&buckets, 0);
	int ncol = buckets.n <= MIX_MAX ? buckets.n : MIX_MAX;
	int other = buckets.n > MIX_MAX; /* the last column holds the rest */
	int d = 3 + ncol;
	x = xcalloc((size_t)(n ? n : 1) * d, sizeof *x);
	double *raw = NULL;
	int64_t *tot = xcalloc((size_t)(n ? n : 1), sizeof *tot);
	for (int i = 0; i < nmix; i++)
		tot[mix[i].ci] += mix[i].spend;
	for (int i = 0; i < nmix; i++) {
		int col = other ? ncol - 1 : -1, named = other ? ncol - 1 : ncol;
		for (int j = 0; j < named; j++)
			if (buckets.e[j].key == mix[i].bucket)
				col = j;
		if (col >= 0 && tot[mix[i].ci] > 0)
			x[(size_t)mix[i].ci * d + 3 + col] += (double)mix[i].spend / (double)tot[mix[i].ci];
	}
	free(tot);
	for (int i = 0; i < n; i++) {
		x[(size_t)i * d] = (double)w[i].spend;
		x[(size_t)i * d + 1] = (double)w[i].orders;
		x[(size_t)i * d + 2] = days_since(now, w[i].last);
	}
	raw = xcalloc((size_t)(n ? n : 1) * d, sizeof *raw);
	memcpy(raw, x, (size_t)n * d * sizeof *x);
	kmeans_standardize(x, n, d, NULL, NULL);
	assign = xcalloc((size_t)(n ? n : 1), sizeof *assign);
	c = xcalloc((size_t)8 * d, sizeof *c);
	int kmin = q->k ? q->k : 2, kmax = q->k ? q->k : 8;
	/* Many customers: the centres are fitted on every fstride-th one, then
	 * everyone goes to the nearest centre. */
	int fstride = n > FIT_MAX ? (n + FIT_MAX - 1) / FIT_MAX : 1, nf = (n + fstride - 1) / fstride;
	double *xf = x;
	int *af = assign;
	if (fstride > 1) {
		xf = xcalloc((size_t)nf * d, sizeof *xf);
		af = xcalloc((size_t)nf, sizeof *af);
		for (int i = 0; i < nf; i++)
			memcpy(xf + (size_t)i * d, x + (size_t)i * fstride * d, (size_t)d * sizeof *xf);
	}
	k = n > 0 ? kmeans_choose(xf, nf, d, kmin, kmax, KMEANS_SEED, sil, af, c) : 0;
	if (fstride > 1) {
		for (int i = 0; i < n; i++) {
			int best = 0;
			double bd = kmeans_dist2(x + (size_t)i * d, c, d);
			for (int m = 1; m < k; m++) {
				double t = kmeans_dist2(x + (size_t)i * d, c + (size_t)m * d, d);
				if (t < bd) {
					bd = t;
					best = m;
				}
			}
			assign[i] = best;
		}
		free(xf);
		free(af);
	}
	json_t *sils = json_array();
	for (int kk = kmin; kk <= kmax; kk++)
		if (n > 0 && sil[kk - kmin] > -2) {
			json_t *o = json_object();
			json_object_set_new(o, "k", json_integer(kk));
			json_object_set_new(o, "silhouette", round_json(sil[kk - kmin], 4));
			json_array_append_new(sils, o);
		}
	/* The clusters' figures in original units, numbered by revenue. */
	cl = xcalloc((size_t)(k ? k : 1), sizeof *cl);
	int64_t revenue = 0;
	for (int m = 0; m < k; m++) {
		cl[m].index = m;
		cl[m].mix = xcalloc((size_t)(ncol ? ncol : 1), sizeof *cl[m].mix);
		cl[m].z = xcalloc((size_t)d, sizeof *cl[m].z);
	}
	for (int i = 0; i < n; i++) {
		struct clu *u = &cl[assign[i]];
		u->size++;
		if (money_sum(&u->revenue, w[i].spend) < 0 || money_sum(&revenue, w[i].spend) < 0) {
			rc = err_set(e, ERR_INTERNAL, "cluster revenue out of range");
			free(raw);
			goto done;
		}
		u->spend += raw[(size_t)i * d];
		u->orders += raw[(size_t)i * d + 1];
		u->recency += raw[(size_t)i * d + 2];
		for (int j = 0; j < ncol; j++)
			u->mix[j] += raw[(size_t)i * d + 3 + j];
		for (int j = 0; j < d; j++)
			u->z[j] += x[(size_t)i * d + j];
	}
	free(raw);
	if (k > 1)
		qsort(cl, (size_t)k, sizeof *cl, by_revenue);
	remap = xcalloc((size_t)(k ? k : 1), sizeof *remap);
	json_t *clusters = json_array();
	for (int m = 0; m < k; m++) {
		struct clu *u = &cl[m];
		double sz = u->size > 0 ? (double)u->size : 1;
		remap[u->index] = m;
		json_t *mixj = json_array();
		int top = -1;
		for (int j = 0; j < ncol; j++) {
			double share = u->mix[j] / sz;
			json_t *o = json_object();
			int is_other = other && j == ncol - 1;
			json_object_set_new(o, "category_id",
					    is_other || buckets.e[j].key == 0
						    ? json_null()
						    : json_integer(buckets.e[j].key));
			json_object_set_new(o, "name", json_string(is_other ? "(other)"
										: buckets.e[j].label));
			json_object_set_new(o, "share", round_json(share, 4));
			json_array_append_new(mixj, o);
			if (share >= 0.5 && !is_other)
				top = j;
		}
		const char *label = arena_printf(
			a, "%s, %s, %s%s%s", level(u->z[0] / sz, "low spend", "mid spend", "high spend"),
			level(u->z[1] / sz, "rare", "regular", "frequent"),
			level(u->z[2] / sz, "recent", "lapsing", "lapsed"), top >= 0 ? ", mostly " : "",
			top >= 0 ? buckets.e[top].label : "");
		json_t *centroid = json_object();
		json_object_set_new(centroid, "spend", json_integer(fen(u->spend / sz)));
		json_object_set_new(centroid, "frequency", round_json(u->orders / sz, 2));
		json_object_set_new(centroid, "recency_days", round_json(u->recency / sz, 1));
		json_object_set_new(centroid, "category_mix", mixj);
		json_t *o = json_object();
		json_object_set_new(o, "cluster", json_integer(m));
		json_object_set_new(o, "label", json_string(label));
		json_object_set_new(o, "size", json_integer(u->size));
		json_object_set_new(o, "revenue", json_integer(u->revenue));
		json_object_set_new(o, "revenue_share", insight_rate_json(u->revenue, revenue));
		json_object_set_new(o, "centroid", centroid);
		json_array_append_new(clusters, o);
	}
	json_t *sample = json_array();
	int stride = n > SAMPLE_MAX ? (n + SAMPLE_MAX - 1) / SAMPLE_MAX : 1;
	for (int i = 0; i < n; i += stride) {
		json_t *o = json_object();
		json_object_set_new(o, "customer_id", json_integer(w[i].id));
		json_object_set_new(o, "cluster", json_integer(remap[assign[i]]));
		json_object_set_new(o, "spend", json_integer(w[i].spend));
		json_object_set_new(o, "frequency", json_integer(w[i].orders));
		json_object_set_new(o, "recency_days", round_json(days_since(now, w[i].last), 1));
		json_array_append_new(sample, o);
	}
	json_t *features = json_array();
	json_array_append_new(features, json_string("spend"));
	json_array_append_new(features, json_string("frequency"));
	json_array_append_new(features, json_string("recency_days"));
	for (int j = 0; j < ncol; j++)
		json_array_append_new(
			features,
			json_string(arena_printf(a, "share:%s",
						 other && j == ncol - 1 ? "(other)" : buckets.e[j].label)));
	*out = json_object();
	json_object_set_new(*out, "as_of", json_string(today));
	json_object_set_new(*out, "customers", json_integer(n));
	json_object_set_new(*out, "revenue", json_integer(revenue));
	json_object_set_new(*out, "k", json_integer(k));
	json_object_set_new(*out, "features", features);
	json_object_set_new(*out, "silhouettes", sils);
	json_object_set_new(*out, "clusters", clusters);
	json_object_set_new(*out, "sample", sample);
	rc = 0;
done:
	db_rollback(db);
	for (int m = 0; cl && m < k; m++) {
		free(cl[m].mix);
		free(cl[m].z);
	}
	free(cl);
	free(remap);
	free(w);
	free(mix);
	free(x);
	free(c);
	free(assign);
	ins_free(&buckets);
	cat_tree_free(&tree);
	return rc;
}
