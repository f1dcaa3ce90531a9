/* test_care.c: birthday and holiday care on a temp SQLite file and, with
 * TERSA_TEST_PG_URL, on PostgreSQL: the run at chosen dates issues one
 * coupon and one message per consented channel per customer, rule and year
 * however often it runs; no consent, no message; erased customers skipped;
 * 02-29 birthdays on 02-28 of common years; the per-customer limit; the
 * rules' checks; the greeting's variables. */
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
#include "domain/loyalty/care.h"
#include "domain/loyalty/coupon.h"

static int64_t count(struct fx *f, const char *sql)
{
	return one_id(f, sql, "");
}

static int64_t store_id;

/* A customer born on birth ('YYYY-MM-DD'), consents as bits sms 1, email 2,
 * wechat 4. */
static int64_t customer(struct fx *f, const char *name, const char *birth, int consent,
			const char *phone, const char *email)
{
	static int seq;
	char code[16];
	snprintf(code, sizeof code, "M%d", ++seq);
	return one_id(f,
		      "INSERT INTO customers (name, phone, email, birthday, birth_md, member_code, "
		      "home_store_id, consent_sms, consent_email, consent_wechat, created_at, updated_at) "
		      "VALUES (?, ?, ?, ?, substr(?, 6), ?, ?, ?, ?, ?, 1, 1) RETURNING id",
		      "ttttttiiii", name, phone, email, birth, birth, code, store_id,
		      (int64_t)(consent & 1), (int64_t)((consent >> 1) & 1),
		      (int64_t)((consent >> 2) & 1));
}

/* Noon of day in the company zone. */
static int64_t noon(const char *day)
{
	int64_t t;
	assert_int_equal(ts_day_start(day, &t), 0);
	return t + 12 * 3600000LL;
}

static struct care_rule *rule(struct fx *f, struct care_rule_input in)
{
	struct care_rule *r;
	in.set_kind = in.set_name = in.set_message = 1;
	if (!in.name)
		in.name = "Birthday";
	if (!in.message)
		in.message = "Happy birthday {name}! Your gift: {coupon}. See you at {store}.";
	if (in.active == 0)
		in.active = -1;
	err_init(&f->e);
	int rc = care_rule_create(f->db, f->a, &f->who, &in, &r, &f->e);
	if (rc < 0)
		fprintf(stderr, "rule: %s %s\n", f->e.nfields ? f->e.fields[0].field : "", f->e.msg);
	assert_int_equal(rc, 0);
	return r;
}

static int64_t template_id(struct fx *f, int64_t limit)
{
	struct coupon_template *t;
	struct coupon_template_input in = {.name = "Birthday gift", .kind = "amount_off",
					   .value = 2000, .valid_days = 30, .per_customer_limit = limit,
					   .set_name = 1, .set_kind = 1, .set_value = 1,
					   .set_valid_days = 1, .set_per_customer_limit = 1,
					   .stackable = -1, .active = -1};
	assert_int_equal(coupon_template_create(f->db, f->a, &f->who, &in, &t, &f->e), 0);
	return t->id;
}

static void seed_store(struct fx *f)
{
	store_id = one_id(f, "INSERT INTO stores (code, name, channel, created_at, updated_at) "
			     "VALUES ('S1', 'Xujiahui', 'direct', 1, 1) RETURNING id", "");
}

