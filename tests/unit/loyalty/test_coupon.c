/* test_coupon.c: coupon codes, expiry by company day, issuing with the
 * per-customer limit, the sale's coupon plan (amount, percent with a cap,
 * minimum spend, categories, promotions, gifts, several coupons), single
 * use, the void's give-back and the expiry job, on a temp SQLite file and,
 * with TERSA_TEST_PG_URL, on PostgreSQL. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "dbfx.h"
#include "loyalty_fx.h"
#include "domain/loyalty/coupon.h"
#include "domain/loyalty/coupon_sale.h"

static int64_t customer(struct fx *f, const char *code)
{
	return one_id(f, "INSERT INTO customers (name, member_code, created_at, updated_at) "
			 "VALUES ('Ann', ?, 1, 1) RETURNING id", "t", code);
}

static int64_t category(struct fx *f, const char *name, int64_t parent)
{
	return one_id(f, "INSERT INTO categories (name, parent_id, created_at, updated_at) "
			 "VALUES (?, NULLIF(?, 0), 1, 1) RETURNING id", "ti", name, parent);
}

static struct coupon_template *tpl(struct fx *f, struct coupon_template_input in)
{
	struct coupon_template *t;
	if (!in.name)
		in.name = "Test";
	in.set_name = in.set_kind = in.set_value = 1;
	if (!in.kind)
		in.kind = "amount_off";
	if (!in.valid_to) {
		in.set_valid_days = 1;
		if (!in.valid_days)
			in.valid_days = 30;
	}
	if (in.stackable == 0)
		in.stackable = 1;
	else if (in.stackable == 2)
		in.stackable = 0;
	in.active = in.active ? 0 : -1;
	err_init(&f->e);
	int rc = coupon_template_create(f->db, f->a, &f->who, &in, &t, &f->e);
	if (rc < 0)
		fprintf(stderr, "template: %s %s %s\n", f->e.msg, f->e.nfields ? f->e.fields[0].field : "",
			f->e.nfields ? f->e.fields[0].message : "");
	assert_int_equal(rc, 0);
	return t;
}

/* One unnamed coupon of t: its code (in the arena). */
static const char *unnamed(struct fx *f, const struct coupon_template *t)
{
	json_t *b;
	err_init(&f->e);
	assert_int_equal(coupon_batch_create(f->db, f->a, &f->who, t->id, 1, &b, &f->e), 0);
	const char *code = arena_strdup(f->a, json_string_value(json_array_get(json_object_get(b, "codes"), 0)));
	json_decref(b);
	return code;
}

static void test_codes(void **state)
{
	(void)state;
	char seen[200][COUPON_CODE_LEN + 1], n[COUPON_CODE_LEN + 1];
	for (int i = 0; i < 200; i++) {
		coupon_code_new(seen[i]);
		assert_int_equal(strlen(seen[i]), COUPON_CODE_LEN);
		for (int k = 0; k < COUPON_CODE_LEN; k++) {
			char c = seen[i][k];
			if (k == 5 || k == 11)
				assert_int_equal(c, '-');
			else
				assert_null(strchr("01OIL-", c));
		}
		for (int j = 0; j < i; j++)
			assert_string_not_equal(seen[i], seen[j]);
	}
	assert_int_equal(coupon_code_normalize("abcde fghjk-mnpqr", n), 0);
	assert_string_equal(n, "ABCDE-FGHJK-MNPQR");
	assert_int_equal(coupon_code_normalize("ABCDEFGHJKMNPQR", n), 0);
	assert_string_equal(n, "ABCDE-FGHJK-MNPQR");
	assert_int_equal(coupon_code_normalize("ABCDE-FGHJK-MNPQ0", n), -1); /* zero */
	assert_int_equal(coupon_code_normalize("ABCDE-FGHJK-MNPQO", n), -1); /* letter O */
	assert_int_equal(coupon_code_normalize("ABCDE-FGHJK-MNPQ", n), -1);
	assert_int_equal(coupon_code_normalize("ABCDE-FGHJK-MNPQRS", n), -1);
	assert_int_equal(coupon_code_normalize("", n), -1);
	assert_int_equal(coupon_code_normalize(NULL, n), -1);
}

