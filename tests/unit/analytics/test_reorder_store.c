/* test_reorder_store.c: the forecast-driven replenishment lines on a
 * temporary database where a daily forecast series and its points are
 * inserted as the nightly job would write them; the figures worked out by
 * hand; manual rules, stale forecasts and a position above the reorder
 * point give no forecast line; the service-level pick rule. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "analytics/reorder_store.h"
#include "base/timeutil.h"
#include "domain/purchasing/service_level.h"
#include "dbfx.h"

static int setup(void **state) { return fx_setup_named(state, "reorder-store"); }

static void exec(struct fx *f, const char *sql)
{
	struct err e;

	err_init(&e);
	assert_int_equal(db_exec(f->db, sql, &e), 0);
}

/* A daily series for (store 1, product) fitted `age_days` ago with 14
 * points from today: mean 2, upper_95 2 + 1.960 (σ 1 a day). */
static void series(struct fx *f, int64_t product, int age_days)
{
	struct err e;
	int64_t now = ts_now_ms(), day0, sid;
	char today[11], d[11];
	struct db_stmt *st;

	err_init(&e);
	ts_day(now, today, sizeof today);
	assert_int_equal(ts_day_number(today, &day0), 0);
	st = db_query(f->db, &e,
		      "INSERT INTO forecast_series (store_id, product_id, category_id, grain,"
		      " measure, model, reason, backtest_mase_e4, history_end, fitted_at)"
		      " VALUES (1, ?, 0, 'day', 'units', 'SBA', '', NULL, ?, ?) RETURNING id",
		      "iti", product, today, now - (int64_t)age_days * 86400000);
	assert_non_null(st);
	assert_int_equal(db_step(st, &e), DB_ROW);
	sid = db_col_int64(st, 0);
	db_reset(st);
	for (int i = 0; i < 14; i++) {
		ts_day_from_number(day0 + i, d);
		assert_int_equal(db_write(f->db, &e,
					  "INSERT INTO forecast_points (series_id, step, period, mean,"
					  " lower_80, upper_80, lower_95, upper_95)"
					  " VALUES (?, ?, ?, 2000, 700, 3300, 40, 3960)",
					  "iit", sid, (int64_t)i + 1, d), 0);
	}
}

static void fixture(struct fx *f)
{
	exec(f, "INSERT INTO stores (id, code, name, channel, created_at, updated_at)"
		" VALUES (1, 'S1', 'Store', 'direct', 0, 0)");
	exec(f, "INSERT INTO categories (id, name, created_at, updated_at) VALUES (7, 'Tea', 0, 0)");
	exec(f, "INSERT INTO products (id, sku, name, unit, price, vat_rate, category_id,"
		" created_at, updated_at) VALUES"
		" (1, 'F1', 'Forecast', 'pcs', 1000, 1300, 7, 0, 0),"
		" (2, 'M1', 'Manual', 'pcs', 1000, 1300, 7, 0, 0),"
		" (3, 'S1', 'Stale', 'pcs', 1000, 1300, 7, 0, 0),"
		" (4, 'H1', 'Plenty', 'pcs', 1000, 1300, 7, 0, 0)");
	exec(f, "INSERT INTO suppliers (id, code, name, lead_time_days, created_at, updated_at)"
		" VALUES (1, 'SUP1', 'Supplier', 7, 0, 0)");
	/* product 1: lead time 4 on the link (the supplier's 7 is not used),
	 * packs of 6 */
	exec(f, "INSERT INTO product_suppliers (product_id, supplier_id, cost, min_order_qty,"
		" pack_size, lead_time_days, preferred, created_at, updated_at) VALUES"
		" (1, 1, 250, 0, 6000, 4, 1, 0, 0), (2, 1, 250, 0, 1000, 4, 1, 0, 0),"
		" (3, 1, 250, 0, 1000, 4, 1, 0, 0), (4, 1, 250, 0, 1000, 4, 1, 0, 0)");
	exec(f, "INSERT INTO stock_balances (store_id, product_id, on_hand, updated_at) VALUES"
		" (1, 1, 3000, 0), (1, 2, 0, 0), (1, 3, 0, 0), (1, 4, 100000, 0)");
	/* 2 units of product 1 still expected from a sent order */
	exec(f, "INSERT INTO purchase_orders (id, supplier_id, store_id, status, created_at,"
		" updated_at) VALUES (1, 1, 1, 'sent', 0, 0)");
	exec(f, "INSERT INTO purchase_order_lines (order_id, product_id, quantity,"
		" received_quantity, unit_cost) VALUES (1, 1, 2000, 0, 250)");
	/* product 2 has a manual rule: min 1, max 5 */
	exec(f, "INSERT INTO reorder_rules (store_id, product_id, min_qty, max_qty, safety_stock,"
		" order_multiple, created_at, updated_at) VALUES (1, 2, 1000, 5000, 0, 1000, 0, 0)");
	/* the company asks 90%, store 1's tea 95%: the more specific wins */
	exec(f, "INSERT INTO service_levels (store_id, category_id, level, created_at, updated_at)"
		" VALUES (0, 0, 90000, 0, 0), (1, 7, 95000, 0, 0)");
	series(f, 1, 0);
	series(f, 2, 0);
	series(f, 3, REORDER_STALE_DAYS + 1);
	series(f, 4, 1);
}