static void test_birthday_once(void **state)
{
	struct fx *f = *state;
	seed_store(f);
	int64_t tpl = template_id(f, 0);
	rule(f, (struct care_rule_input){.kind = "birthday", .days_before = 7, .set_days_before = 1,
					 .template_id = tpl, .set_template_id = 1,
					 .channels = CARE_SMS | CARE_EMAIL | CARE_WECHAT,
					 .set_channels = 1});
	int64_t ann = customer(f, "Ann", "1990-03-01", 1 | 2, "13800001111", "ann@example.com");
	int64_t bob = customer(f, "Bob", "1985-03-01", 0, "13800002222", "bob@example.com");
	int64_t cat = customer(f, "Cat", "1970-03-01", 7, "13800003333", NULL);
	int64_t dan = customer(f, "Dan", "1980-03-01", 7, "13800004444", "dan@example.com");
	customer(f, "Eve", "1991-03-02", 7, "13800005555", "eve@example.com");
	one_id(f, "UPDATE customers SET erased_at = 1 WHERE id = ?", "i", dan);
	struct care_stats st;
	for (int run = 0; run < 3; run++) {
		assert_int_equal(care_run(f->db, noon("2027-02-22"), &st, &f->e), 0);
		assert_int_equal(st.customers, run == 0 ? 3 : 0);
	}
	/* Ann, Bob and Cat have one coupon each; Dan (erased) and Eve (02-03) none. */
	assert_int_equal(count(f, "SELECT COUNT(*) FROM coupons"), 3);
	assert_int_equal(one_id(f, "SELECT COUNT(*) FROM coupons WHERE customer_id = ?", "i", ann), 1);
	assert_int_equal(one_id(f, "SELECT COUNT(*) FROM coupons WHERE customer_id = ?", "i", bob), 1);
	/* Ann: sms and email (no wechat consent); Bob: no consent, no message; Cat:
	 * sms and wechat (no email address). */
	assert_int_equal(count(f, "SELECT COUNT(*) FROM outbox"), 4);
	assert_int_equal(one_id(f, "SELECT COUNT(*) FROM outbox WHERE customer_id = ?", "i", bob), 0);
	assert_int_equal(one_id(f, "SELECT COUNT(*) FROM outbox WHERE customer_id = ? AND channel = 'sms' "
				   "AND recipient = '13800001111' AND status = 'queued'", "i", ann), 1);
	assert_int_equal(one_id(f, "SELECT COUNT(*) FROM outbox WHERE customer_id = ? AND channel = 'email' "
				   "AND recipient = 'ann@example.com' AND subject = 'Birthday'", "i", ann), 1);
	assert_int_equal(one_id(f, "SELECT COUNT(*) FROM outbox WHERE customer_id = ? AND channel = 'wechat'",
				"i", cat), 1);
	/* The greeting names the customer, the code and the store. */
	struct db_stmt *q = db_query(f->db, &f->e,
				     "SELECT o.body, c.code FROM outbox o JOIN coupons c ON c.customer_id = o.customer_id "
				     "WHERE o.customer_id = ? AND o.channel = 'sms'", "i", ann);
	assert_int_equal(db_step(q, &f->e), DB_ROW);
	char want[200];
	snprintf(want, sizeof want, "Happy birthday Ann! Your gift: %s. See you at Xujiahui.", db_col_text(q, 1));
	assert_string_equal(db_col_text(q, 0), want);
	db_reset(q);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM care_sent WHERE year = 2027 AND coupon_id IS NOT NULL"), 3);
	/* The coupon runs 30 days from the day of issue. */
	int64_t exp;
	assert_int_equal(ts_day_start("2027-03-24", &exp), 0);
	assert_int_equal(one_id(f, "SELECT expires_at FROM coupons WHERE customer_id = ?", "i", ann), exp);
	/* Another day: not their birthday week. */
	assert_int_equal(care_run(f->db, noon("2027-02-23"), &st, &f->e), 0);
	assert_int_equal(st.customers, 1); /* Eve */
	/* Next year again. */
	assert_int_equal(care_run(f->db, noon("2028-02-23"), &st, &f->e), 0);
	assert_int_equal(st.customers, 3);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM coupons"), 7);
}

static void test_leap_day(void **state)
{
	struct fx *f = *state;
	seed_store(f);
	rule(f, (struct care_rule_input){.kind = "birthday", .channels = CARE_SMS, .set_channels = 1});
	int64_t leap = customer(f, "Leap", "2000-02-29", 1, "13900000000", NULL);
	customer(f, "Feb28", "1999-02-28", 1, "13900000001", NULL);
	struct care_stats st;
	/* 2027 has no 02-29: celebrated on 02-28 with those born that day. */
	assert_int_equal(care_run(f->db, noon("2027-02-28"), &st, &f->e), 0);
	assert_int_equal(st.customers, 2);
	assert_int_equal(care_run(f->db, noon("2027-03-01"), &st, &f->e), 0);
	assert_int_equal(st.customers, 0);
	/* 2028 has one: 02-28 is only for those born on 02-28. */
	assert_int_equal(care_run(f->db, noon("2028-02-28"), &st, &f->e), 0);
	assert_int_equal(st.customers, 1);
	assert_int_equal(care_run(f->db, noon("2028-02-29"), &st, &f->e), 0);
	assert_int_equal(st.customers, 1);
	assert_int_equal(one_id(f, "SELECT COUNT(*) FROM care_sent WHERE customer_id = ?", "i", leap), 2);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM outbox"), 4);
}