static void test_expiry(void **state)
{
	struct fx *f = *state;
	int64_t noon, at, midnight;
	assert_int_equal(ts_day_start("2027-03-10", &noon), 0);
	noon += 12 * 3600000LL;
	struct coupon_template t = {.valid_days = 1};
	assert_int_equal(coupon_expiry(&t, noon, &at, &f->e), 0);
	assert_int_equal(ts_day_start("2027-03-11", &midnight), 0);
	assert_int_equal(at, midnight);
	t.valid_days = 30;
	assert_int_equal(coupon_expiry(&t, noon, &at, &f->e), 0);
	assert_int_equal(ts_day_start("2027-04-09", &midnight), 0);
	assert_int_equal(at, midnight);
	/* valid_to earlier than the days: the earlier wins. */
	t.valid_to = "2027-03-20";
	assert_int_equal(coupon_expiry(&t, noon, &at, &f->e), 0);
	assert_int_equal(ts_day_start("2027-03-21", &midnight), 0);
	assert_int_equal(at, midnight);
	t.valid_days = 0;
	t.valid_to = "2027-03-09";
	assert_int_equal(coupon_expiry(&t, noon, &at, &f->e), ERR_INVALID);
	assert_non_null(field_msg(&f->e, "template_id"));
}

static void test_issue_limit(void **state)
{
	struct fx *f = *state;
	struct coupon_template *t = tpl(f, (struct coupon_template_input){
		.value = 500, .per_customer_limit = 2, .set_per_customer_limit = 1});
	int64_t ann = customer(f, "M1"), bob = customer(f, "M2");
	struct coupon *c1, *c2, *c3;
	assert_int_equal(coupon_issue(f->db, f->a, &f->who, t->id, ann, "welcome", &c1, &f->e), 0);
	assert_int_equal(coupon_issue(f->db, f->a, &f->who, t->id, ann, NULL, &c2, &f->e), 0);
	assert_string_not_equal(c1->code, c2->code);
	assert_int_equal(coupon_issue(f->db, f->a, &f->who, t->id, ann, NULL, &c3, &f->e), ERR_CONFLICT);
	err_init(&f->e);
	assert_int_equal(coupon_issue(f->db, f->a, &f->who, t->id, bob, NULL, &c3, &f->e), 0);
	/* A cancelled one does not count. */
	assert_int_equal(coupon_cancel(f->db, f->a, &f->who, c1->id, &c3, &f->e), 0);
	assert_string_equal(c3->status, "cancelled");
	assert_int_equal(coupon_cancel(f->db, f->a, &f->who, c1->id, &c3, &f->e), ERR_STATE);
	err_init(&f->e);
	assert_int_equal(coupon_issue(f->db, f->a, &f->who, t->id, ann, NULL, &c3, &f->e), 0);
	/* Unknown template and customer: both fields. */
	err_init(&f->e);
	assert_int_equal(coupon_issue(f->db, f->a, &f->who, 999, 999, NULL, &c3, &f->e), ERR_INVALID);
	assert_non_null(field_msg(&f->e, "template_id"));
	assert_non_null(field_msg(&f->e, "customer_id"));
	/* An erased customer is not there. */
	one_id(f, "UPDATE customers SET erased_at = 5 WHERE id = ?", "i", bob);
	err_init(&f->e);
	assert_int_equal(coupon_issue(f->db, f->a, &f->who, t->id, bob, NULL, &c3, &f->e), ERR_INVALID);
	assert_non_null(field_msg(&f->e, "customer_id"));
	assert_int_equal(audit_count(f, "coupon"), 5);
}

/* Plans codes over lines at now; returns the plan or NULL (f->e set). */
static struct coupon_sale *plan(struct fx *f, const char **codes, int n, int64_t store,
				int64_t cust, struct coupon_sale_line *lines, int nlines)
{
	struct coupon_sale *cs;
	err_init(&f->e);
	int rc = coupon_sale_plan(f->db, f->a, codes, n, store, cust, ts_now_ms(), lines, nlines,
				  &cs, &f->e);
	return rc == 0 ? cs : NULL;
}

