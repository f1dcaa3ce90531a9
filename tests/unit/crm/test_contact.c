/* test_contact.c: contacts on SQLite and, with TERSA_TEST_PG_URL,
 * PostgreSQL: recording with defaults, every field error with nothing
 * written, store scoping, closing a task in the same transaction, the list
 * newest first with its cursor, and an audit row without the summary. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain/crm/contact.h"
#include "domain/crm/task.h"
#include "crm/crm_fx.h"

#define T0 INT64_C(1796000000000)
#define HOUR INT64_C(3600000)

static const char SQL_CONTACTS[] = "SELECT COUNT(*) FROM customer_contacts";
static const char SQL_AUDIT_SECRET[] =
	"SELECT COUNT(*) FROM audit_log WHERE after_json LIKE '%secret%' OR before_json LIKE '%secret%'";
static const char SQL_AUDIT_CONTACTS[] =
	"SELECT COUNT(*) FROM audit_log WHERE entity = 'customer_contact'";

static struct contact *rec(struct fx *f, const struct actor *who, int64_t customer,
			   struct contact_input in, int64_t now)
{
	struct contact *c = NULL;
	err_init(&f->e);
	int rc = contact_create(f->db, f->a, who, customer, &in, now, &c, &f->e);
	if (rc < 0)
		fprintf(stderr, "contact_create: %s\n", f->e.msg);
	assert_int_equal(rc, 0);
	return c;
}

static void test_create(void **state)
{
	struct fx *f = fx_get(state);
	struct contact *c = rec(f, &f->admin.who, f->cust_a, (struct contact_input){
		.channel = "phone", .direction = "out", .summary = "a secret summary"}, T0);

	assert_int_equal(c->customer_id, f->cust_a);
	assert_int_equal(c->at, T0);
	assert_int_equal(c->store_id, 0);
	assert_int_equal(c->user_id, f->admin.u.id);
	assert_null(c->outcome);
	assert_int_equal(fx_count(f, SQL_AUDIT_CONTACTS, 0), 1);
	assert_int_equal(fx_count(f, SQL_AUDIT_SECRET, 0), 0);

	c = rec(f, &f->sales_a.who, f->cust_a, (struct contact_input){.channel = "store",
		.direction = "in", .summary = "s", .outcome = "ok", .next_step = "call",
		.at = T0 - HOUR}, T0);
	assert_int_equal(c->store_id, f->store_a);
	assert_int_equal(c->at, T0 - HOUR);
	assert_string_equal(c->next_step, "call");
	/* a little clock skew is allowed */
	rec(f, &f->sales_a.who, f->cust_a, (struct contact_input){.channel = "sms",
		.direction = "in", .summary = "s", .at = T0 + CONTACT_SKEW_MS}, T0);
}

static void test_errors_and_scope(void **state)
{
	struct fx *f = fx_get(state);
	struct contact *c;
	struct contact_input in = {.channel = "fax", .direction = "up", .summary = "",
				   .at = T0 + CONTACT_SKEW_MS + 1, .store_id = 9999,
				   .closes_task_id = 9999};

	assert_int_equal(contact_create(f->db, f->a, &f->admin.who, f->cust_a, &in, T0, &c, &f->e),
			 ERR_INVALID);
	assert_non_null(fx_field(&f->e, "channel"));
	assert_non_null(fx_field(&f->e, "direction"));
	assert_non_null(fx_field(&f->e, "summary"));
	assert_string_equal(fx_field(&f->e, "at"), "must not be in the future");
	assert_non_null(fx_field(&f->e, "store_id"));
	assert_non_null(fx_field(&f->e, "closes_task_id"));

	char big[CONTACT_SUMMARY_MAX + 2];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	err_init(&f->e);
	in = (struct contact_input){.channel = "phone", .direction = "in", .summary = big};
	assert_int_equal(contact_create(f->db, f->a, &f->admin.who, f->cust_a, &in, T0, &c, &f->e),
			 ERR_INVALID);
	assert_non_null(fx_field(&f->e, "summary"));

	err_init(&f->e);
	in = (struct contact_input){.channel = "phone", .direction = "in", .summary = "s"};
	assert_int_equal(contact_create(f->db, f->a, &f->sales_b.who, f->cust_a, &in, T0, &c, &f->e),
			 ERR_NOT_FOUND);
	err_init(&f->e);
	in.store_id = f->store_b;
	assert_int_equal(contact_create(f->db, f->a, &f->sales_a.who, f->cust_a, &in, T0, &c, &f->e),
			 ERR_FORBIDDEN);
	assert_int_equal(fx_count(f, SQL_CONTACTS, 0), 0);
}

