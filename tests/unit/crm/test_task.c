/* test_task.c: tasks on SQLite and, with TERSA_TEST_PG_URL, PostgreSQL:
 * defaults, every field error with nothing written, store scoping, closing
 * and reopening, the list order, filters and cursor, and the overdue count
 * per store at a fixed instant. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain/crm/task.h"
#include "crm/crm_fx.h"

#define T0 INT64_C(1796000000000)
#define HOUR INT64_C(3600000)

static const char SQL_TASKS[] = "SELECT COUNT(*) FROM tasks";
static const char SQL_AUDIT[] = "SELECT COUNT(*) FROM audit_log WHERE entity = 'task'";

static struct task *mk(struct fx *f, const struct actor *who, struct task_input in)
{
	struct task *t = NULL;
	err_init(&f->e);
	int rc = task_create(f->db, f->a, who, &in, T0, &t, &f->e);
	if (rc < 0)
		fprintf(stderr, "task_create: %s\n", f->e.msg);
	assert_int_equal(rc, 0);
	return t;
}

static void test_defaults(void **state)
{
	struct fx *f = fx_get(state);
	struct task *t = mk(f, &f->admin.who, (struct task_input){.title = "Call back"});

	assert_string_equal(t->kind, "follow_up");
	assert_string_equal(t->status, "open");
	assert_int_equal(t->assignee_id, f->admin.u.id);
	assert_int_equal(t->created_by, f->admin.u.id);
	assert_int_equal(t->store_id, 0);
	assert_int_equal(t->created_at, T0);
	assert_int_equal(fx_count(f, SQL_AUDIT, 0), 1);

	/* a store-bound creator's task is in its store */
	t = mk(f, &f->sales_a.who, (struct task_input){.kind = "visit", .title = "Visit",
		.customer_id = f->cust_a, .due_at = T0 - HOUR, .note = "a\nb"});
	assert_int_equal(t->store_id, f->store_a);
	assert_int_equal(t->customer_id, f->cust_a);
	assert_string_equal(t->note, "a\nb");
	json_t *j = task_to_json(t, T0);
	assert_true(json_is_true(json_object_get(j, "overdue")));
	json_decref(j);
	j = task_to_json(t, T0 - 2 * HOUR);
	assert_true(json_is_false(json_object_get(j, "overdue")));
	json_decref(j);
}

static void test_field_errors(void **state)
{
	struct fx *f = fx_get(state);
	struct task *t;
	struct task_input in = {.kind = "dance", .title = " ", .note = NULL, .customer_id = 999,
				.opportunity_id = 999, .store_id = 999, .assignee_id = 999};

	assert_int_equal(task_create(f->db, f->a, &f->admin.who, &in, T0, &t, &f->e), ERR_INVALID);
	assert_non_null(fx_field(&f->e, "kind"));
	assert_non_null(fx_field(&f->e, "title"));
	assert_non_null(fx_field(&f->e, "customer_id"));
	assert_non_null(fx_field(&f->e, "opportunity_id"));
	assert_non_null(fx_field(&f->e, "store_id"));
	assert_non_null(fx_field(&f->e, "assignee_id"));

	/* a customer of another store is not seen by sales B */
	err_init(&f->e);
	in = (struct task_input){.title = "x", .customer_id = f->cust_a};
	assert_int_equal(task_create(f->db, f->a, &f->sales_b.who, &in, T0, &t, &f->e), ERR_INVALID);
	assert_string_equal(fx_field(&f->e, "customer_id"), "no such customer");

	/* a store-bound assignee outside the task's store */
	err_init(&f->e);
	in = (struct task_input){.title = "x", .store_id = f->store_a, .assignee_id = f->sales_b.u.id};
	assert_int_equal(task_create(f->db, f->a, &f->admin.who, &in, T0, &t, &f->e), ERR_INVALID);
	assert_non_null(fx_field(&f->e, "assignee_id"));

	/* another store named by a store-bound user */
	err_init(&f->e);
	in = (struct task_input){.title = "x", .store_id = f->store_b};
	assert_int_equal(task_create(f->db, f->a, &f->sales_a.who, &in, T0, &t, &f->e),
			 ERR_FORBIDDEN);

	assert_int_equal(fx_count(f, SQL_TASKS, 0), 0);
	assert_int_equal(fx_count(f, SQL_AUDIT, 0), 0);
}

