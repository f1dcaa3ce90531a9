/* test_evaluation.c: the pure rules of evaluations and recurring tasks: who
 * reads which part, the weighted score, template and score checks, month
 * arithmetic for the next period, and the due days of a recurrence. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "base/err.h"
#include "domain/staff/evaluation.h"
#include "domain/staff/task_recurrence.h"

static const struct eval_criterion CRIT[] = {
	{"selling", "Selling", 40}, {"product", "Product", 30}, {"service", "Service", 30}};

static int has_field(const struct err *e, const char *f)
{
	for (int i = 0; i < e->nfields; i++)
		if (strcmp(e->fields[i].field, f) == 0)
			return 1;
	return 0;
}

static void test_parts_visible(void **state)
{
	int s, m;
	(void)state;
	/* Before publishing: the person reads only the self part, anyone else
	 * (a manager) only the manager part. */
	for (const char *const *st = (const char *const[]){"scheduled", "open", "cancelled", NULL};
	     *st; st++) {
		eval_parts_visible(*st, 7, 7, &s, &m);
		assert_int_equal(s, 1);
		assert_int_equal(m, 0);
		eval_parts_visible(*st, 7, 3, &s, &m);
		assert_int_equal(s, 0);
		assert_int_equal(m, 1);
	}
	eval_parts_visible("published", 7, 7, &s, &m);
	assert_true(s && m);
	eval_parts_visible("published", 7, 3, &s, &m);
	assert_true(s && m);
	/* The system reads both. */
	eval_parts_visible("open", 7, 0, &s, &m);
	assert_true(s && m);
}

static void test_weighted_score(void **state)
{
	struct eval_score s[] = {{"service", 3}, {"selling", 5}, {"product", 4}};
	struct eval_score all5[] = {{"selling", 5}, {"product", 5}, {"service", 5}};
	struct eval_score all1[] = {{"selling", 1}, {"product", 1}, {"service", 1}};
	(void)state;
	assert_int_equal(eval_weighted_score(CRIT, 3, s, 3), 5 * 40 + 4 * 30 + 3 * 30);
	assert_int_equal(eval_weighted_score(CRIT, 3, all5, 3), 500);
	assert_int_equal(eval_weighted_score(CRIT, 3, all1, 3), 100);
	assert_int_equal(eval_weighted_score(CRIT, 3, s, 2), -1); /* product missing */
	assert_int_equal(eval_weighted_score(CRIT, 3, NULL, 0), -1);
}

static void test_template_check(void **state)
{
	struct eval_criterion ok[] = {{"a", "A", 60}, {"b_2", "B", 40}};
	struct eval_criterion bad[] = {{"a", "A", 60}, {"a", "B", 30}, {"X y", "", 0}};
	struct eval_template_input in = {.name = "Sales", .role = "sales", .criteria = ok,
					 .ncriteria = 2};
	struct err e;
	(void)state;

	err_init(&e);
	eval_template_check(&in, 1, &e);
	assert_int_equal(e.nfields, 0);

	ok[1].weight = 39; /* 99 */
	err_init(&e);
	eval_template_check(&in, 1, &e);
	assert_true(has_field(&e, "criteria"));
	ok[1].weight = 40;

	in.criteria = bad;
	in.ncriteria = 3;
	in.role = "cashier";
	in.set_cadence = 1;
	in.cadence_months = 25;
	err_init(&e);
	eval_template_check(&in, 1, &e);
	assert_true(has_field(&e, "role"));
	assert_true(has_field(&e, "cadence_months"));
	assert_true(has_field(&e, "criteria[1].key"));  /* repeated */
	assert_true(has_field(&e, "criteria[2].key"));  /* not a-z0-9_ */
	assert_true(has_field(&e, "criteria[2].name"));
	assert_true(has_field(&e, "criteria[2].weight"));
	assert_false(has_field(&e, "criteria[0].key"));

	/* An update checks only what it changes. */
	struct eval_template_input patch = {.set_name = 1, .name = "New"};
	err_init(&e);
	eval_template_check(&patch, 0, &e);
	assert_int_equal(e.nfields, 0);
	struct eval_template_input none = {.set_criteria = 1};
	err_init(&e);
	eval_template_check(&none, 0, &e);
	assert_true(has_field(&e, "criteria"));
}