static void test_holiday_and_limit(void **state)
{
	struct fx *f = *state;
	seed_store(f);
	int64_t tpl = template_id(f, 1);
	struct care_rule *r = rule(f, (struct care_rule_input){
		.kind = "holiday", .name = "Spring festival", .month_day = "02-10", .set_month_day = 1,
		.days_before = 3, .set_days_before = 1, .template_id = tpl, .set_template_id = 1,
		.channels = CARE_SMS, .set_channels = 1, .message = "{name}: {coupon}"});
	assert_string_equal(r->month_day, "02-10");
	int64_t ann = customer(f, "Ann", "1990-06-01", 1, "13800001111", NULL);
	customer(f, "Bob", NULL, 1, "13800002222", NULL);
	customer(f, "Cat", "1990-06-03", 0, NULL, NULL);
	struct care_stats st;
	assert_int_equal(care_run(f->db, noon("2027-02-06"), &st, &f->e), 0);
	assert_int_equal(st.customers, 0);
	assert_int_equal(care_run(f->db, noon("2027-02-07"), &st, &f->e), 0);
	assert_int_equal(st.customers, 3);
	assert_int_equal(st.coupons, 3);
	assert_int_equal(st.messages, 2);
	assert_int_equal(care_run(f->db, noon("2027-02-07"), &st, &f->e), 0);
	assert_int_equal(st.customers, 0);
	/* A year on the limit of one coupon per customer holds: greeted, no coupon. */
	assert_int_equal(care_run(f->db, noon("2028-02-07"), &st, &f->e), 0);
	assert_int_equal(st.customers, 3);
	assert_int_equal(st.coupons, 0);
	assert_int_equal(st.messages, 2);
	assert_int_equal(one_id(f, "SELECT COUNT(*) FROM coupons WHERE customer_id = ?", "i", ann), 1);
	assert_int_equal(one_id(f, "SELECT COUNT(*) FROM outbox WHERE customer_id = ? AND body = 'Ann: '", "i", ann), 1);
	/* An inactive rule does nothing. */
	struct care_rule_input off = {.active = 0};
	struct care_rule *r2;
	assert_int_equal(care_rule_update(f->db, f->a, &f->who, r->id, &off, &r2, &f->e), 0);
	assert_false(r2->active);
	assert_int_equal(care_run(f->db, noon("2029-02-07"), &st, &f->e), 0);
	assert_int_equal(st.customers, 0);
}

static void test_rule_checks(void **state)
{
	struct fx *f = *state;
	struct care_rule *r;
	struct care_rule_input in = {.kind = "holiday", .set_kind = 1, .name = " ", .set_name = 1,
				     .message = NULL, .set_message = 1, .days_before = 91,
				     .set_days_before = 1, .template_id = 99, .set_template_id = 1,
				     .active = -1};
	assert_int_equal(care_rule_create(f->db, f->a, &f->who, &in, &r, &f->e), ERR_INVALID);
	assert_non_null(field_msg(&f->e, "name"));
	assert_non_null(field_msg(&f->e, "message"));
	assert_non_null(field_msg(&f->e, "month_day"));
	assert_non_null(field_msg(&f->e, "days_before"));
	assert_non_null(field_msg(&f->e, "template_id"));
	err_init(&f->e);
	in = (struct care_rule_input){.kind = "holiday", .set_kind = 1, .name = "x", .set_name = 1,
				      .message = "y", .set_message = 1, .month_day = "02-30",
				      .set_month_day = 1, .active = -1};
	assert_int_equal(care_rule_create(f->db, f->a, &f->who, &in, &r, &f->e), ERR_INVALID);
	assert_non_null(field_msg(&f->e, "month_day"));
	err_init(&f->e);
	in.kind = "birthday";
	in.month_day = "02-28";
	assert_int_equal(care_rule_create(f->db, f->a, &f->who, &in, &r, &f->e), ERR_INVALID);
	assert_non_null(field_msg(&f->e, "month_day"));
	err_init(&f->e);
	in.kind = "wedding";
	in.set_month_day = 0;
	in.month_day = NULL;
	assert_int_equal(care_rule_create(f->db, f->a, &f->who, &in, &r, &f->e), ERR_INVALID);
	assert_non_null(field_msg(&f->e, "kind"));
	assert_int_equal(audit_count(f, "care_rule"), 0);
	assert_string_equal(care_render(f->a, "{name}{coupon}{store}{other}{points}", "A", NULL, "S",
					"7"),
			    "AS{other}7");
	assert_string_equal(care_render(f->a, "", "A", "B", "C", "D"), "");
}

PG_TEST(test_birthday_once)
PG_TEST(test_leap_day)
PG_TEST(test_holiday_and_limit)
PG_TEST(test_rule_checks)

#define DBT(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
#define PGT(fn) cmocka_unit_test_setup_teardown(fn##_pg, pgfx_setup, pgfx_teardown)

static int fx_setup(void **state)
{
	return fx_setup_named(state, "care");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		DBT(test_birthday_once),
		DBT(test_leap_day),
		DBT(test_holiday_and_limit),
		DBT(test_rule_checks),
		PGT(test_birthday_once),
		PGT(test_leap_day),
		PGT(test_holiday_and_limit),
		PGT(test_rule_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
