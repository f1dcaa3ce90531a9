/* test_commission_period.c: a payout period computed from sales written by
 * SQL on a temp SQLite database — the training gate against the time the
 * course was passed, the margin gate on a real line, the tier bonus from the
 * person's revenue target, and the clawback window (30 days claws back, 31
 * does not) after the period closed; plus the period labels. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "base/timeutil.h"
#include "domain/staff/commission.h"
#include "dbfx.h"

static int setup(void **state)
{
	return fx_setup_named(state, "test_commission_period");
}

static void must(struct fx *f, const char *sql)
{
	struct err e;
	err_init(&e);
	if (db_exec(f->db, sql, &e) < 0)
		fail_msg("%s: %s", sql, e.msg);
}

static int64_t at_of(const char *day)
{
	int64_t ms;
	assert_int_equal(ts_day_start(day, &ms), 0);
	return ms + 12 * 3600 * 1000;
}

/* Sale id on day by user: one line of category cat paid total (VAT vat,
 * cost unit_cost) at list price 11300. */
static void sale(struct fx *f, int id, const char *day, int user, int cat, int total, int cost)
{
	char sql[1024];
	snprintf(sql, sizeof sql,
		 "INSERT INTO sales (id, number, store_id, cashier_id, salesperson_id, at, day, status, "
		 "subtotal, discount_total, vat_total, total, paid, change_due) VALUES (%d, 'N%d', 1, %d, "
		 "%d, %lld, '%s', 'completed', %d, 0, 1300, %d, %d, 0);"
		 "INSERT INTO sale_lines (id, sale_id, line_no, product_id, quantity, list_price, "
		 "unit_price, gross, discount, total, vat_rate, vat, unit_cost, category_id) VALUES "
		 "(%d, %d, 1, 1, 1000, 11300, 11300, 11300, 0, %d, 1300, 1300, %d, %d);",
		 id, id, user, user, (long long)at_of(day), day, total, total, total, id, id, total,
		 cost, cat);
	must(f, sql);
}

static void ret(struct fx *f, int id, int sale_id, const char *day, int refund)
{
	char sql[1024];
	snprintf(sql, sizeof sql,
		 "INSERT INTO sale_returns (id, sale_id, store_id, kind, at, day, user_id, "
		 "refund_total, refund_method) VALUES (%d, %d, 1, 'return', %lld, '%s', 10, %d, 'cash');"
		 "INSERT INTO sale_return_lines (return_id, sale_line_id, product_id, quantity, refund, "
		 "vat) VALUES (%d, %d, 1, 1000, %d, 1300);",
		 id, sale_id, (long long)at_of(day), day, refund, id, sale_id, refund);
	must(f, sql);
}

static json_t *payout(json_t *period, int user)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(period, "payouts"), i, p)
		if (json_integer_value(json_object_get(p, "user_id")) == user)
			return p;
	fail_msg("no payout for user %d", user);
	return NULL;
}

