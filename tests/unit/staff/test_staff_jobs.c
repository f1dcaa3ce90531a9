/* test_staff_jobs.c: the work of the jobs `recurring_tasks` and
 * `evaluations` on SQLite and, with TERSA_TEST_PG_URL, PostgreSQL, at fixed
 * days: a recurrence makes its task once, after missed weeks only the
 * latest, with the checklist; a second run (or a racing server) makes no
 * duplicate; inactive ones wait; scheduled evaluations open once their
 * period has ended. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain/crm/task.h"
#include "domain/staff/evaluation.h"
#include "domain/staff/task_recurrence.h"
#include "crm/crm_fx.h"

#define T0 INT64_C(1796000000000)

static const char SQL_TASKS[] = "SELECT COUNT(*) FROM tasks WHERE recurrence_id = ?";
static const char SQL_ITEMS[] =
	"SELECT COUNT(*) FROM task_checklist_items ci JOIN tasks t ON t.id = ci.task_id"
	" WHERE t.recurrence_id = ?";
static const char SQL_DUE[] = "SELECT MAX(due_at) FROM tasks WHERE recurrence_id = ?";

static struct task_recurrence *mk_recur(struct fx *f, int64_t weekday, const char *today)
{
	static const char *const list[] = {"Shelves", "Back room"};
	struct recur_input in = {.title = "Weekly count", .store_id = f->store_a,
				 .assignee_id = f->sales_a.u.id, .rule = "weekly",
				 .weekday = weekday, .checklist = list, .nchecklist = 2};
	struct task_recurrence *r = NULL;
	int rc = recur_create(f->db, f->a, &f->manager_a.who, &in, today, T0, &r, &f->e);
	if (rc < 0)
		fprintf(stderr, "recur_create: %s\n", f->e.msg);
	assert_int_equal(rc, 0);
	return r;
}

static int64_t run(struct fx *f, const char *today)
{
	int64_t made = -1;
	err_init(&f->e);
	assert_int_equal(recur_run(f->db, today, T0, &made, &f->e), 0);
	return made;
}

static void test_recurrence_once_and_catch_up(void **state)
{
	struct fx *f = fx_get(state);
	/* 2026-12-01 is a Tuesday: the first Monday from it is 12-07. */
	struct task_recurrence *r = mk_recur(f, 1, "2026-12-01"), *now;
	int64_t due;

	assert_string_equal(r->next_day, "2026-12-07");
	assert_int_equal(run(f, "2026-12-06"), 0);
	assert_int_equal(fx_count(f, SQL_TASKS, r->id), 0);

	/* Missed 12-07 and 12-14: only the task of 12-21 is made. */
	assert_int_equal(run(f, "2026-12-22"), 1);
	assert_int_equal(fx_count(f, SQL_TASKS, r->id), 1);
	assert_int_equal(fx_count(f, SQL_ITEMS, r->id), 2);
	assert_int_equal(task_day_due_at("2026-12-21", &due), 0);
	assert_int_equal(fx_count(f, SQL_DUE, r->id), due);
	assert_int_equal(recur_get(f->db, f->a, NULL, r->id, &now, &f->e), 0);
	assert_string_equal(now->next_day, "2026-12-28");

	/* Again the same day: nothing. */
	assert_int_equal(run(f, "2026-12-22"), 0);
	assert_int_equal(fx_count(f, SQL_TASKS, r->id), 1);

	/* A server that read the old next_day: the unique task per due time
	 * keeps it at one. */
	err_init(&f->e);
	assert_int_equal(db_write(f->db, &f->e,
				  "UPDATE task_recurrences SET next_day = '2026-12-07' WHERE id = ?",
				  "i", r->id), 0);
	assert_int_equal(run(f, "2026-12-22"), 0);
	assert_int_equal(fx_count(f, SQL_TASKS, r->id), 1);
	assert_int_equal(fx_count(f, SQL_ITEMS, r->id), 2);

	/* The next week's. */
	assert_int_equal(run(f, "2026-12-28"), 1);
	assert_int_equal(fx_count(f, SQL_TASKS, r->id), 2);
	assert_int_equal(fx_count(f, SQL_ITEMS, r->id), 4);
}

static void test_inactive_waits(void **state)
{
	struct fx *f = fx_get(state);
	struct task_recurrence *r = mk_recur(f, 3, "2026-12-01"), *t;
	struct recur_input off = {.set_active = 1, .active = 0};

	assert_int_equal(recur_update(f->db, f->a, &f->manager_a.who, r->id, &off, "2026-12-01", T0,
				      &t, &f->e), 0);
	assert_int_equal(run(f, "2026-12-30"), 0);
	assert_int_equal(fx_count(f, SQL_TASKS, r->id), 0);
	/* A rule that is never due is refused, naming the field. */
	struct recur_input bad = {.title = "X", .store_id = f->store_a, .rule = "weekly",
				  .weekday = 9};
	err_init(&f->e);
	assert_int_equal(recur_create(f->db, f->a, &f->manager_a.who, &bad, "2026-12-01", T0, &t,
				      &f->e), ERR_INVALID);
	assert_non_null(fx_field(&f->e, "weekday"));
	/* Another store's manager does not see it. */
	struct crm_user mb;
	fx_user(f, &mb, "manager_b", ROLE_STORE_MANAGER, f->store_b);
	err_init(&f->e);
	assert_int_equal(recur_get(f->db, f->a, &mb.who, r->id, &t, &f->e), ERR_NOT_FOUND);
}

static void test_evaluations_open_after_their_period(void **state)
{
	struct fx *f = fx_get(state);
	static struct eval_criterion c[] = {{"a", "A", 100}};
	struct eval_template_input ti = {.name = "T", .role = "sales", .criteria = c, .ncriteria = 1};
	struct eval_template *t;
	struct evaluation *ev, *back;
	struct eval_input in = {.user_id = f->sales_a.u.id, .period_from = "2026-12-01",
				.period_to = "2026-12-31", .due_day = "2027-01-10"};
	int64_t n = -1;

	assert_int_equal(eval_template_create(f->db, f->a, NULL, &ti, T0, &t, &f->e), 0);
	in.template_id = t->id;
	assert_int_equal(eval_create(f->db, f->a, &f->manager_a.who, &in, "2026-12-01", T0, &ev,
				     &f->e), 0);
	assert_string_equal(ev->status, "scheduled");
	assert_int_equal(eval_open_due(f->db, "2026-12-31", T0, &n, &f->e), 0);
	assert_int_equal(n, 0);
	assert_int_equal(eval_open_due(f->db, "2027-01-01", T0, &n, &f->e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(eval_get(f->db, f->a, &f->sales_a.who, ev->id, &back, &f->e), 0);
	assert_string_equal(back->status, "open");
	assert_int_equal(eval_open_due(f->db, "2027-01-02", T0, &n, &f->e), 0);
	assert_int_equal(n, 0);
	/* Another store's salesperson does not see it. */
	err_init(&f->e);
	assert_int_equal(eval_get(f->db, f->a, &f->sales_b.who, ev->id, &back, &f->e),
			 ERR_NOT_FOUND);
}

#define TESTS(setup)                                                                    \
	cmocka_unit_test_setup_teardown(test_recurrence_once_and_catch_up, setup, fx_teardown), \
	cmocka_unit_test_setup_teardown(test_inactive_waits, setup, fx_teardown),           \
	cmocka_unit_test_setup_teardown(test_evaluations_open_after_their_period, setup,    \
					fx_teardown)

int main(void)
{
	FX_RUN("staff jobs", TESTS);
}
