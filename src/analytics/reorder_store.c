/* reorder_store.c: a store's forecast-driven replenishment lines: reads the
 * stored daily forecasts, stock positions, supplier terms and service
 * levels, and runs reorder_compute() on them. */
#include "analytics/reorder_store.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analytics/reorder.h"
#include "base/money.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "db/page.h"
#include "domain/purchasing/service_level.h"

#define DAY_MS 86400000LL

/* Products of the store with a fresh daily forecast, an active preferred
 * supplier and no reorder rule, with their stock position and terms. */
static const char SQL_CANDIDATES[] =
	"SELECT p.id, p.sku, p.name, COALESCE(p.category_id, 0), COALESCE(b.on_hand, 0),"
	" COALESCE(oo.qty, 0), s.id, s.name, ps.cost, ps.pack_size, ps.min_order_qty,"
	" COALESCE(ps.lead_time_days, s.lead_time_days), f.id, f.model, f.fitted_at"
	" FROM forecast_series f"
	" JOIN products p ON p.id = f.product_id AND p.active = 1"
	" JOIN product_suppliers ps ON ps.product_id = p.id AND ps.preferred = 1"
	" JOIN suppliers s ON s.id = ps.supplier_id AND s.active = 1"
	" LEFT JOIN stock_balances b ON b.store_id = f.store_id AND b.product_id = p.id"
	" LEFT JOIN (SELECT l.product_id, SUM(l.quantity - l.received_quantity) AS qty"
	"   FROM purchase_order_lines l JOIN purchase_orders o ON o.id = l.order_id"
	"   WHERE o.store_id = ? AND o.status IN ('draft', 'sent', 'partially_received')"
	"   AND l.received_quantity < l.quantity GROUP BY l.product_id) oo"
	"   ON oo.product_id = p.id"
	" WHERE f.store_id = ? AND f.product_id > 0 AND f.category_id = 0"
	" AND f.grain = 'day' AND f.measure = 'units' AND f.fitted_at >= ?"
	" AND NOT EXISTS (SELECT 1 FROM reorder_rules r"
	"   WHERE r.store_id = f.store_id AND r.product_id = p.id)"
	" ORDER BY p.id, s.id";

/* One series' points from a day on. */
static const char SQL_POINTS[] =
	"SELECT mean, upper_95 FROM forecast_points"
	" WHERE series_id = ? AND period >= ? ORDER BY step";

struct cand {
	int64_t product_id, category_id, on_hand, on_order;
	int64_t supplier_id, cost, pack, moq, lead, series_id, fitted_at;
	const char *sku, *name, *supplier_name, *model;
};

/* The reason in words, with the figures of c. */
static const char *reason_text(struct arena *a, const struct reorder_calc *c,
			       const char *model)
{
	char b[8][32], buf[REPLENISH_REASON_MAX] = "";
	char lvl[32];

	qty_format(c->lead_demand, b[0], sizeof b[0]);
	qty_format(c->safety_stock, b[1], sizeof b[1]);
	qty_format(c->sigma_lead, b[2], sizeof b[2]);
	qty_format(c->reorder_point, b[3], sizeof b[3]);
	qty_format(c->order_up_to, b[4], sizeof b[4]);
	qty_format(c->position, b[5], sizeof b[5]);
	qty_format(c->need, b[6], sizeof b[6]);
	qty_format(c->quantity, b[7], sizeof b[7]);
	qty_format(c->level_e3, lvl, sizeof lvl);
	text_catf(buf, sizeof buf,
	    "forecast (%s): expected demand over %d days lead time %s, safety stock %s"
	    " (z %.2f × σ %s at %s%%) → reorder at %s, order up to %s;"
	    " position %s is at or below: needs %s",
	    model, c->lead_days, b[0], b[1], c->z, b[2], lvl, b[3], b[4], b[5], b[6]);
	if (c->quantity != c->need)
		text_catf(buf, sizeof buf, ", rounded to the order terms: %s", b[7]);
	return arena_strdup(a, buf);
}

/* Reads one series' points from today and computes c. 1 computed, 0 no
 * usable points or figures, negative on a database error. */
