/* test_journey.c: the journey run at chosen times on a temp SQLite file
 * and, with TERSA_TEST_PG_URL, on PostgreSQL — birthdays trigger_days
 * ahead once a year (02-29 on 02-28 of a common year), steps of the same
 * day together and in the customer's language, no consent no message,
 * erased customers leave; winback within its window, once per last
 * purchase, converted by a purchase; welcome for customers created since
 * the journey; a message queued once per dedup key — and the language
 * choice. */
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
#include "loyalty/loyalty_fx.h"
#include "domain/loyalty/coupon.h"
#include "domain/loyalty/outbox.h"
#include "domain/marketing/journey.h"

#define DAY 86400000LL

static int64_t count(struct fx *f, const char *sql)
{
	return one_id(f, sql, "");
}

static int64_t noon(const char *day)
{
	int64_t t;
	assert_int_equal(ts_day_start(day, &t), 0);
	return t + 12 * 3600000LL;
}

static int64_t store_id;

/* A customer born on birth, consents as bits sms 1, email 2, wechat 4. */
static int64_t customer(struct fx *f, const char *name, const char *birth, int consent,
			const char *lang, int64_t created_at)
{
	static int seq;
	char code[16], phone[16], email[32];
	seq++;
	snprintf(code, sizeof code, "M%d", seq);
	snprintf(phone, sizeof phone, "1380000%04d", seq);
	snprintf(email, sizeof email, "c%d@example.com", seq);
	return one_id(f,
		      "INSERT INTO customers (name, phone, email, birthday, birth_md, member_code, "
		      "home_store_id, consent_sms, consent_email, consent_wechat, lang, created_at, "
		      "updated_at) VALUES (?, ?, ?, ?, substr(?, 6), ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		      "ttttttiiiitii", name, phone, email, birth, birth, code, store_id,
		      (int64_t)(consent & 1), (int64_t)((consent >> 1) & 1),
		      (int64_t)((consent >> 2) & 1), lang, created_at, created_at);
}

static int64_t template_id(struct fx *f)
{
	struct coupon_template *t;
	struct coupon_template_input in = {.name = "Gift", .kind = "amount_off", .value = 2000,
					   .valid_days = 30, .set_name = 1, .set_kind = 1,
					   .set_value = 1, .set_valid_days = 1, .stackable = -1,
					   .active = -1};
	assert_int_equal(coupon_template_create(f->db, f->a, &f->who, &in, &t, &f->e), 0);
	return t->id;
}

static void seed(struct fx *f)
{
	store_id = one_id(f, "INSERT INTO stores (code, name, channel, created_at, updated_at) "
			     "VALUES ('S1', 'Xujiahui', 'direct', 1, 1) RETURNING id", "");
}

static struct journey *journey(struct fx *f, const char *kind, int64_t days,
			       struct journey_step *steps, int n)
{
	struct journey *j;
	struct journey_input in = {.kind = kind, .name = "J", .trigger_days = days, .active = 1,
				   .steps = steps, .nsteps = n, .set_trigger_days = 1,
				   .set_steps = 1};
	err_init(&f->e);
	int rc = journey_create(f->db, f->a, &f->who, &in, &j, &f->e);
	if (rc < 0)
		fprintf(stderr, "journey: %s %s\n", f->e.nfields ? f->e.fields[0].field : "", f->e.msg);
	assert_int_equal(rc, 0);
	return j;
}

static struct journey_run_stats run(struct fx *f, int64_t now)
{
	struct journey_run_stats st;
	err_init(&f->e);
	assert_int_equal(journey_run(f->db, now, &st, &f->e), 0);
	return st;
}