static void test_scope_and_update(void **state)
{
	struct fx *f = fx_get(state);
	struct task *ta = mk(f, &f->admin.who, (struct task_input){.title = "A", .store_id = f->store_a});
	struct task *mine = mk(f, &f->admin.who, (struct task_input){.title = "for B",
		.store_id = f->store_a, .assignee_id = f->admin.u.id});
	struct task *forb = mk(f, &f->admin.who, (struct task_input){.title = "B's",
		.assignee_id = f->sales_b.u.id});
	struct task *t;
	struct task_input in = {0};

	assert_int_equal(task_get(f->db, f->a, &f->sales_b.who, ta->id, &t, &f->e), ERR_NOT_FOUND);
	err_init(&f->e);
	assert_int_equal(task_get(f->db, f->a, &f->sales_b.who, forb->id, &t, &f->e), 0);
	assert_int_equal(task_get(f->db, f->a, &f->sales_a.who, mine->id, &t, &f->e), 0);

	in.set_status = 1;
	in.status = "done";
	assert_int_equal(task_update(f->db, f->a, &f->sales_b.who, ta->id, &in, T0, &t, &f->e),
			 ERR_NOT_FOUND);
	err_init(&f->e);
	assert_int_equal(task_update(f->db, f->a, &f->sales_a.who, ta->id, &in, T0 + HOUR, &t, &f->e), 0);
	assert_string_equal(t->status, "done");
	assert_int_equal(t->done_at, T0 + HOUR);
	assert_int_equal(t->done_by, f->sales_a.u.id);

	in.status = "open";
	in.set_due_at = 1;
	in.due_at = T0 + 5 * HOUR;
	assert_int_equal(task_update(f->db, f->a, &f->admin.who, ta->id, &in, T0 + 2 * HOUR, &t, &f->e), 0);
	assert_string_equal(t->status, "open");
	assert_int_equal(t->done_at, 0);
	assert_int_equal(t->done_by, 0);
	assert_int_equal(t->due_at, T0 + 5 * HOUR);
	assert_int_equal(t->updated_at, T0 + 2 * HOUR);

	in = (struct task_input){.set_status = 1, .status = "finished", .set_title = 1, .title = NULL,
				 .set_assignee_id = 1, .assignee_id = f->sales_b.u.id};
	assert_int_equal(task_update(f->db, f->a, &f->admin.who, ta->id, &in, T0, &t, &f->e),
			 ERR_INVALID);
	assert_non_null(fx_field(&f->e, "status"));
	assert_non_null(fx_field(&f->e, "title"));
	assert_non_null(fx_field(&f->e, "assignee_id"));
	err_init(&f->e);
	assert_int_equal(task_get(f->db, f->a, NULL, ta->id, &t, &f->e), 0);
	assert_string_equal(t->title, "A");
}

/* The ids of every page of f's list, `limit` at a time. */
static int list_all(struct fx *f, const struct actor *who, struct task_filter tf, int limit,
		    int64_t *ids, int max)
{
	int n = 0;
	tf.limit = limit;
	tf.cursor = NULL;
	for (;;) {
		struct task **rows;
		const char *next;
		int k;
		assert_int_equal(task_list(f->db, f->a, who, &tf, &rows, &k, &next, &f->e), 0);
		for (int i = 0; i < k && n < max; i++)
			ids[n++] = rows[i]->id;
		if (!next)
			return n;
		tf.cursor = next;
	}
}