static int compute(struct db *db, struct arena *a, const struct cand *k, const char *today,
		   int64_t level, struct reorder_calc *c, struct err *e)
{
	struct db_stmt *st = db_query(db, e, SQL_POINTS, "it", k->series_id, today);
	int64_t *mean, *sigma;
	int n = 0, cap = 64, rc;
	struct reorder_terms t = {0, k->pack, k->moq};

	if (!st)
		return db_fail(e);
	mean = arena_calloc(a, (size_t)cap, sizeof *mean);
	sigma = arena_calloc(a, (size_t)cap, sizeof *sigma);
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (n == cap) {
			int64_t *m2 = arena_calloc(a, (size_t)cap * 2, sizeof *m2);
			int64_t *s2 = arena_calloc(a, (size_t)cap * 2, sizeof *s2);

			memcpy(m2, mean, (size_t)cap * sizeof *m2);
			memcpy(s2, sigma, (size_t)cap * sizeof *s2);
			mean = m2;
			sigma = s2;
			cap *= 2;
		}
		mean[n] = db_col_int64(st, 0);
		sigma[n] = llround((double)(db_col_int64(st, 1) - mean[n]) / 1.959964);
		if (sigma[n] < 0)
			sigma[n] = 0;
		n++;
	}
	if (rc < 0)
		return rc;
	if (n == 0 || k->lead < 0 || k->lead > REORDER_MAX_DAYS)
		return 0;
	if (reorder_compute(mean, sigma, n, (int)k->lead, REORDER_REVIEW_DAYS, (int)level,
			    k->on_hand, k->on_order, &t, c) < 0)
		return 0;
	return 1;
}

int reorder_forecast_lines(struct db *db, struct arena *a, int64_t store_id,
			   struct replenish_line **lines, int *n, struct err *e)
{
	struct service_level *levels;
	struct db_stmt *st;
	struct page pg;
	struct cand *cs;
	int nl, nc, rc;
	int64_t now = ts_now_ms(), last = 0;
	char today[11];

	*lines = NULL;
	*n = 0;
	if ((rc = service_level_for_store(db, a, store_id, &levels, &nl, e)) < 0)
		return rc;
	ts_day(now, today, sizeof today);
	if (!(st = db_query(db, e, SQL_CANDIDATES, "iii", store_id, store_id,
			    now - REORDER_STALE_DAYS * DAY_MS)))
		return db_fail(e);
	/* Read the candidates first: one statement open at a time. */
	page_init_all(&pg, a, sizeof(struct cand));
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		struct cand *k;
		int64_t pid = db_col_int64(st, 0);

		if (pid == last) /* two preferred links (never written so) count once */
			continue;
		last = pid;
		k = page_add(&pg);
		k->product_id = pid;
		k->sku = arena_strdup(a, db_col_text(st, 1));
		k->name = arena_strdup(a, db_col_text(st, 2));
		k->category_id = db_col_int64(st, 3);
		k->on_hand = db_col_int64(st, 4);
		k->on_order = db_col_int64(st, 5);
		k->supplier_id = db_col_int64(st, 6);
		k->supplier_name = arena_strdup(a, db_col_text(st, 7));
		k->cost = db_col_int64(st, 8);
		k->pack = db_col_int64(st, 9);
		k->moq = db_col_int64(st, 10);
		k->lead = db_col_null(st, 11) ? -1 : db_col_int64(st, 11);
		k->series_id = db_col_int64(st, 12);
		k->model = arena_strdup(a, db_col_text(st, 13));
		k->fitted_at = db_col_int64(st, 14);
	}
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	cs = pg.rows;
	nc = pg.n;
	*lines = arena_calloc(a, (size_t)(nc ? nc : 1), sizeof **lines);
	for (int i = 0; i < nc; i++) {
		const struct cand *k = &cs[i];
		int64_t level = service_level_pick(levels, nl, store_id, k->category_id);
		struct reorder_calc c;
		struct replenish_forecast *f;
		struct replenish_line *l;

		if ((rc = compute(db, a, k, today, level, &c, e)) < 0)
			return rc;
		if (rc == 0 || c.quantity <= 0)
			continue;
		f = arena_calloc(a, 1, sizeof *f);
		f->lead_time_days = c.lead_days;
		f->review_days = c.review_days;
		f->service_level = c.level_e3;
		f->z = c.z;
		f->lead_time_demand = c.lead_demand;
		f->sigma_lead_time = c.sigma_lead;
		f->safety_stock = c.safety_stock;
		f->reorder_point = c.reorder_point;
		f->order_up_to = c.order_up_to;
		f->position = c.position;
		f->model = k->model;
		f->fitted_at = k->fitted_at;
		l = &(*lines)[(*n)++];
		l->product_id = k->product_id;
		l->supplier_id = k->supplier_id;
		l->supplier_name = k->supplier_name;
		l->sku = k->sku;
		l->name = k->name;
		l->on_hand = k->on_hand;
		l->on_order = k->on_order;
		l->min = c.reorder_point;
		l->max = c.order_up_to;
		l->quantity = c.quantity;
		l->unit_cost = k->cost;
		l->total = -1;
		if (money_mul_qty(k->cost, c.quantity, &l->total) < 0)
			l->total = -1;
		l->reason = reason_text(a, &c, k->model);
		l->rule = "forecast";
		l->safety_stock = c.safety_stock;
		l->forecast = f;
	}
	return 0;
}
