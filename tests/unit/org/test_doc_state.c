/* test_doc_state.c: the step table and doc_open's answers: 404 for a
 * document absent or in none of the user's stores, 403 for the other side
 * of a transfer, 409 state for a step its status does not allow. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "dbfx.h"
#include "domain/org/doc_state.h"

static const char SQL_LOCK[] =
	"UPDATE docs SET status = status WHERE id = ? RETURNING status, a, b";
static const struct doc_step STEPS[] = {
	{"ship", "shipped", {"draft"}, DOC_FIRST},
	{"receive", "received", {"shipped"}, DOC_SECOND},
	{"cancel", "cancelled", {"draft", "shipped"}, DOC_EITHER},
	{NULL, NULL, {NULL}, DOC_EITHER},
};
static const struct doc_flow FLOW = {"doc", SQL_LOCK, {"source", "destination"}, STEPS};

static int fx_setup(void **state)
{
	int rc = fx_setup_named(state, "doc_state");
	struct fx *f = *state;
	if (rc == 0)
		rc = db_exec(f->db,
			     "CREATE TABLE docs (id INTEGER PRIMARY KEY, status TEXT, a INTEGER, b INTEGER);"
			     "INSERT INTO docs VALUES (1, 'draft', 10, 20);"
			     "INSERT INTO docs VALUES (2, 'closed', 10, 20);", &f->e);
	return rc;
}

static void test_table(void **state)
{
	(void)state;
	assert_ptr_equal(doc_step_find(&FLOW, "receive"), &STEPS[1]);
	assert_null(doc_step_find(&FLOW, "fly"));
	assert_true(doc_step_allowed(&STEPS[2], "draft"));
	assert_true(doc_step_allowed(&STEPS[2], "shipped"));
	assert_false(doc_step_allowed(&STEPS[2], "closed"));
}

/* doc_open as a store-bound user of the given stores (none: the system). */
static int open_as(struct fx *f, int64_t store, const char *action, int64_t id)
{
	int64_t stores[1] = {store};
	struct user u = {.id = 1, .role = ROLE_STORE_MANAGER, .active = 1,
			 .store_ids = stores, .nstores = 1};
	struct actor who = {.user = store ? &u : NULL};
	struct doc_ref ref;
	err_init(&f->e);
	assert_int_equal(db_begin(f->db, 1, &f->e), 0);
	int rc = doc_open(f->db, &FLOW, action, &who, id, &ref, &f->e);
	db_rollback(f->db);
	if (rc == 0) {
		assert_int_equal(ref.store[0], 10);
		assert_int_equal(ref.store[1], 20);
	}
	return rc;
}

static void test_open(void **state)
{
	struct fx *f = *state;
	assert_int_equal(open_as(f, 0, "ship", 1), 0);
	assert_int_equal(open_as(f, 10, "ship", 1), 0);
	/* the destination sees it, but shipping is the source's */
	assert_int_equal(open_as(f, 20, "ship", 1), ERR_FORBIDDEN);
	assert_int_equal(open_as(f, 20, "cancel", 1), 0);
	/* another store's document is not there for them */
	assert_int_equal(open_as(f, 30, "ship", 1), ERR_NOT_FOUND);
	assert_int_equal(open_as(f, 30, "cancel", 1), ERR_NOT_FOUND);
	assert_int_equal(open_as(f, 0, "ship", 99), ERR_NOT_FOUND);
	/* wrong status, named in the message */
	assert_int_equal(open_as(f, 20, "receive", 1), ERR_STATE);
	assert_non_null(strstr(f->e.msg, "draft"));
	assert_int_equal(open_as(f, 10, "cancel", 2), ERR_STATE);
	assert_non_null(strstr(f->e.msg, "closed"));
}

#define DBT(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		DBT(test_open),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
