/* test_customer.c: customer profiles on a real database: the RFM job
 * against SQL's NTILE(5), store scoping through customer_link_store, and
 * a merge that leaves nothing pointing at the removed profile. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "dbfx.h"
#include "domain/crm/customer.h"
#include "domain/crm/customer_merge.h"
#include "domain/crm/customer_rfm.h"
#include "domain/crm/customer_scope.h"

#define DAY 86400000LL
#define NOW 1796000000000LL /* 2026-11-30 */

static int setup(void **state)
{
	return fx_setup_named(state, "customer");
}

static void exec(struct fx *f, const char *sql)
{
	struct err e;

	err_init(&e);
	if (db_exec(f->db, sql, &e) < 0)
		fail_msg("%s: %s", sql, e.msg);
}

static int64_t one(struct fx *f, const char *sql)
{
	struct err e;
	int64_t v = -1;

	err_init(&e);
	assert_true(db_int(db_query(f->db, &e, sql, ""), &v, &e) >= 0);
	return v;
}

static int64_t add_customer(struct fx *f, const char *name, const char *phone)
{
	struct customer_input in = {.name = name, .phone = phone, .consent_sms = -1,
				    .consent_email = -1, .consent_wechat = -1};
	struct customer *c;

	err_init(&f->e);
	assert_int_equal(customer_create(f->db, f->a, &f->who, &in, &c, &f->e), 0);
	return c->id;
}

static int64_t seq;

static void add_sale(struct fx *f, int64_t customer, int64_t at, int64_t total, const char *status)
{
	char sql[512];

	seq++;
	snprintf(sql, sizeof sql,
		 "INSERT INTO sales (number, store_id, customer_id, cashier_id, at, day, status,"
		 " subtotal, discount_total, vat_total, total, paid, change_due)"
		 " VALUES ('N%lld', 1, %lld, 1, %lld, '2026-01-01', '%s', %lld, 0, 0, %lld, %lld, 0)",
		 (long long)seq, (long long)customer, (long long)at, status, (long long)total,
		 (long long)total, (long long)total);
	exec(f, sql);
}

static void base_rows(struct fx *f)
{
	exec(f, "INSERT INTO stores (code, name, channel, created_at, updated_at)"
		" VALUES ('A', 'A', 'direct', 0, 0), ('B', 'B', 'direct', 0, 0)");
	exec(f, "INSERT INTO users (username, password_hash, display_name, role, created_at,"
		" updated_at) VALUES ('s', 'x', 'S', 'sales', 0, 0)");
	exec(f, "INSERT INTO user_stores (user_id, store_id) VALUES (1, 1)");
}

/* The scores equal SQL's NTILE(5) over the same customers and orders. */
static void test_rfm_matches_sql_ntile(void **state)
{
	struct fx *f = *state;
	int64_t ids[40], scored = 0;
	unsigned r = 12345;

	base_rows(f);
	for (int i = 0; i < 40; i++) {
		char name[24], phone[32];
		snprintf(name, sizeof name, "c%d", i);
		snprintf(phone, sizeof phone, "1390000%04d", i);
		ids[i] = add_customer(f, name, phone);
	}
	/* 37 buyers (not a multiple of 5), ties in every key; two customers
	 * with only old or voided sales; one with none. */
	for (int i = 0; i < 37; i++) {
		int nsales = 1 + (int)((r = r * 1103515245u + 12345u) >> 16) % 4;
		for (int k = 0; k < nsales; k++) {
			r = r * 1103515245u + 12345u;
			int64_t at = NOW - (int64_t)((r >> 16) % 6) * 30 * DAY;
			int64_t total = 1000 * (int64_t)(1 + (r >> 8) % 3);
			add_sale(f, ids[i], at, total, "completed");
		}
	}
	add_sale(f, ids[37], NOW - 400 * DAY, 99999, "completed");
	add_sale(f, ids[38], NOW - DAY, 99999, "voided");
	add_sale(f, ids[0], NOW - 2 * DAY, 99999, "voided");
	add_sale(f, ids[1], NOW + DAY, 99999, "completed"); /* after now: not counted */
	exec(f, "UPDATE customers SET rfm_r = 3, rfm_f = 3, rfm_m = 3 WHERE id IN (38, 39, 40)");

	err_init(&f->e);
	assert_int_equal(customer_rfm_run(f->db, NOW, &scored, &f->e), 0);
	assert_int_equal(scored, 37);

	char sql[1024];
	snprintf(sql, sizeof sql,
		 "WITH b AS (SELECT customer_id AS id, MAX(at) AS last, COUNT(*) AS orders,"
		 " SUM(total) AS spend FROM sales WHERE status <> 'voided' AND at > %lld"
		 " AND at <= %lld GROUP BY customer_id),"
		 " s AS (SELECT id, NTILE(5) OVER (ORDER BY last, id) AS r,"
		 " NTILE(5) OVER (ORDER BY orders, id) AS f,"
		 " NTILE(5) OVER (ORDER BY spend, id) AS m FROM b)"
		 " SELECT COUNT(*) FROM s JOIN customers c ON c.id = s.id"
		 " WHERE c.rfm_r = s.r AND c.rfm_f = s.f AND c.rfm_m = s.m AND c.rfm_at = %lld",
		 (long long)(NOW - 365 * DAY), (long long)NOW, (long long)NOW);
	assert_int_equal(one(f, sql), 37);
	assert_int_equal(one(f, "SELECT COUNT(*) FROM customers WHERE rfm_r IS NULL"
				" AND rfm_f IS NULL AND rfm_m IS NULL AND rfm_at IS NULL"), 3);
	/* Every score in 1..5 and each bucket used (37 rows: 8,8,7,7,7). */
	assert_int_equal(one(f, "SELECT COUNT(*) FROM customers WHERE rfm_r = 1"), 8);
	assert_int_equal(one(f, "SELECT COUNT(*) FROM customers WHERE rfm_m = 5"), 7);

	/* A second run over nothing clears the scores. */
	assert_int_equal(customer_rfm_run(f->db, NOW + 800 * DAY, &scored, &f->e), 0);
	assert_int_equal(scored, 0);
	assert_int_equal(one(f, "SELECT COUNT(*) FROM customers WHERE rfm_r IS NOT NULL"), 0);
}