static int64_t num(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* The lines of user in period of kind, as "reason:amount" joined. */
static void lines_of(struct fx *f, int64_t period, int user, const char *kind, char *out, size_t n)
{
	json_t *lines;
	size_t i;
	json_t *l;
	out[0] = 0;
	assert_int_equal(commission_period_lines(f->db, f->a, &f->who, period, user, &lines, &f->e), 0);
	json_array_foreach(lines, i, l) {
		if (strcmp(json_string_value(json_object_get(l, "kind")), kind) != 0)
			continue;
		size_t len = strlen(out);
		snprintf(out + len, n - len, "%s%s:%lld", len ? " " : "",
			 json_string_value(json_object_get(l, "reason")), (long long)num(l, "amount"));
	}
	json_decref(lines);
}

static void test_period(void **state)
{
	struct fx *f = *state;
	must(f, "INSERT INTO stores (id, code, name, channel, created_at, updated_at) "
		"VALUES (1, 'A', 'Store A', 'direct', 0, 0);"
		"INSERT INTO users (id, username, password_hash, display_name, role, created_at, "
		"updated_at) VALUES (10, 'ann', 'x', 'Ann', 'sales', 0, 0), "
		"(11, 'bob', 'x', 'Bob', 'sales', 0, 0);"
		"INSERT INTO user_stores (user_id, store_id) VALUES (10, 1), (11, 1);"
		"INSERT INTO courses (id, title, kind, status, created_at, updated_at) "
		"VALUES (1, 'Coats', 'product', 'published', 0, 0);"
		"INSERT INTO categories (id, name, created_at, updated_at, required_course_id) "
		"VALUES (1, 'Coats', 0, 0, 1), (2, 'Socks', 0, 0, NULL);"
		"INSERT INTO products (id, sku, name, unit, price, vat_rate, created_at, updated_at) "
		"VALUES (1, 'C1', 'Coat', 'pcs', 11300, 1300, 0, 0);");
	char sql[512];
	snprintf(sql, sizeof sql,
		 "INSERT INTO course_attempts (course_id, user_id, at, score_bp, passed, answers) "
		 "VALUES (1, 10, %lld, 9000, 1, '[]'), (1, 11, 0, 1000, 0, '[]');",
		 (long long)at_of("2025-01-10"));
	must(f, sql);
	must(f, "INSERT INTO staff_targets (store_id, user_id, metric, category_id, month, amount, "
		"updated_at) VALUES (1, 10, 'revenue', 0, '2025-01', 25000, 0), "
		"(1, 10, 'units', 0, '2025-01', 1, 0), (1, 11, 'revenue', 0, '2025-02', 5000, 0);");
	sale(f, 1, "2025-01-05", 10, 1, 11300, 5000); /* before Ann passed: training */
	sale(f, 2, "2025-01-15", 10, 1, 11300, 5000); /* after: earns 1130 */
	sale(f, 3, "2025-01-16", 11, 2, 11300, 8001); /* margin 19.99 %: nothing */
	sale(f, 4, "2025-01-20", 11, 2, 11300, 8000); /* margin 20 %: earns 1130 */

	json_t *rules = json_loads(
		"{\"default_rate_bp\":1000,\"margin_floor_bp\":2000,\"require_training\":true,"
		"\"clawback_days\":30,\"tiers\":{\"mode\":\"brackets\",\"levels\":["
		"{\"attainment_bp\":8000,\"amount\":20000},{\"attainment_bp\":9000,\"amount\":30000}]}}",
		0, NULL);
	struct commission_member m = {.kind = "store", .member_id = 1};
	struct commission_plan_input in = {.name = "Plan", .period_kind = "month", .rules = rules,
					   .valid_from = "2025-01-01", .members = &m, .nmembers = 1};
	json_t *plan, *p;
	assert_int_equal(commission_plan_create(f->db, f->a, &f->who, &in, &plan, &f->e), 0);
	int64_t plan_id = num(plan, "id");
	json_decref(plan);
	assert_int_equal(commission_plan_transition(f->db, f->a, &f->who, plan_id, "approve", &plan,
						    &f->e), 0);
	json_decref(plan);
	assert_int_equal(commission_period_open(f->db, f->a, &f->who, plan_id, "2025-01", &p, &f->e), 0);
	int64_t jan = num(p, "id");
	json_t *ann = payout(p, 10), *bob = payout(p, 11);
	assert_int_equal(num(ann, "sales"), 22600);
	assert_int_equal(num(ann, "target"), 25000);
	assert_int_equal(num(ann, "attainment_bp"), 9040);
	assert_int_equal(num(ann, "commission"), 1130);
	assert_int_equal(num(ann, "tier_bonus"), 30000);
	assert_int_equal(num(ann, "total"), 31130);
	assert_int_equal(num(bob, "commission"), 1130);
	assert_int_equal(num(bob, "tier_bonus"), 0);
	json_decref(p);
	char got[256];
	lines_of(f, jan, 10, "sale", got, sizeof got);
	assert_string_equal(got, "training:0 default:1130");
	lines_of(f, jan, 11, "sale", got, sizeof got);
	assert_string_equal(got, "margin:0 default:1130");
	lines_of(f, jan, 10, "tier", got, sizeof got);
	assert_string_equal(got, "tier:30000");

	assert_int_equal(commission_period_transition(f->db, f->a, &f->who, jan, "approve", &p, &f->e), 0);
	json_decref(p);
	assert_int_equal(commission_period_transition(f->db, f->a, &f->who, jan, "close", &p, &f->e), 0);
	json_decref(p);
	ret(f, 1, 2, "2025-02-14", 11300); /* 30 days after its sale: clawed back */
	ret(f, 2, 4, "2025-02-20", 11300); /* 31 days: not */
	assert_int_equal(commission_period_open(f->db, f->a, &f->who, plan_id, "2025-02", &p, &f->e), 0);
	int64_t feb = num(p, "id");
	assert_int_equal(num(payout(p, 10), "clawback"), -1130);
	assert_int_equal(num(payout(p, 10), "sales"), 0);
	/* Bob: a target and no lines — a payout of nothing */
	assert_int_equal(num(payout(p, 11), "clawback"), 0);
	assert_int_equal(num(payout(p, 11), "total"), 0);
	json_decref(p);
	lines_of(f, feb, 10, "clawback", got, sizeof got);
	assert_string_equal(got, "clawback:-1130");
	/* frozen: a closed period is not recomputed */
	err_init(&f->e);
	assert_int_equal(commission_period_recompute(f->db, f->a, &f->who, jan, &p, &f->e), ERR_STATE);
	/* the nightly job recomputes the open one and changes nothing */
	int opened, computed;
	err_init(&f->e);
	assert_int_equal(commission_nightly(f->db, "2025-02-21", &opened, &computed, &f->e), 0);
	assert_int_equal(opened, 0);
	assert_int_equal(computed, 1);
	assert_int_equal(commission_nightly(f->db, "2025-03-01", &opened, &computed, &f->e), 0);
	assert_int_equal(opened, 1);
	assert_int_equal(computed, 2);
	json_decref(rules);
}

static void test_labels(void **state)
{
	char from[11], to[11], label[8];
	assert_int_equal(commission_period_days("month", "2024-02", from, to), 0);
	assert_string_equal(from, "2024-02-01");
	assert_string_equal(to, "2024-02-29");
	assert_int_equal(commission_period_days("quarter", "2027-Q4", from, to), 0);
	assert_string_equal(from, "2027-10-01");
	assert_string_equal(to, "2027-12-31");
	assert_int_equal(commission_period_days("month", "2027-Q1", from, to), -1);
	assert_int_equal(commission_period_days("quarter", "2027-05", from, to), -1);
	assert_int_equal(commission_period_days("month", "2027-13", from, to), -1);
	assert_int_equal(commission_period_days("quarter", "2027-Q5", from, to), -1);
	assert_int_equal(commission_period_days("month", "2027-1", from, to), -1);
	commission_period_of("quarter", "2027-08-31", label);
	assert_string_equal(label, "2027-Q3");
	commission_period_of("month", "2027-08-31", label);
	assert_string_equal(label, "2027-08");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_period, setup, fx_teardown),
		cmocka_unit_test(test_labels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
