/* test_opportunity.c: opportunities on SQLite and, with TERSA_TEST_PG_URL,
 * PostgreSQL: the stage rules, creating with defaults, field errors with
 * nothing written, stage moves and their history, lost and reopening,
 * scoping, and the pipeline report (weighted amounts, win rate, average and
 * median sales cycle) against hand-computed figures at fixed instants. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "analytics/pipeline_report.h"
#include "domain/crm/opportunity.h"
#include "crm/crm_fx.h"

#define T0 INT64_C(1796000000000)
#define DAY INT64_C(86400000)

static const char SQL_OPPS[] = "SELECT COUNT(*) FROM opportunities";
static const char SQL_MOVES[] = "SELECT COUNT(*) FROM opportunity_stages";

static void test_rules(void **state)
{
	assert_int_equal(opportunity_stage_probability("lead"), 1000);
	assert_int_equal(opportunity_stage_probability("qualified"), 2500);
	assert_int_equal(opportunity_stage_probability("proposal"), 5000);
	assert_int_equal(opportunity_stage_probability("negotiation"), 7500);
	assert_int_equal(opportunity_stage_probability("won"), 10000);
	assert_int_equal(opportunity_stage_probability("lost"), 0);
	assert_int_equal(opportunity_stage_probability("open"), -1);
	assert_int_equal(opportunity_stage_probability(NULL), -1);

	assert_true(opportunity_move_allowed("lead", "won"));
	assert_true(opportunity_move_allowed("negotiation", "lead"));
	assert_true(opportunity_move_allowed("proposal", "lost"));
	assert_true(opportunity_move_allowed("won", "negotiation"));
	assert_true(opportunity_move_allowed("lost", "negotiation"));
	assert_false(opportunity_move_allowed("won", "lost"));
	assert_false(opportunity_move_allowed("lost", "lead"));
	assert_false(opportunity_move_allowed("lead", "lead"));
	assert_false(opportunity_move_allowed("lead", "closed"));
}

static struct opportunity *mk(struct fx *f, const struct actor *who,
			      struct opportunity_input in, int64_t now)
{
	struct opportunity *o = NULL;
	if (!in.amount && !in.set_amount)
		in.amount = -1;
	if (!in.probability_bp && !in.set_probability_bp)
		in.probability_bp = -1;
	err_init(&f->e);
	int rc = opportunity_create(f->db, f->a, who, &in, now, &o, &f->e);
	if (rc < 0)
		fprintf(stderr, "opportunity_create: %s\n", f->e.msg);
	assert_int_equal(rc, 0);
	return o;
}

static struct opportunity *move(struct fx *f, const struct actor *who, int64_t id,
				const char *stage, const char *reason, int64_t now)
{
	struct opportunity_input in = {.set_stage = 1, .stage = stage,
				       .set_lost_reason = reason != NULL, .lost_reason = reason};
	struct opportunity *o = NULL;
	err_init(&f->e);
	int rc = opportunity_update(f->db, f->a, who, id, &in, now, &o, &f->e);
	if (rc < 0)
		fprintf(stderr, "opportunity_update: %s\n", f->e.msg);
	assert_int_equal(rc, 0);
	return o;
}

static void test_create_and_errors(void **state)
{
	struct fx *f = fx_get(state);
	struct opportunity *o = mk(f, &f->sales_a.who, (struct opportunity_input){.name = "团购"}, T0);

	assert_string_equal(o->stage, "lead");
	assert_int_equal(o->probability_bp, 1000);
	assert_int_equal(o->amount, 0);
	assert_int_equal(o->store_id, f->store_a);
	assert_int_equal(o->owner_id, f->sales_a.u.id);
	assert_int_equal(o->nmoves, 1);
	assert_null(o->moves[0].from_stage);
	assert_string_equal(o->moves[0].to_stage, "lead");
	assert_int_equal(o->moves[0].at, T0);

	struct opportunity_input in = {.name = "", .stage = "closed", .amount = -5,
				       .probability_bp = 10001, .expected_close = "2027-13-01",
				       .customer_id = 9999, .owner_id = 9999};
	assert_int_equal(opportunity_create(f->db, f->a, &f->admin.who, &in, T0, &o, &f->e),
			 ERR_INVALID);
	for (const char *const *k = (const char *const[]){"name", "stage", "store_id",
		"customer_id", "owner_id", NULL}; *k; k++)
		assert_non_null(fx_field(&f->e, *k));
	err_init(&f->e);
	in = (struct opportunity_input){.name = "x", .stage = "lost", .amount = -1,
					.probability_bp = -1, .store_id = f->store_a};
	assert_int_equal(opportunity_create(f->db, f->a, &f->admin.who, &in, T0, &o, &f->e),
			 ERR_INVALID);
	assert_non_null(fx_field(&f->e, "lost_reason"));
	err_init(&f->e);
	in = (struct opportunity_input){.name = "x", .amount = 10, .probability_bp = 20000,
					.store_id = f->store_a, .owner_id = f->sales_b.u.id,
					.customer_id = f->cust_b};
	assert_int_equal(opportunity_create(f->db, f->a, &f->sales_a.who, &in, T0, &o, &f->e),
			 ERR_INVALID);
	assert_non_null(fx_field(&f->e, "probability_bp"));
	assert_non_null(fx_field(&f->e, "owner_id"));
	assert_non_null(fx_field(&f->e, "customer_id"));
	err_init(&f->e);
	in = (struct opportunity_input){.name = "x", .amount = -1, .probability_bp = -1,
					.store_id = f->store_b};
	assert_int_equal(opportunity_create(f->db, f->a, &f->sales_a.who, &in, T0, &o, &f->e),
			 ERR_FORBIDDEN);
	assert_int_equal(fx_count(f, SQL_OPPS, 0), 1);
	assert_int_equal(fx_count(f, SQL_MOVES, 0), 1);
}

static void test_moves(void **state)
{
	struct fx *f = fx_get(state);
	struct opportunity *o = mk(f, &f->admin.who, (struct opportunity_input){.name = "gifts",
		.amount = 50000, .store_id = f->store_a, .customer_id = f->cust_a}, T0);
	int64_t id = o->id;

	o = move(f, &f->manager_a.who, id, "proposal", NULL, T0 + DAY);
	assert_int_equal(o->probability_bp, 5000);
	o = move(f, &f->admin.who, id, "lost", "price", T0 + 2 * DAY);
	assert_int_equal(o->closed_at, T0 + 2 * DAY);
	assert_int_equal(o->probability_bp, 0);
	assert_string_equal(o->lost_reason, "price");

	struct opportunity_input in = {.set_stage = 1, .stage = "won"};
	assert_int_equal(opportunity_update(f->db, f->a, &f->admin.who, id, &in, T0, &o, &f->e),
			 ERR_STATE);
	err_init(&f->e);
	o = move(f, &f->admin.who, id, "negotiation", NULL, T0 + 3 * DAY);
	assert_int_equal(o->closed_at, 0);
	assert_null(o->lost_reason);
	assert_int_equal(o->probability_bp, 7500);
	in = (struct opportunity_input){.set_stage = 1, .stage = "lost"};
	assert_int_equal(opportunity_update(f->db, f->a, &f->admin.who, id, &in, T0, &o, &f->e),
			 ERR_INVALID);
	assert_non_null(fx_field(&f->e, "lost_reason"));
	err_init(&f->e);
	in = (struct opportunity_input){.set_probability_bp = 1, .probability_bp = 9000,
					.set_amount = 1, .amount = 60000};
	assert_int_equal(opportunity_update(f->db, f->a, &f->admin.who, id, &in, T0 + 4 * DAY, &o,
					    &f->e), 0);
	assert_int_equal(o->probability_bp, 9000);
	o = move(f, &f->admin.who, id, "won", NULL, T0 + 5 * DAY);

	assert_int_equal(o->nmoves, 5);
	const char *want[][2] = {{NULL, "lead"}, {"lead", "proposal"}, {"proposal", "lost"},
				 {"lost", "negotiation"}, {"negotiation", "won"}};
	for (int i = 0; i < 5; i++) {
		if (want[i][0])
			assert_string_equal(o->moves[i].from_stage, want[i][0]);
		else
			assert_null(o->moves[i].from_stage);
		assert_string_equal(o->moves[i].to_stage, want[i][1]);
		assert_int_equal(o->moves[i].at, T0 + (i == 4 ? 5 : i) * DAY);
	}
	assert_int_equal(o->moves[1].user_id, f->manager_a.u.id);

	/* scoping */
	assert_int_equal(opportunity_get(f->db, f->a, &f->sales_b.who, id, &o, &f->e), ERR_NOT_FOUND);
	err_init(&f->e);
	assert_int_equal(opportunity_visible(f->db, &f->sales_a.who, id, &f->e), 0);
	struct opportunity **rows;
	int n, more;
	struct opportunity_filter fl = {.limit = 10};
	assert_int_equal(opportunity_list(f->db, f->a, &f->sales_b.who, &fl, &rows, &n, &more, &f->e), 0);
	assert_int_equal(n, 0);
	fl.stage = "won";
	fl.customer_id = f->cust_a;
	assert_int_equal(opportunity_list(f->db, f->a, &f->sales_a.who, &fl, &rows, &n, &more, &f->e), 0);
	assert_int_equal(n, 1);
}