/* A sales user sees a customer once a sale links it to their store. */
static void test_scope_follows_store_links(void **state)
{
	struct fx *f = *state;
	int64_t store_ids[] = {1};
	struct user u = {.id = 1, .username = "s", .role = ROLE_SALES, .active = 1,
			 .store_ids = store_ids, .nstores = 1};
	struct actor sales = {.user = &u};
	struct customer_filter flt = {.scope_user_id = 1, .limit = 50};
	struct customer **list;
	int n, more;

	base_rows(f);
	int64_t id = add_customer(f, "李雷", "13900000001");
	exec(f, "INSERT INTO customer_stores (customer_id, store_id) VALUES (1, 2)");
	err_init(&f->e);
	assert_int_equal(customer_visible(f->db, &sales, id, &f->e), ERR_NOT_FOUND);
	err_init(&f->e);
	assert_int_equal(customer_list(f->db, f->a, &flt, &list, &n, &more, &f->e), 0);
	assert_int_equal(n, 0);
	flt.phone = "13900000001";
	assert_int_equal(customer_list(f->db, f->a, &flt, &list, &n, &more, &f->e), 0);
	assert_int_equal(n, 0);

	err_init(&f->e);
	assert_int_equal(customer_link_store(f->db, id, 1, &f->e), 0);
	assert_int_equal(customer_link_store(f->db, id, 1, &f->e), 0); /* idempotent */
	assert_int_equal(customer_visible(f->db, &sales, id, &f->e), 0);
	assert_int_equal(customer_list(f->db, f->a, &flt, &list, &n, &more, &f->e), 0);
	assert_int_equal(n, 1);
	flt.phone = NULL;
	flt.q = "ll";
	assert_int_equal(customer_list(f->db, f->a, &flt, &list, &n, &more, &f->e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0]->name_initials, "ll");
}

/* After a merge no table names the removed id, and the points ledger
 * still sums to the balance. */