static void test_scores_check(void **state)
{
	struct eval_score s[] = {{"selling", 6}, {"charm", 3}, {"product", 0}};
	struct eval_score part[] = {{"selling", 4}};
	struct err e;
	(void)state;

	err_init(&e);
	eval_scores_check(CRIT, 3, s, 3, 0, "scores", &e);
	assert_int_equal(e.nfields, 3);
	assert_true(has_field(&e, "scores.selling"));
	assert_true(has_field(&e, "scores.charm"));
	assert_true(has_field(&e, "scores.product"));

	err_init(&e);
	eval_scores_check(CRIT, 3, part, 1, 0, "scores", &e);
	assert_int_equal(e.nfields, 0); /* a draft may be partial */
	eval_scores_check(CRIT, 3, part, 1, 1, "scores", &e);
	assert_int_equal(e.nfields, 2); /* submitted: every criterion */
	assert_true(has_field(&e, "scores.product"));
	assert_true(has_field(&e, "scores.service"));
}

static void test_add_months(void **state)
{
	char out[11];
	(void)state;
	assert_int_equal(eval_add_months("2026-01-01", 6, out), 0);
	assert_string_equal(out, "2026-07-01");
	assert_int_equal(eval_add_months("2026-06-30", 6, out), 0);
	assert_string_equal(out, "2026-12-31"); /* a month's end stays its end */
	assert_int_equal(eval_add_months("2026-08-31", 6, out), 0);
	assert_string_equal(out, "2027-02-28");
	assert_int_equal(eval_add_months("2027-08-31", 6, out), 0);
	assert_string_equal(out, "2028-02-29"); /* leap year */
	assert_int_equal(eval_add_months("2026-01-30", 1, out), 0);
	assert_string_equal(out, "2026-02-28"); /* clamped */
	assert_int_equal(eval_add_months("2026-02-28", 1, out), 0);
	assert_string_equal(out, "2026-03-31");
	assert_int_equal(eval_add_months("2026-03-15", 12, out), 0);
	assert_string_equal(out, "2027-03-15");
	assert_int_equal(eval_add_months("2026-02-30", 1, out), -1);
	assert_int_equal(eval_add_months(NULL, 1, out), -1);
}

static void test_recurrence_days(void **state)
{
	char out[11];
	(void)state;
	/* 2026-12-08 is a Tuesday (2). */
	assert_int_equal(recur_due_on_or_after("weekly", 2, 0, "2026-12-08", out), 0);
	assert_string_equal(out, "2026-12-08");
	assert_int_equal(recur_due_on_or_before("weekly", 2, 0, "2026-12-08", out), 0);
	assert_string_equal(out, "2026-12-08");
	assert_int_equal(recur_due_on_or_after("weekly", 1, 0, "2026-12-08", out), 0);
	assert_string_equal(out, "2026-12-14");
	/* Missed weeks: only the latest Monday on or before today. */
	assert_int_equal(recur_due_on_or_before("weekly", 1, 0, "2026-12-08", out), 0);
	assert_string_equal(out, "2026-12-07");
	assert_int_equal(recur_due_on_or_before("weekly", 7, 0, "2026-12-08", out), 0);
	assert_string_equal(out, "2026-12-06");
	assert_int_equal(recur_due_on_or_after("monthly", 0, 8, "2026-12-08", out), 0);
	assert_string_equal(out, "2026-12-08");
	assert_int_equal(recur_due_on_or_after("monthly", 0, 1, "2026-12-08", out), 0);
	assert_string_equal(out, "2027-01-01");
	assert_int_equal(recur_due_on_or_before("monthly", 0, 28, "2026-12-08", out), 0);
	assert_string_equal(out, "2026-11-28");
	assert_int_equal(recur_due_on_or_after("monthly", 0, 28, "2027-02-28", out), 0);
	assert_string_equal(out, "2027-02-28");
	assert_int_equal(recur_due_on_or_after("weekly", 0, 0, "2026-12-08", out), -1);
	assert_int_equal(recur_due_on_or_after("weekly", 8, 0, "2026-12-08", out), -1);
	assert_int_equal(recur_due_on_or_after("monthly", 0, 29, "2026-12-08", out), -1);
	assert_int_equal(recur_due_on_or_after("daily", 1, 1, "2026-12-08", out), -1);
	assert_int_equal(recur_due_on_or_after("weekly", 1, 0, "someday", out), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parts_visible),  cmocka_unit_test(test_weighted_score),
	    cmocka_unit_test(test_template_check), cmocka_unit_test(test_scores_check),
	    cmocka_unit_test(test_add_months),     cmocka_unit_test(test_recurrence_days),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