static void test_sale_plan(void **state)
{
	struct fx *f = *state;
	int64_t food = category(f, "Food", 0), dairy = category(f, "Dairy", food);
	int64_t store = one_id(f, "INSERT INTO stores (code, name, channel, created_at, updated_at) "
				  "VALUES ('S1', 'S', 'direct', 1, 1) RETURNING id", "");
	int64_t gift = one_id(f, "INSERT INTO products (sku, name, unit, price, vat_rate, created_at, "
				 "updated_at) VALUES ('G', 'Gift', 'pcs', 900, 1300, 1, 1) RETURNING id", "");
	struct coupon_template *amount = tpl(f, (struct coupon_template_input){.value = 600});
	struct coupon_template *pct = tpl(f, (struct coupon_template_input){
		.kind = "percent_off", .value = 2000, .max_discount = 700, .set_max_discount = 1});
	int64_t cats[] = {food};
	struct coupon_template *dairyonly = tpl(f, (struct coupon_template_input){
		.value = 5000, .min_spend = 1500, .set_min_spend = 1, .category_ids = cats,
		.ncategory_ids = 1, .set_category_ids = 1});
	struct coupon_template *solo = tpl(f, (struct coupon_template_input){.value = 5000, .stackable = 2});
	struct coupon_template *g = tpl(f, (struct coupon_template_input){.kind = "gift", .value = gift});

	/* Milk (dairy, 1000), bread (no category, 2000, promoted). */
	struct coupon_sale_line base[] = {{.category_id = dairy, .value = 1000},
					  {.category_id = 0, .value = 2000, .promoted = 1}};
	struct coupon_sale_line l[2];

	memcpy(l, base, sizeof l);
	const char *c1[] = {unnamed(f, amount)};
	struct coupon_sale *cs = plan(f, c1, 1, store, 0, l, 2);
	assert_non_null(cs);
	assert_int_equal(cs->n, 1);
	assert_int_equal(cs->uses[0].discount, 600);
	assert_int_equal(cs->uses[0].parts[0], 200);
	assert_int_equal(cs->uses[0].parts[1], 400);
	assert_int_equal(l[0].value, 800);

	/* Percent then amount: each on what is left; the cap. */
	memcpy(l, base, sizeof l);
	const char *c2[] = {unnamed(f, pct), unnamed(f, amount)};
	cs = plan(f, c2, 2, store, 0, l, 2);
	assert_non_null(cs);
	assert_int_equal(cs->uses[0].discount, 600); /* 20% of 3000 */
	assert_int_equal(cs->uses[1].discount, 600);
	memcpy(l, base, sizeof l);
	l[0].value = 10000;
	const char *c3[] = {c2[0]};
	cs = plan(f, c3, 1, store, 0, l, 2);
	assert_int_equal(cs->uses[0].discount, 700); /* capped */

	/* Categories with subcategories, minimum spend on them. */
	memcpy(l, base, sizeof l);
	const char *c4[] = {unnamed(f, dairyonly)};
	assert_null(plan(f, c4, 1, store, 0, l, 2));
	assert_non_null(strstr(field_msg(&f->e, "coupon_codes[0]"), "needs a spend of 1500"));
	memcpy(l, base, sizeof l);
	l[0].value = 1600;
	cs = plan(f, c4, 1, store, 0, l, 2);
	assert_non_null(cs);
	assert_int_equal(cs->uses[0].discount, 1600);
	assert_int_equal(cs->uses[0].parts[1], 0);

	/* Not stackable: promoted lines are left alone. */
	memcpy(l, base, sizeof l);
	const char *c5[] = {unnamed(f, solo)};
	cs = plan(f, c5, 1, store, 0, l, 2);
	assert_int_equal(cs->uses[0].discount, 1000);
	assert_int_equal(cs->uses[0].parts[1], 0);
	memcpy(l, base, sizeof l);
	l[0].is_gift = 1;
	assert_null(plan(f, c5, 1, store, 0, l, 2));
	assert_non_null(strstr(field_msg(&f->e, "coupon_codes[0]"), "applies to no line"));

	/* A gift. */
	memcpy(l, base, sizeof l);
	const char *c6[] = {unnamed(f, g)};
	cs = plan(f, c6, 1, store, 0, l, 2);
	assert_int_equal(cs->uses[0].gift_product_id, gift);
	assert_null(cs->uses[0].parts);
	one_id(f, "UPDATE products SET active = 0 WHERE id = ?", "i", gift);
	memcpy(l, base, sizeof l);
	assert_null(plan(f, c6, 1, store, 0, l, 2));
	assert_non_null(strstr(field_msg(&f->e, "coupon_codes[0]"), "no longer sold"));
	one_id(f, "UPDATE products SET active = 1 WHERE id = ?", "i", gift);

	/* Refusals, every one named: unknown, twice, expired, other customer. */
	const char *e1 = unnamed(f, amount), *e2 = unnamed(f, pct);
	one_id(f, "UPDATE coupons SET expires_at = 5 WHERE code = ?", "t", e2);
	int64_t ann = customer(f, "M9");
	struct coupon *named;
	assert_int_equal(coupon_issue(f->db, f->a, &f->who, solo->id, ann, NULL, &named, &f->e), 0);
	const char *bad[] = {"AAAAA-AAAAA-AAAAA", e1, e1, e2, named->code};
	memcpy(l, base, sizeof l);
	assert_null(plan(f, bad, 5, store, 0, l, 2));
	assert_int_equal(f->e.code, ERR_INVALID);
	assert_non_null(strstr(field_msg(&f->e, "coupon_codes[0]"), "no coupon"));
	assert_null(field_msg(&f->e, "coupon_codes[1]"));
	assert_non_null(strstr(field_msg(&f->e, "coupon_codes[2]"), "twice"));
	assert_non_null(strstr(field_msg(&f->e, "coupon_codes[3]"), "expired"));
	assert_non_null(strstr(field_msg(&f->e, "coupon_codes[4]"), "add the customer"));
	const char *mine[] = {named->code};
	memcpy(l, base, sizeof l);
	assert_null(plan(f, mine, 1, store, ann + 1, l, 2));
	assert_non_null(strstr(field_msg(&f->e, "coupon_codes[0]"), "another customer"));
	memcpy(l, base, sizeof l);
	assert_non_null(plan(f, mine, 1, store, ann, l, 2));
	const char *six[] = {e1, e1, e1, e1, e1, e1};
	assert_null(plan(f, six, 6, store, 0, l, 2));
	assert_non_null(field_msg(&f->e, "coupon_codes"));
}

