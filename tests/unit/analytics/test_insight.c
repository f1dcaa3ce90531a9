/* test_insight.c: the pure pieces of the inventory and customer reports:
 * rounding of values and ratios, turnover and days of cover, the category
 * drill-down, periods, cohort months and the cohorts' export rows. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "analytics/customer_report.h"
#include "analytics/insight.h"
#include "analytics/stock_report.h"
#include "base/err.h"

static void test_ratio(void **state)
{
	int64_t v = 0;
	assert_int_equal(insight_ratio(1, 1, 2, &v), 0);
	assert_int_equal(v, 1); /* half away from zero */
	assert_int_equal(insight_ratio(-1, 1, 2, &v), 0);
	assert_int_equal(v, -1);
	assert_int_equal(insight_ratio(1, 1, 3, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(insight_ratio(2, 1, 3, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(insight_ratio(5, 100, 3, &v), 0);
	assert_int_equal(v, 167);
	assert_int_equal(insight_ratio(1, 1, 0, &v), -1);
	assert_int_equal(insight_ratio(1, 1, -5, &v), -1);
	assert_int_equal(insight_ratio(INT64_MAX, 100, 1, &v), -1); /* does not fit */
	assert_int_equal(insight_ratio(INT64_MAX, 100, 100, &v), 0);
	assert_true(v == INT64_MAX);
}

static void test_value(void **state)
{
	assert_int_equal(insight_value(1500, 633), 949500); /* 1.5 kg × 6.33 */
	assert_int_equal(insight_value(-1000, 800), -800000);
	assert_int_equal(insight_value(1000, -1), 0); /* unknown cost */
	assert_int_equal(insight_value(INT64_MAX, 2), 0);
}

static void test_rate_json(void **state)
{
	json_t *j = insight_rate_json(1, 3);
	assert_true(json_is_real(j));
	assert_true(json_real_value(j) == 3333 / 10000.0);
	json_decref(j);
	j = insight_rate_json(2, 3);
	assert_true(json_real_value(j) == 6667 / 10000.0);
	json_decref(j);
	j = insight_rate_json(5, 0);
	assert_true(json_is_null(j));
	json_decref(j);
	j = insight_hundredths_json(1, 250);
	assert_true(json_real_value(j) == 2.5);
	json_decref(j);
	j = insight_hundredths_json(0, 250);
	assert_true(json_is_null(j));
	json_decref(j);
}

static void test_turnover_and_cover(void **state)
{
	int64_t v = 0;
	assert_int_equal(stock_avg_value(1000, 2001), 1501);
	assert_int_equal(stock_avg_value(-3, 0), -2);
	assert_int_equal(stock_avg_value(0, 0), 0);
	/* COGS 3000 over an average stock of 1500: turned twice. */
	assert_int_equal(stock_turnover_x100(3000, 1500, &v), 0);
	assert_int_equal(v, 200);
	assert_int_equal(stock_turnover_x100(1000, 3000, &v), 0);
	assert_int_equal(v, 33);
	assert_int_equal(stock_turnover_x100(1000, 0, &v), -1);
	assert_int_equal(stock_turnover_x100(1000, -5, &v), -1);
	/* 30 days sold 3000 (100 a day); 4500 in stock lasts 45 days. */
	assert_int_equal(stock_cover_x100(4500, 30, 3000, &v), 0);
	assert_int_equal(v, 4500);
	assert_int_equal(stock_cover_x100(1000, 7, 3000, &v), 0);
	assert_int_equal(v, 233);
	assert_int_equal(stock_cover_x100(0, 30, 3000, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(stock_cover_x100(4500, 30, 0, &v), -1); /* nothing sold */
	assert_int_equal(stock_cover_x100(INT64_MAX, 30, 1, &v), -1);
}

/* Food(1) > Dairy(2) > Milk(4); Drinks(3); Bakery(5) under Food. */
static void test_category_buckets(void **state)
{
	int64_t ids[] = {1, 2, 3, 4, 5}, parents[] = {0, 1, 0, 2, 1};
	struct cat_tree t = {.n = 5, .id = ids, .parent = parents, .root = 0};
	assert_int_equal(cat_bucket(&t, 4), 1);
	assert_int_equal(cat_bucket(&t, 2), 1);
	assert_int_equal(cat_bucket(&t, 1), 1);
	assert_int_equal(cat_bucket(&t, 3), 3);
	assert_int_equal(cat_bucket(&t, 0), 0);  /* no category */
	assert_int_equal(cat_bucket(&t, 99), -1); /* unknown */
	t.root = 1;
	assert_int_equal(cat_bucket(&t, 4), 2);
	assert_int_equal(cat_bucket(&t, 2), 2);
	assert_int_equal(cat_bucket(&t, 5), 5);
	assert_int_equal(cat_bucket(&t, 1), 1); /* filed in the root itself */
	assert_int_equal(cat_bucket(&t, 3), -1);
	assert_int_equal(cat_bucket(&t, 0), -1);
	t.root = 2;
	assert_int_equal(cat_bucket(&t, 4), 4);
	assert_int_equal(cat_bucket(&t, 5), -1);
	/* A cycle ends outside instead of looping. */
	int64_t cids[] = {1, 2}, cpar[] = {2, 1};
	struct cat_tree c = {.n = 2, .id = cids, .parent = cpar, .root = 7};
	assert_int_equal(cat_bucket(&c, 1), -1);
}

static void test_period(void **state)
{
	char f[11], t[11];
	int days = 0;
	struct err e;
	err_init(&e);
	assert_int_equal(insight_period("2026-02-27", "2026-03-02", 30, f, t, &days, &e), 0);
	assert_string_equal(f, "2026-02-27");
	assert_string_equal(t, "2026-03-02");
	assert_int_equal(days, 4);
	assert_int_equal(insight_period(NULL, "2026-03-02", 30, f, t, &days, &e), 0);
	assert_string_equal(f, "2026-02-01");
	assert_int_equal(days, 30);
	assert_int_equal(insight_period("2026-03-03", "2026-03-02", 30, f, t, &days, &e), -1);
	assert_string_equal(e.fields[0].field, "from");
	err_init(&e);
	assert_int_equal(insight_period("2026-02-30", "x", 30, f, t, &days, &e), -1);
	assert_int_equal(e.nfields, 2);
	err_init(&e);
	assert_int_equal(insight_period("2000-01-01", "2026-01-01", 30, f, t, &days, &e), -1);
	assert_string_equal(e.fields[0].field, "to");
}

static void test_cohort_months(void **state)
{
	char k[8];
	assert_int_equal(cohort_month("2026-01-31"), 2026 * 12);
	assert_int_equal(cohort_month("2025-12-01") + 1, cohort_month("2026-01-15"));
	assert_int_equal(cohort_month("2026-13-01"), -1);
	assert_int_equal(cohort_month("2026-1"), -1);
	assert_int_equal(cohort_month(NULL), -1);
	cohort_month_key(cohort_month("2026-03-09") - 11, k);
	assert_string_equal(k, "2025-04");
	cohort_month_key(2026 * 12 + 11, k);
	assert_string_equal(k, "2026-12");
}

static void test_cohort_rows(void **state)
{
	json_t *items = json_loads(
		"[{\"cohort\":\"2026-01\",\"size\":4,\"retention\":["
		"{\"months_since\":0,\"retained\":4,\"retained_rate\":1.0},"
		"{\"months_since\":1,\"retained\":1,\"retained_rate\":0.25}]},"
		"{\"cohort\":\"2026-02\",\"size\":0,\"retention\":["
		"{\"months_since\":0,\"retained\":0,\"retained_rate\":null}]}]",
		0, NULL);
	assert_non_null(items);
	json_t *rows = cohort_rows(items);
	assert_int_equal(json_array_size(rows), 3);
	json_t *r = json_array_get(rows, 1);
	assert_string_equal(json_string_value(json_object_get(r, "cohort")), "2026-01");
	assert_int_equal(json_integer_value(json_object_get(r, "size")), 4);
	assert_int_equal(json_integer_value(json_object_get(r, "months_since")), 1);
	assert_int_equal(json_integer_value(json_object_get(r, "retained")), 1);
	assert_true(json_real_value(json_object_get(r, "retained_rate")) == 0.25);
	assert_true(json_is_null(json_object_get(json_array_get(rows, 2), "retained_rate")));
	const char *k;
	json_t *v;
	const char *want[] = {"cohort", "size", "months_since", "retained", "retained_rate"};
	int i = 0;
	json_object_foreach(r, k, v) assert_string_equal(k, want[i++]);
	json_decref(rows);
	json_decref(items);
}

static void test_accumulator(void **state)
{
	struct ins_acc acc = {0};
	for (int i = 0; i < 1000; i++) {
		struct ins_entry *x = ins_get(&acc, i % 250);
		x->label = "x";
		x->v[0] += i;
	}
	struct ins_entry *n = ins_get(&acc, INSIGHT_NULL_KEY);
	n->label = "none";
	assert_int_equal(acc.n, 251);
	assert_int_equal(ins_get(&acc, 7)->v[0], 7 + 257 + 507 + 757);
	ins_sort(&acc, 0);
	assert_int_equal(acc.e[0].key, 249);
	assert_true(acc.e[acc.n - 1].key == INSIGHT_NULL_KEY);
	assert_int_equal(ins_get(&acc, 249)->v[0], 249 + 499 + 749 + 999); /* found after sorting */
	assert_int_equal(acc.n, 251);
	json_t *k = ins_key_json(INSIGHT_NULL_KEY);
	assert_true(json_is_null(k));
	json_decref(k);
	ins_free(&acc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ratio),          cmocka_unit_test(test_value),
		cmocka_unit_test(test_rate_json),      cmocka_unit_test(test_turnover_and_cover),
		cmocka_unit_test(test_category_buckets), cmocka_unit_test(test_period),
		cmocka_unit_test(test_cohort_months),  cmocka_unit_test(test_cohort_rows),
		cmocka_unit_test(test_accumulator),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