static int64_t jint(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	assert_true(json_is_integer(v));
	return json_integer_value(v);
}

static void assert_days(json_t *o, const char *k, double want)
{
	json_t *v = json_object_get(o, k);
	assert_true(json_is_number(v));
	assert_true(fabs(json_number_value(v) - want) < 1e-9);
}

static void test_pipeline(void **state)
{
	struct fx *f = fx_get(state);
	int64_t m = f->manager_a.u.id, s = f->sales_a.u.id;
	struct { int64_t amount, owner, won_after; } deals[] = {
		{1000, 0, DAY}, {2000, 0, 5 * DAY / 2}, {3000, 0, 10 * DAY}, {4000, 1, 3 * DAY}};
	for (int i = 0; i < 4; i++) {
		struct opportunity *o = mk(f, &f->admin.who, (struct opportunity_input){.name = "d",
			.amount = deals[i].amount, .store_id = f->store_a,
			.owner_id = deals[i].owner ? s : m}, T0);
		move(f, &f->admin.who, o->id, "won", NULL, T0 + deals[i].won_after);
	}
	struct opportunity *l = mk(f, &f->admin.who, (struct opportunity_input){.name = "l",
		.amount = 500, .store_id = f->store_a, .owner_id = s}, T0);
	move(f, &f->admin.who, l->id, "lost", "budget", T0 + DAY);
	mk(f, &f->admin.who, (struct opportunity_input){.name = "p", .amount = 10000,
		.stage = "proposal", .store_id = f->store_a, .owner_id = m}, T0 + 20 * DAY);
	/* another store, seen by the admin only */
	mk(f, &f->admin.who, (struct opportunity_input){.name = "b", .amount = 777,
		.store_id = f->store_b}, T0);

	json_t *rep;
	struct pipeline_query q = {.store_id = f->store_a};
	assert_int_equal(pipeline_report(f->db, &f->admin.who, &q, &rep, &f->e), 0);
	json_t *st = json_object_get(rep, "stages");
	assert_int_equal(json_array_size(st), 6);
	json_t *won = json_array_get(st, 4), *lost = json_array_get(st, 5), *prop = json_array_get(st, 2);
	assert_string_equal(json_string_value(json_object_get(won, "stage")), "won");
	assert_int_equal(jint(won, "count"), 4);
	assert_int_equal(jint(won, "amount"), 10000);
	assert_int_equal(jint(won, "weighted_amount"), 10000);
	assert_int_equal(jint(lost, "count"), 1);
	assert_int_equal(jint(lost, "weighted_amount"), 0);
	assert_int_equal(jint(prop, "weighted_amount"), 5000);
	assert_int_equal(jint(json_array_get(st, 0), "count"), 0);

	json_t *t = json_object_get(rep, "totals");
	assert_int_equal(jint(t, "count"), 6);
	assert_int_equal(jint(t, "amount"), 20500);
	assert_int_equal(jint(t, "weighted_amount"), 15000);
	assert_int_equal(jint(t, "open_count"), 1);
	assert_int_equal(jint(t, "open_amount"), 10000);
	assert_int_equal(jint(t, "open_weighted_amount"), 5000);
	assert_int_equal(jint(t, "won"), 4);
	assert_int_equal(jint(t, "won_amount"), 10000);
	assert_int_equal(jint(t, "lost"), 1);
	assert_int_equal(jint(t, "win_rate_bp"), 8000);
	/* cycles 1, 2.5, 3 and 10 days: mean 4.125 -> 4.1, median 2.75 -> 2.8 */
	assert_days(t, "avg_cycle_days", 4.1);
	assert_days(t, "median_cycle_days", 2.8);

	json_t *ow = json_object_get(rep, "owners");
	assert_int_equal(json_array_size(ow), 2);
	json_t *om = json_array_get(ow, 0), *os = json_array_get(ow, 1);
	if (jint(om, "owner_id") != m) {
		json_t *x = om;
		om = os;
		os = x;
	}
	assert_int_equal(jint(om, "count"), 4);
	assert_int_equal(jint(om, "amount"), 16000);
	assert_int_equal(jint(om, "weighted_amount"), 11000);
	assert_int_equal(jint(om, "won"), 3);
	assert_int_equal(jint(om, "won_amount"), 6000);
	assert_int_equal(jint(om, "win_rate_bp"), 10000);
	assert_string_equal(json_string_value(json_object_get(om, "owner_name")), "manager_a");
	assert_int_equal(jint(os, "count"), 2);
	assert_int_equal(jint(os, "amount"), 4500);
	assert_int_equal(jint(os, "weighted_amount"), 4000);
	assert_int_equal(jint(os, "won"), 1);
	assert_int_equal(jint(os, "lost"), 1);
	assert_int_equal(jint(os, "win_rate_bp"), 5000);

	json_t *rows = pipeline_rows(rep);
	assert_int_equal(json_array_size(rows), 6 + 2 + 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 8), "group")), "total");
	json_decref(rows);
	json_decref(rep);

	/* closed in [T0 + 2 days, T0 + 11 days): won after 2.5, 3 and 10 days
	 * (mean 5.1667 -> 5.2, median 3), nothing lost; nothing created then */
	q = (struct pipeline_query){.from = T0 + 2 * DAY, .to = T0 + 11 * DAY};
	assert_int_equal(pipeline_report(f->db, &f->sales_a.who, &q, &rep, &f->e), 0);
	t = json_object_get(rep, "totals");
	assert_int_equal(jint(t, "count"), 0);
	assert_int_equal(jint(t, "won"), 3);
	assert_int_equal(jint(t, "lost"), 0);
	assert_int_equal(jint(t, "win_rate_bp"), 10000);
	assert_days(t, "avg_cycle_days", 5.2);
	assert_days(t, "median_cycle_days", 3);
	json_decref(rep);

	/* a store-bound user of B sees B's only; an owner filter */
	q = (struct pipeline_query){0};
	assert_int_equal(pipeline_report(f->db, &f->sales_b.who, &q, &rep, &f->e), 0);
	t = json_object_get(rep, "totals");
	assert_int_equal(jint(t, "count"), 1);
	assert_int_equal(jint(t, "amount"), 777);
	assert_true(json_is_null(json_object_get(t, "win_rate_bp")));
	assert_true(json_is_null(json_object_get(t, "avg_cycle_days")));
	json_decref(rep);
	q = (struct pipeline_query){.owner_id = s};
	assert_int_equal(pipeline_report(f->db, &f->admin.who, &q, &rep, &f->e), 0);
	t = json_object_get(rep, "totals");
	assert_int_equal(jint(t, "count"), 2);
	assert_int_equal(jint(t, "won"), 1);
	assert_days(t, "median_cycle_days", 3);
	json_decref(rep);
}

#define TESTS(setup)                                                            \
	cmocka_unit_test_setup_teardown(test_rules, setup, fx_teardown),        \
	cmocka_unit_test_setup_teardown(test_create_and_errors, setup, fx_teardown), \
	cmocka_unit_test_setup_teardown(test_moves, setup, fx_teardown),        \
	cmocka_unit_test_setup_teardown(test_pipeline, setup, fx_teardown)

int main(void)
{
	FX_RUN("opportunity", TESTS);
}