static void test_redeem_once_and_give_back(void **state)
{
	struct fx *f = *state;
	struct coupon_template *t = tpl(f, (struct coupon_template_input){.value = 100});
	const char *codes[] = {unnamed(f, t)};
	struct coupon_sale_line l[] = {{.value = 1000}};
	struct coupon_sale *a = plan(f, codes, 1, 1, 0, l, 1);
	l[0].value = 1000;
	struct coupon_sale *b = plan(f, codes, 1, 1, 0, l, 1);
	assert_non_null(a);
	assert_non_null(b);
	/* Both planned; only the first redeem wins. */
	assert_int_equal(db_begin(f->db, 1, &f->e), 0);
	assert_int_equal(coupon_sale_redeem(f->db, a, 41, 1, ts_now_ms(), &f->e), 0);
	assert_int_equal(db_commit(f->db, &f->e), 0);
	assert_int_equal(db_begin(f->db, 1, &f->e), 0);
	assert_int_equal(coupon_sale_redeem(f->db, b, 42, 1, ts_now_ms(), &f->e), ERR_CONFLICT);
	assert_non_null(strstr(f->e.msg, "used meanwhile"));
	db_rollback(f->db);
	struct coupon *c;
	assert_int_equal(coupon_get_by_code(f->db, f->a, codes[0], &c, &f->e), 0);
	assert_string_equal(c->status, "redeemed");
	assert_int_equal(c->sale_id, 41);
	assert_int_equal(c->discount, 100);
	/* The void of sale 41 gives it back. */
	assert_int_equal(db_begin(f->db, 1, &f->e), 0);
	assert_int_equal(coupon_sale_give_back(f->db, 41, &f->e), 0);
	assert_int_equal(db_commit(f->db, &f->e), 0);
	assert_int_equal(coupon_get(f->db, f->a, c->id, &c, &f->e), 0);
	assert_string_equal(c->status, "issued");
	assert_int_equal(c->sale_id, 0);
	/* check-db's view: consistent now; a coupon redeemed by no sale is not. */
	int64_t bad = -1;
	assert_int_equal(coupon_check(f->db, &bad, &f->e), 0);
	assert_int_equal(bad, 0);
	one_id(f, "UPDATE coupons SET sale_id = 99 WHERE id = ?", "i", c->id);
	assert_int_equal(coupon_check(f->db, &bad, &f->e), 0);
	assert_int_equal(bad, 1);
	one_id(f, "UPDATE coupons SET sale_id = NULL WHERE id = ?", "i", c->id);
	assert_int_equal(db_begin(f->db, 1, &f->e), 0);
	assert_int_equal(coupon_sale_redeem(f->db, b, 42, 1, ts_now_ms(), &f->e), 0);
	assert_int_equal(db_commit(f->db, &f->e), 0);
	/* Expired at the sale's time: refused by the redeem too. */
	const char *late[] = {unnamed(f, t)};
	l[0].value = 1000;
	struct coupon_sale *x = plan(f, late, 1, 1, 0, l, 1);
	one_id(f, "UPDATE coupons SET expires_at = ? WHERE code = ?", "it", x->at, late[0]);
	assert_int_equal(db_begin(f->db, 1, &f->e), 0);
	assert_int_equal(coupon_sale_redeem(f->db, x, 43, 1, ts_now_ms(), &f->e), ERR_CONFLICT);
	db_rollback(f->db);
}