static void test_forecast_line_by_hand(void **state)
{
	struct fx *f = *state;
	struct replenish_report rep;
	const struct replenish_line *fl = NULL, *ml = NULL;

	fixture(f);
	assert_int_equal(replenish_suggestions_with(f->db, f->a, 1, reorder_forecast_lines,
						    &rep, &f->e), 0);
	assert_int_equal(rep.ngroups, 1);
	assert_int_equal(rep.nunassigned, 0);
	/* products 1 (forecast) and 2 (manual); 3 is stale, 4 has plenty */
	assert_int_equal(rep.groups[0].nlines, 2);
	for (int i = 0; i < rep.groups[0].nlines; i++) {
		const struct replenish_line *l = &rep.groups[0].lines[i];

		if (l->product_id == 1)
			fl = l;
		if (l->product_id == 2)
			ml = l;
	}
	assert_non_null(fl);
	assert_non_null(ml);
	assert_string_equal(ml->rule, "manual");
	assert_null(ml->forecast);
	assert_int_equal(ml->quantity, 5000);

	/* σ a day = (3.960 − 2) / 1.959964 = 1.000; L 4, R 7, 95%:
	 * lead demand 8, σ_L 2, safety 1.645 × 2 = 3.290, reorder point
	 * 11.290, order up to 11.290 + 14 = 25.290; position 3 + 2 = 5:
	 * needs 20.290, in packs of 6: 24 at 2.50 = 60.00 */
	assert_string_equal(fl->rule, "forecast");
	assert_non_null(fl->forecast);
	assert_int_equal(fl->forecast->lead_time_days, 4);
	assert_int_equal(fl->forecast->review_days, 7);
	assert_int_equal(fl->forecast->service_level, 95000);
	assert_float_equal(fl->forecast->z, 1.6448536269514722, 1e-9);
	assert_int_equal(fl->forecast->lead_time_demand, 8000);
	assert_int_equal(fl->forecast->sigma_lead_time, 2000);
	assert_int_equal(fl->forecast->safety_stock, 3290);
	assert_int_equal(fl->forecast->reorder_point, 11290);
	assert_int_equal(fl->forecast->order_up_to, 25290);
	assert_int_equal(fl->forecast->position, 5000);
	assert_string_equal(fl->forecast->model, "SBA");
	assert_int_equal(fl->on_hand, 3000);
	assert_int_equal(fl->on_order, 2000);
	assert_int_equal(fl->min, 11290);
	assert_int_equal(fl->max, 25290);
	assert_int_equal(fl->safety_stock, 3290);
	assert_int_equal(fl->quantity, 24000);
	assert_int_equal(fl->unit_cost, 250);
	assert_int_equal(fl->total, 6000);
	assert_non_null(strstr(fl->reason, "expected demand over 4 days lead time 8"));
	assert_non_null(strstr(fl->reason, "reorder at 11.29, order up to 25.29"));
	assert_int_equal(rep.groups[0].total, 6000 + 1250);

	/* without the hook (the list as before): only the manual line */
	assert_int_equal(replenish_suggestions(f->db, f->a, 1, &rep, &f->e), 0);
	assert_int_equal(rep.groups[0].nlines, 1);
	assert_int_equal(rep.groups[0].lines[0].product_id, 2);
}

static void test_service_level_pick(void **state)
{
	const struct service_level rows[] = {
		{.store_id = 0, .category_id = 0, .level = 90000},
		{.store_id = 2, .category_id = 0, .level = 92000},
		{.store_id = 0, .category_id = 7, .level = 97000},
		{.store_id = 2, .category_id = 7, .level = 99000},
	};

	assert_int_equal(service_level_pick(rows, 0, 1, 7), SERVICE_LEVEL_DEFAULT);
	assert_int_equal(service_level_pick(rows, 1, 1, 7), 90000); /* company */
	assert_int_equal(service_level_pick(rows, 2, 2, 8), 92000); /* store */
	assert_int_equal(service_level_pick(rows, 3, 2, 7), 97000); /* category over store */
	assert_int_equal(service_level_pick(rows, 4, 2, 7), 99000); /* both */
	assert_int_equal(service_level_pick(rows, 4, 3, 7), 97000);
	assert_int_equal(service_level_pick(rows, 4, 3, 0), 90000); /* no category */
	assert_int_equal(service_level_pick(rows + 1, 1, 3, 7), SERVICE_LEVEL_DEFAULT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_forecast_line_by_hand, setup, fx_teardown),
		cmocka_unit_test(test_service_level_pick),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