static void test_birthday(void **state)
{
	struct fx *f = *state;
	seed(f);
	int64_t tpl = template_id(f);
	struct journey_step steps[] = {
		{.channel = "sms", .template_id = tpl,
		 .msg = {{NULL, "{name}生日快乐 {coupon}"}, {NULL, "Happy birthday {name} {coupon}"}}},
		{.channel = "email", .msg = {{NULL, NULL}, {"For {name}", "{points} points at {store}"}}},
	};
	struct journey *j = journey(f, "birthday", 7, steps, 2);
	int64_t ann = customer(f, "Ann", "1990-03-01", 1 | 2, "en", 1);
	int64_t bob = customer(f, "Bob", "1985-02-25", 0, NULL, 1);
	int64_t cat = customer(f, "Cat", "1970-02-22", 1, NULL, 1);
	int64_t dan = customer(f, "Dan", "1980-03-01", 7, NULL, 1);
	customer(f, "Eve", "1991-03-02", 7, NULL, 1);
	one_id(f, "UPDATE customers SET erased_at = 1 WHERE id = ?", "i", dan);
	for (int i = 0; i < 3; i++) {
		struct journey_run_stats st = run(f, noon("2027-02-22"));
		assert_int_equal(st.enrolled, i == 0 ? 3 : 0); /* Ann, Bob, Cat */
		assert_int_equal(st.steps, i == 0 ? 6 : 0);    /* both steps on the day */
		assert_int_equal(st.coupons, i == 0 ? 3 : 0);
	}
	assert_int_equal(one_id(f, "SELECT COUNT(*) FROM journey_enrollments WHERE journey_id = ? "
				   "AND occurrence = '2027' AND status = 'completed'", "i", j->id), 3);
	/* Ann: sms and email in English; Bob: no consent; Cat: sms only, in Chinese. */
	assert_int_equal(count(f, "SELECT COUNT(*) FROM outbox"), 3);
	assert_int_equal(one_id(f, "SELECT COUNT(*) FROM outbox WHERE customer_id = ?", "i", bob), 0);
	struct db_stmt *q = db_query(f->db, &f->e,
				     "SELECT o.body, c.code, o.lang, o.dedup_key, o.source, o.source_id "
				     "FROM outbox o JOIN coupons c ON c.customer_id = o.customer_id "
				     "WHERE o.customer_id = ? AND o.channel = 'sms'", "i", ann);
	assert_int_equal(db_step(q, &f->e), DB_ROW);
	char want[200];
	snprintf(want, sizeof want, "Happy birthday Ann %s", db_col_text(q, 1));
	assert_string_equal(db_col_text(q, 0), want);
	assert_string_equal(db_col_text(q, 2), "en");
	assert_non_null(strstr(db_col_text(q, 3), "journey:"));
	assert_string_equal(db_col_text(q, 4), "journey");
	assert_int_equal(db_col_int64(q, 5), j->id);
	db_reset(q);
	assert_int_equal(one_id(f, "SELECT COUNT(*) FROM outbox WHERE customer_id = ? AND channel = "
				   "'email' AND subject = 'For Ann' AND body = '0 points at Xujiahui'",
				"i", ann), 1);
	assert_int_equal(one_id(f, "SELECT COUNT(*) FROM outbox WHERE customer_id = ? AND lang = "
				   "'zh-CN' AND body LIKE 'Cat生日快乐 %'", "i", cat), 1);
	/* The next day Eve's birthday comes into the week; next year again
	 * (2028-02-22 + 7 days is 02-29: Ann's 03-01 comes a day later). */
	assert_int_equal(run(f, noon("2027-02-23")).enrolled, 1);
	assert_int_equal(run(f, noon("2028-02-22")).enrolled, 2);
	assert_int_equal(run(f, noon("2028-02-23")).enrolled, 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM coupons"), 7);
}

static void test_leap_day(void **state)
{
	struct fx *f = *state;
	seed(f);
	struct journey_step steps[] = {{.channel = "sms", .msg = {{NULL, "生日快乐"}}}};
	journey(f, "birthday", 0, steps, 1);
	int64_t leap = customer(f, "Leap", "2000-02-29", 1, NULL, 1);
	customer(f, "Feb28", "1999-02-28", 1, NULL, 1);
	/* 2027 has no 02-29: greeted on 02-28 with those born that day. */
	assert_int_equal(run(f, noon("2027-02-28")).enrolled, 2);
	assert_int_equal(run(f, noon("2027-03-01")).enrolled, 0);
	/* 2028 has one. */
	assert_int_equal(run(f, noon("2028-02-28")).enrolled, 1);
	assert_int_equal(run(f, noon("2028-02-29")).enrolled, 1);
	assert_int_equal(one_id(f, "SELECT COUNT(*) FROM journey_enrollments WHERE customer_id = ?",
				"i", leap), 2);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM outbox"), 4);
}

static void test_winback(void **state)
{
	struct fx *f = *state;
	seed(f);
	int64_t now = noon("2027-06-15");
	struct journey_step steps[] = {
		{.channel = "sms", .msg = {{NULL, "好久不见 {name}"}}},
		{.delay_days = 7, .channel = "sms", .msg = {{NULL, "最后提醒"}}},
	};
	struct journey *j = journey(f, "winback", 60, steps, 2);
	int64_t lapsed = customer(f, "Lapsed", NULL, 1, NULL, 1);
	int64_t recent = customer(f, "Recent", NULL, 1, NULL, 1);
	int64_t gone = customer(f, "Gone", NULL, 1, NULL, 1);
	customer(f, "Never", NULL, 1, NULL, 1);
	one_id(f, "UPDATE customers SET last_purchase_at = ? WHERE id = ?", "ii", now - 70 * DAY, lapsed);
	one_id(f, "UPDATE customers SET last_purchase_at = ? WHERE id = ?", "ii", now - 10 * DAY, recent);
	one_id(f, "UPDATE customers SET last_purchase_at = ? WHERE id = ?", "ii", now - 91 * DAY, gone);
	struct journey_run_stats st = run(f, now);
	assert_int_equal(st.enrolled, 1);
	assert_int_equal(st.messages, 1);
	assert_int_equal(one_id(f, "SELECT COUNT(*) FROM journey_enrollments WHERE customer_id = ? "
				   "AND occurrence = '2027-04-06' AND next_step = 2 AND next_at = ?",
				"ii", lapsed, now + 7 * DAY), 1);
	assert_int_equal(run(f, now + DAY).messages, 0);
	/* A purchase ends the pass before its reminder. */
	one_id(f, "UPDATE customers SET last_purchase_at = ? WHERE id = ?", "ii", now + 2 * DAY, lapsed);
	st = run(f, now + 8 * DAY);
	assert_int_equal(st.ended, 1);
	assert_int_equal(st.messages, 0);
	assert_int_equal(one_id(f, "SELECT COUNT(*) FROM journey_enrollments WHERE journey_id = ? "
				   "AND status = 'converted' AND next_at IS NULL", "i", j->id), 1);
	/* Lapsed again 60 days after that purchase: a new pass; Recent too by then. */
	st = run(f, now + 63 * DAY);
	assert_int_equal(st.enrolled, 2);
	assert_int_equal(one_id(f, "SELECT COUNT(*) FROM journey_enrollments WHERE customer_id = ?",
				"i", lapsed), 2);
	assert_int_equal(one_id(f, "SELECT COUNT(*) FROM journey_enrollments WHERE customer_id = ?",
				"i", recent), 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM outbox"), 3);
}

static void test_welcome(void **state)
{
	struct fx *f = *state;
	seed(f);
	customer(f, "Before", NULL, 1, NULL, 1);
	struct journey_step steps[] = {
		{.channel = "wechat", .msg = {{NULL, "欢迎 {name}"}}},
		{.delay_days = 3, .channel = "sms", .msg = {{NULL, "三天了"}}},
	};
	struct journey *j = journey(f, "welcome", 0, steps, 2);
	int64_t t = j->created_at;
	int64_t ann = customer(f, "Ann", NULL, 7, NULL, t + 1000);
	int64_t bob = customer(f, "Bob", NULL, 1, NULL, t + 2000); /* no wechat consent */
	struct journey_run_stats st = run(f, t + 5000);
	assert_int_equal(st.enrolled, 2);
	assert_int_equal(st.messages, 1);
	assert_int_equal(one_id(f, "SELECT COUNT(*) FROM outbox WHERE customer_id = ? AND channel = "
				   "'wechat' AND recipient = (SELECT member_code FROM customers "
				   "WHERE id = ?)", "ii", ann, ann), 1);
	assert_int_equal(one_id(f, "SELECT next_at FROM journey_enrollments WHERE customer_id = ?",
				"i", bob), t + 5000 + 3 * DAY);
	st = run(f, t + 5000 + 3 * DAY);
	assert_int_equal(st.messages, 2);
	assert_int_equal(one_id(f, "SELECT COUNT(*) FROM journey_enrollments WHERE journey_id = ? "
				   "AND status = 'completed'", "i", j->id), 2);
	/* A paused journey enrolls nobody and runs no step. */
	struct journey_input off = {.active = 0};
	struct journey *j2;
	assert_int_equal(journey_update(f->db, f->a, &f->who, j->id, &off, &j2, &f->e), 0);
	customer(f, "Cat", NULL, 7, NULL, t + 6000);
	assert_int_equal(run(f, t + 7000).enrolled, 0);
	/* A deleted journey's enrollments stay: it cannot be deleted. */
	err_init(&f->e);
	assert_int_equal(journey_delete(f->db, &f->who, j->id, &f->e), ERR_STATE);
}

static void test_queue_once(void **state)
{
	struct fx *f = *state;
	seed(f);
	int64_t c = customer(f, "Ann", NULL, 1, NULL, 1), id = 0, first = 0;
	struct outbox_new m = {.customer_id = c, .source_id = 1, .channel = "sms", .recipient = "1",
			       .body = "x", .source = "journey", .lang = "en",
			       .dedup_key = "journey:1:1"};
	for (int i = 0; i < 2; i++) {
		assert_int_equal(db_begin(f->db, 1, &f->e), 0);
		assert_int_equal(outbox_queue_once(f->db, &m, 5, &id, &f->e), i == 0 ? 1 : 0);
		assert_int_equal(db_commit(f->db, &f->e), 0);
		if (i == 0)
			first = id;
		assert_int_equal(id, first); /* the second call names the first row */
	}
	assert_int_equal(count(f, "SELECT COUNT(*) FROM outbox WHERE dedup_key = 'journey:1:1'"), 1);
}

static void test_pick_lang(void **state)
{
	(void)state;
	struct journey_step both = {.msg = {{NULL, "中"}, {NULL, "en"}}};
	struct journey_step zh = {.msg = {{NULL, "中"}, {NULL, NULL}}};
	struct journey_step en = {.msg = {{NULL, NULL}, {NULL, "en"}}};
	struct journey_step none = {0};
	assert_int_equal(journey_pick_lang(&both, "en", "zh-CN"), 1);
	assert_int_equal(journey_pick_lang(&both, NULL, "zh-CN"), 0);
	assert_int_equal(journey_pick_lang(&both, NULL, "en"), 1);
	assert_int_equal(journey_pick_lang(&both, "fr", "en"), 1);
	assert_int_equal(journey_pick_lang(&zh, "en", "en"), 0);
	assert_int_equal(journey_pick_lang(&en, "zh-CN", "zh-CN"), 1);
	assert_int_equal(journey_pick_lang(&none, "en", "zh-CN"), -1);
}

PG_TEST(test_birthday)
PG_TEST(test_leap_day)
PG_TEST(test_winback)
PG_TEST(test_welcome)
PG_TEST(test_queue_once)

#define DBT(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
#define PGT(fn) cmocka_unit_test_setup_teardown(fn##_pg, pgfx_setup, pgfx_teardown)

static int fx_setup(void **state)
{
	return fx_setup_named(state, "journey");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		DBT(test_birthday),  DBT(test_leap_day),  DBT(test_winback),
		DBT(test_welcome),   DBT(test_queue_once), cmocka_unit_test(test_pick_lang),
		PGT(test_birthday),  PGT(test_leap_day),  PGT(test_winback),
		PGT(test_welcome),   PGT(test_queue_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