static void test_closes_task(void **state)
{
	struct fx *f = fx_get(state);
	struct task *t, *other, *got;
	struct task_input ti = {.title = "Call", .customer_id = f->cust_a, .store_id = f->store_a};
	assert_int_equal(task_create(f->db, f->a, &f->admin.who, &ti, T0, &t, &f->e), 0);
	ti.customer_id = f->cust_b;
	ti.store_id = f->store_b;
	assert_int_equal(task_create(f->db, f->a, &f->admin.who, &ti, T0, &other, &f->e), 0);

	struct contact *c;
	struct contact_input in = {.channel = "phone", .direction = "out", .summary = "s",
				   .closes_task_id = other->id};
	assert_int_equal(contact_create(f->db, f->a, &f->admin.who, f->cust_a, &in, T0, &c, &f->e),
			 ERR_INVALID);
	assert_non_null(fx_field(&f->e, "closes_task_id"));
	assert_int_equal(fx_count(f, SQL_CONTACTS, 0), 0);

	in.closes_task_id = t->id;
	c = rec(f, &f->sales_a.who, f->cust_a, in, T0 + HOUR);
	assert_int_equal(c->task_id, t->id);
	assert_int_equal(task_get(f->db, f->a, NULL, t->id, &got, &f->e), 0);
	assert_string_equal(got->status, "done");
	assert_int_equal(got->done_at, T0 + HOUR);
	assert_int_equal(got->done_by, f->sales_a.u.id);

	/* a done task is not closed again, and nothing is written */
	err_init(&f->e);
	assert_int_equal(contact_create(f->db, f->a, &f->admin.who, f->cust_a, &in, T0, &c, &f->e),
			 ERR_INVALID);
	assert_int_equal(fx_count(f, SQL_CONTACTS, 0), 1);
}

static void test_list(void **state)
{
	struct fx *f = fx_get(state);
	int64_t ids[4], got[8];
	int hours[] = {5, 1, 3, 3}, n = 0;
	const char *cursor = NULL, *next;
	struct contact **rows;
	int k;

	for (int i = 0; i < 4; i++)
		ids[i] = rec(f, &f->admin.who, f->cust_a, (struct contact_input){.channel = "visit",
			.direction = "in", .summary = "s", .at = T0 - hours[i] * HOUR}, T0)->id;
	rec(f, &f->admin.who, f->cust_b, (struct contact_input){.channel = "visit",
		.direction = "in", .summary = "other customer"}, T0);
	do {
		assert_int_equal(contact_list(f->db, f->a, &f->sales_a.who, f->cust_a, cursor, 1,
					      &rows, &k, &next, &f->e), 0);
		for (int i = 0; i < k; i++)
			got[n++] = rows[i]->id;
		cursor = next;
	} while (cursor && n < 8);
	assert_int_equal(n, 4);
	assert_int_equal(got[0], ids[1]);
	assert_int_equal(got[1], ids[3]);
	assert_int_equal(got[2], ids[2]);
	assert_int_equal(got[3], ids[0]);

	assert_int_equal(contact_list(f->db, f->a, &f->sales_b.who, f->cust_a, NULL, 10, &rows, &k,
				      &next, &f->e), ERR_NOT_FOUND);
	err_init(&f->e);
	assert_int_equal(contact_list(f->db, f->a, &f->admin.who, f->cust_a, "x:1", 10, &rows, &k,
				      &next, &f->e), ERR_INVALID);
	assert_non_null(fx_field(&f->e, "cursor"));
}

#define TESTS(setup)                                                            \
	cmocka_unit_test_setup_teardown(test_create, setup, fx_teardown),       \
	cmocka_unit_test_setup_teardown(test_errors_and_scope, setup, fx_teardown), \
	cmocka_unit_test_setup_teardown(test_closes_task, setup, fx_teardown),  \
	cmocka_unit_test_setup_teardown(test_list, setup, fx_teardown)

int main(void)
{
	FX_RUN("contact", TESTS);
}