static void test_list_and_overdue(void **state)
{
	struct fx *f = fx_get(state);
	const struct actor *m = &f->manager_a.who;
	struct task *t1 = mk(f, m, (struct task_input){.title = "later", .due_at = T0 + 5 * HOUR});
	struct task *t2 = mk(f, m, (struct task_input){.title = "late", .due_at = T0 - 5 * HOUR});
	struct task *t3 = mk(f, m, (struct task_input){.title = "no due"});
	struct task *t4 = mk(f, m, (struct task_input){.title = "late, same time", .due_at = T0 - 5 * HOUR});
	struct task *t5 = mk(f, &f->admin.who, (struct task_input){.title = "B late", .store_id = f->store_b,
		.due_at = T0 - HOUR});
	struct task_input done = {.set_status = 1, .status = "done"};
	struct task *t;
	int64_t ids[16];
	int n;

	n = list_all(f, &f->admin.who, (struct task_filter){.now = T0}, 2, ids, 16);
	assert_int_equal(n, 5);
	int64_t want[] = {t2->id, t4->id, t5->id, t1->id, t3->id};
	for (int i = 0; i < 5; i++)
		assert_int_equal(ids[i], want[i]);

	n = list_all(f, &f->sales_a.who, (struct task_filter){.now = T0}, 1, ids, 16);
	assert_int_equal(n, 4);
	n = list_all(f, &f->admin.who, (struct task_filter){.now = T0, .overdue = 1}, 50, ids, 16);
	assert_int_equal(n, 3);
	n = list_all(f, &f->admin.who, (struct task_filter){.now = T0, .store_id = f->store_b}, 50, ids, 16);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], t5->id);
	n = list_all(f, &f->admin.who, (struct task_filter){.now = T0, .assignee_id = f->manager_a.u.id,
		.status = "open"}, 50, ids, 16);
	assert_int_equal(n, 4);

	struct task_filter bad = {.now = T0, .cursor = "12", .limit = 5};
	struct task **rows;
	const char *next;
	assert_int_equal(task_list(f->db, f->a, &f->admin.who, &bad, &rows, &n, &next, &f->e), ERR_INVALID);
	assert_non_null(fx_field(&f->e, "cursor"));
	err_init(&f->e);
	bad = (struct task_filter){.now = T0, .customer_id = f->cust_a, .limit = 5};
	assert_int_equal(task_list(f->db, f->a, &f->sales_b.who, &bad, &rows, &n, &next, &f->e),
			 ERR_NOT_FOUND);
	err_init(&f->e);

	assert_int_equal(task_update(f->db, f->a, m, t4->id, &done, T0, &t, &f->e), 0);
	struct task_store_count *c;
	assert_int_equal(task_overdue_by_store(f->db, f->a, &f->admin.who, T0, &c, &n, &f->e), 0);
	assert_int_equal(n, 2);
	assert_int_equal(c[0].store_id, f->store_a);
	assert_int_equal(c[0].open, 3);
	assert_int_equal(c[0].overdue, 1);
	assert_int_equal(c[1].store_id, f->store_b);
	assert_int_equal(c[1].open, 1);
	assert_int_equal(c[1].overdue, 1);
	/* six hours earlier nothing was overdue yet */
	assert_int_equal(task_overdue_by_store(f->db, f->a, &f->admin.who, T0 - 6 * HOUR, &c, &n, &f->e), 0);
	assert_int_equal(c[0].overdue, 0);
	assert_int_equal(c[1].overdue, 0);
	/* a store-bound user counts its stores only */
	assert_int_equal(task_overdue_by_store(f->db, f->a, &f->sales_b.who, T0, &c, &n, &f->e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(c[0].store_id, f->store_b);
	(void)t1;
}

#define TESTS(setup)                                                            \
	cmocka_unit_test_setup_teardown(test_defaults, setup, fx_teardown),     \
	cmocka_unit_test_setup_teardown(test_field_errors, setup, fx_teardown), \
	cmocka_unit_test_setup_teardown(test_scope_and_update, setup, fx_teardown), \
	cmocka_unit_test_setup_teardown(test_list_and_overdue, setup, fx_teardown)

int main(void)
{
	FX_RUN("task", TESTS);
}