static void test_merge_leaves_nothing(void **state)
{
	struct fx *f = *state;
#define LEFT(t) "SELECT COUNT(*) FROM " t " WHERE customer_id = 2"
	static const char *const tables[] = {
		LEFT("sales"), LEFT("points_ledger"), LEFT("stored_value_ledger"), LEFT("coupons"),
		LEFT("customer_contacts"), LEFT("tasks"), LEFT("opportunities"), LEFT("outbox"),
		LEFT("care_sent"), LEFT("journey_enrollments"), LEFT("customer_stores"),
		LEFT("customer_tags"),
		LEFT("customer_consents"), LEFT("customer_tier_history"), LEFT("customer_reads")};

	base_rows(f);
	int64_t keep = add_customer(f, "甲", "13900000001");
	int64_t from = add_customer(f, "乙", "13900000002");
	add_sale(f, from, NOW, 500, "completed");
	exec(f, "INSERT INTO points_ledger (customer_id, at, kind, points, balance_after, remaining)"
		" VALUES (2, 1, 'earn', 30, 30, 30), (1, 1, 'earn', 5, 5, 5)");
	exec(f, "UPDATE customers SET points_balance = 30, tier_id = NULL WHERE id = 2");
	exec(f, "UPDATE customers SET points_balance = 5 WHERE id = 1");
	exec(f, "INSERT INTO coupon_templates (name, kind, value, created_at, updated_at)"
		" VALUES ('t', 'amount_off', 100, 0, 0)");
	exec(f, "INSERT INTO coupons (code, template_id, customer_id, status, issued_at, expires_at)"
		" VALUES ('C1', 1, 2, 'issued', 0, 1)");
	exec(f, "INSERT INTO care_rules (kind, name, message, created_at, updated_at)"
		" VALUES ('birthday', 'b', 'hi', 0, 0)");
	exec(f, "INSERT INTO care_sent (rule_id, customer_id, year, at) VALUES (1, 1, 2026, 0),"
		" (1, 2, 2026, 0), (1, 2, 2025, 0)");
	exec(f, "INSERT INTO journeys (kind, name, created_at, updated_at)"
		" VALUES ('birthday', 'b', 0, 0)");
	exec(f, "INSERT INTO journey_enrollments (journey_id, customer_id, occurrence, status,"
		" enrolled_at, updated_at) VALUES (1, 1, '2026', 'completed', 0, 0),"
		" (1, 2, '2026', 'completed', 0, 0), (1, 2, '2025', 'completed', 0, 0)");
	exec(f, "INSERT INTO customer_stores (customer_id, store_id) VALUES (2, 1), (2, 2), (1, 1)");
	exec(f, "INSERT INTO customer_tags (customer_id, tag) VALUES (2, 'x'), (1, 'x'), (2, 'y')");
	exec(f, "INSERT INTO customer_consents (customer_id, channel, granted, at, source)"
		" VALUES (2, 'sms', 1, 0, 'api')");
	exec(f, "INSERT INTO tiers (code, name, min_spend, created_at, updated_at)"
		" VALUES ('gold', 'Gold', 100, 0, 0)");
	exec(f, "UPDATE customers SET tier_id = 1, tier_since = 77 WHERE id = 2");
	exec(f, "INSERT INTO customer_tier_history (customer_id, to_tier_id, at, reason, spend_12m)"
		" VALUES (2, 1, 0, 'upgrade', 100)");
	exec(f, "INSERT INTO customer_reads (customer_id, at, what) VALUES (2, 0, 'profile')");
	exec(f, "INSERT INTO customer_contacts (customer_id, at, channel, direction, summary)"
		" VALUES (2, 0, 'phone', 'out', 's')");
	exec(f, "INSERT INTO tasks (kind, title, customer_id, status, created_at, updated_at)"
		" VALUES ('call', 't', 2, 'open', 0, 0)");
	exec(f, "INSERT INTO opportunities (name, customer_id, stage, amount, probability_bp,"
		" created_at, updated_at) VALUES ('o', 2, 'lead', 1, 1, 0, 0)");
	exec(f, "INSERT INTO outbox (customer_id, channel, recipient, body, status, source,"
		" created_at) VALUES (2, 'sms', 'r', 'b', 'queued', 't', 0)");

	err_init(&f->e);
	assert_int_equal(customer_merge(f->db, &f->who, keep, keep, &f->e), ERR_INVALID);
	err_init(&f->e);
	assert_int_equal(customer_merge(f->db, &f->who, keep, 99, &f->e), ERR_NOT_FOUND);
	err_init(&f->e);
	assert_int_equal(customer_merge(f->db, &f->who, keep, from, &f->e), 0);
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
		if (one(f, tables[i]) != 0)
			fail_msg("%s: the removed customer is still named", tables[i]);
	assert_int_equal(one(f, "SELECT COUNT(*) FROM customers WHERE id = 2"), 0);
	assert_int_equal(one(f, "SELECT points_balance FROM customers WHERE id = 1"), 35);
	assert_int_equal(one(f, "SELECT SUM(points) FROM points_ledger WHERE customer_id = 1"), 35);
	assert_int_equal(one(f, "SELECT tier_id FROM customers WHERE id = 1"), 1);
	assert_int_equal(one(f, "SELECT tier_since FROM customers WHERE id = 1"), 77);
	assert_int_equal(one(f, "SELECT COUNT(*) FROM care_sent WHERE customer_id = 1"), 2);
	assert_int_equal(one(f, "SELECT COUNT(*) FROM journey_enrollments WHERE customer_id = 1"), 2);
	assert_int_equal(one(f, "SELECT COUNT(*) FROM customer_stores WHERE customer_id = 1"), 2);
	assert_int_equal(one(f, "SELECT COUNT(*) FROM customer_tags WHERE customer_id = 1"), 2);
	assert_int_equal(one(f, "SELECT COUNT(*) FROM audit_log WHERE entity = 'customer'"
				" AND action = 'merge'"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rfm_matches_sql_ntile, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_scope_follows_store_links, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_merge_leaves_nothing, setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