static void test_expire_due(void **state)
{
	struct fx *f = *state;
	struct coupon_template *t = tpl(f, (struct coupon_template_input){.value = 100});
	json_t *b;
	assert_int_equal(coupon_batch_create(f->db, f->a, &f->who, t->id, 25, &b, &f->e), 0);
	json_decref(b);
	one_id(f, "UPDATE coupons SET expires_at = 10 WHERE id <= 20", "");
	one_id(f, "UPDATE coupons SET status = 'redeemed' WHERE id <= 3", "");
	int64_t n;
	assert_int_equal(coupon_expire_due(f->db, ts_now_ms(), 4, &n, &f->e), 0);
	assert_int_equal(n, 17);
	assert_int_equal(one_id(f, "SELECT COUNT(*) FROM coupons WHERE status = 'expired'", ""), 17);
	assert_int_equal(coupon_expire_due(f->db, ts_now_ms(), 4, &n, &f->e), 0);
	assert_int_equal(n, 0);
	/* The list shows issued coupons past their expiry as expired. */
	struct coupon_filter cf = {.status = "expired", .now = ts_now_ms(), .limit = 100};
	struct coupon *list;
	int cnt, more;
	assert_int_equal(coupon_list(f->db, f->a, &cf, &list, &cnt, &more, &f->e), 0);
	assert_int_equal(cnt, 17);
	cf.status = "issued";
	assert_int_equal(coupon_list(f->db, f->a, &cf, &list, &cnt, &more, &f->e), 0);
	assert_int_equal(cnt, 5);
}

static void test_template_checks(void **state)
{
	struct fx *f = *state;
	struct coupon_template *t;
	struct coupon_template_input in = {.name = "x", .kind = "percent_off", .value = 0,
					   .set_name = 1, .set_kind = 1, .set_value = 1,
					   .max_discount = -1, .set_max_discount = 1,
					   .valid_days = 5, .set_valid_days = 1, .valid_to = "2030-01-01",
					   .set_valid_to = 1, .valid_from = "2031-01-01", .set_valid_from = 1,
					   .stackable = -1, .active = -1};
	assert_int_equal(coupon_template_create(f->db, f->a, &f->who, &in, &t, &f->e), ERR_INVALID);
	assert_non_null(field_msg(&f->e, "value"));
	assert_non_null(field_msg(&f->e, "max_discount"));
	assert_non_null(field_msg(&f->e, "valid_days"));
	assert_non_null(field_msg(&f->e, "valid_to"));
	assert_int_equal(audit_count(f, "coupon_template"), 0);
	err_init(&f->e);
	struct coupon_template_input up = {.stackable = -1, .active = -1};
	assert_int_equal(coupon_template_update(f->db, f->a, &f->who, 77, &up, &t, &f->e), ERR_NOT_FOUND);
}

PG_TEST(test_expiry)
PG_TEST(test_issue_limit)
PG_TEST(test_sale_plan)
PG_TEST(test_redeem_once_and_give_back)
PG_TEST(test_expire_due)
PG_TEST(test_template_checks)

#define DBT(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
#define PGT(fn) cmocka_unit_test_setup_teardown(fn##_pg, pgfx_setup, pgfx_teardown)

static int fx_setup(void **state)
{
	return fx_setup_named(state, "coupon");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codes),
		DBT(test_expiry),
		DBT(test_issue_limit),
		DBT(test_sale_plan),
		DBT(test_redeem_once_and_give_back),
		DBT(test_expire_due),
		DBT(test_template_checks),
		PGT(test_expiry),
		PGT(test_issue_limit),
		PGT(test_sale_plan),
		PGT(test_redeem_once_and_give_back),
		PGT(test_expire_due),
		PGT(test_template_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
