/* test_loyalty_sale.c: the customer's part of a sale on SQLite and, with
 * TERSA_TEST_PG_URL, PostgreSQL — points
 * earned and redeemed, the tier discount and the upgrade inside the sale,
 * returns with the owed rule, voids that give everything back, stored
 * value spent and returned, the nightly expiry and downgrade, and the
 * points invariants after 1,000 random operations. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "base/timeutil.h"
#include "dbfx.h"
#include "pgschema.h"
#include "domain/loyalty/loyalty_sale.h"
#include "domain/loyalty/points.h"
#include "domain/loyalty/program.h"
#include "domain/loyalty/stored_value.h"
#include "domain/loyalty/tier.h"
#include "domain/pos/journal.h"
#include "domain/pos/rollup_customer.h"
#include "domain/pos/sale.h"
#include "domain/pos/sale_return.h"
#include "domain/pos/sale_void.h"

struct lfx {
	struct fx f;
	int64_t store, product, cheap;
	struct pgschema schema; /* PostgreSQL: the test's own; "" on SQLite */
};

static int64_t q1(struct fx *f, const char *sql, const char *types, int64_t a, int64_t b)
{
	struct err e;
	err_init(&e);
	int64_t v = -1;
	struct db_stmt *st = types[0] == 0   ? db_query(f->db, &e, sql, "")
			     : types[1] == 0 ? db_query(f->db, &e, sql, types, a)
					     : db_query(f->db, &e, sql, types, a, b);
	assert_non_null(st);
	int rc = db_step(st, &e);
	if (rc == DB_ROW)
		v = db_col_int64(st, 0);
	while (rc == DB_ROW)
		rc = db_step(st, &e);
	db_reset(st);
	if (rc < 0)
		fprintf(stderr, "q1: %s\n", e.msg);
	assert_true(rc >= 0);
	return v;
}

static void seed(struct lfx *l)
{
	l->store = q1(&l->f,
		      "INSERT INTO stores (code, name, channel, allow_negative_stock, created_at, "
		      "updated_at) VALUES ('S1', 'Store', 'direct', 1, 1, 1) RETURNING id",
		      "", 0, 0);
	l->product = q1(&l->f,
			"INSERT INTO products (sku, name, unit, price, vat_rate, created_at, "
			"updated_at) VALUES ('P1', 'Product', 'pcs', 10000, 1300, 1, 1) RETURNING id",
			"", 0, 0);
	l->cheap = q1(&l->f,
		      "INSERT INTO products (sku, name, unit, price, vat_rate, created_at, "
		      "updated_at) VALUES ('P2', 'Cheap', 'pcs', 1000, 1300, 1, 1) RETURNING id",
		      "", 0, 0);
}

static int setup(void **state)
{
	struct lfx *l = xcalloc(1, sizeof *l);
	void *fs;
	if (fx_setup_named(&fs, "loyalty_sale") < 0)
		return -1;
	l->f = *(struct fx *)fs;
	free(fs);
	seed(l);
	*state = l;
	return 0;
}

static int teardown(void **state)
{
	struct lfx *l = *state;
	struct fx *f = xcalloc(1, sizeof *f);
	*f = l->f;
	void *fs = f;
	free(l);
	return fx_teardown(&fs);
}

/* The same on PostgreSQL (TERSA_TEST_PG_URL), in a schema of the test's
 * own; without the variable the tests are skipped. */
static int setup_pg(void **state)
{
	struct lfx *l = xcalloc(1, sizeof *l);
	*state = l;
	int rc = pgschema_open(&l->schema, "tersa_loyalty", &l->f.db);
	if (rc <= 0)
		return rc;
	l->f.a = arena_new();
	err_init(&l->f.e);
	seed(l);
	return 0;
}

static int teardown_pg(void **state)
{
	struct lfx *l = *state;
	if (l->f.db) {
		pgschema_drop(&l->schema, l->f.db);
		db_close(l->f.db);
		arena_free(l->f.a);
	}
	free(l);
	return 0;
}

static struct lfx *lfx_of(void **state)
{
	struct lfx *l = *state;
	if (!l->f.db)
		skip();
	return l;
}

static int64_t customer(struct lfx *l)
{
	static int n;
	char code[32];
	snprintf(code, sizeof code, "M%d", ++n);
	struct err e;
	err_init(&e);
	int64_t id = 0;
	assert_int_equal(db_int(db_query(l->f.db, &e,
					 "INSERT INTO customers (name, member_code, home_store_id, "
					 "created_at, updated_at) VALUES ('C', ?, ?, 1, 1) RETURNING id",
					 "ti", code, l->store),
				&id, &e),
			 1);
	return id;
}

static int64_t col(struct lfx *l, const char *c, int64_t cid)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT %s FROM customers WHERE id = ?", c);
	/* Not a static text: prepared anew each call (the cache keys by pointer). */
	char *s = arena_strdup(l->f.a, sql);
	return q1(&l->f, s, "i", cid, 0);
}

/* A sale of qty units of product paid by cash (and more tenders). 0 and
 * *id, or the error code (e in l->f.e). */
static int sell_full(struct lfx *l, int64_t cid, int64_t product, int qty, int64_t points,
		     struct sale_payment_input *pays, int npays, int64_t offline_at, int64_t *id)
{
	static int seq;
	char key[32];
	snprintf(key, sizeof key, "k%d", ++seq);
	struct sale_line_input *ln = arena_calloc(l->f.a, 1, sizeof *ln);
	ln->product_id = product;
	ln->quantity = (int64_t)qty * 1000;
	ln->unit_price = -1;
	struct sale_input *in = arena_calloc(l->f.a, 1, sizeof *in);
	in->store_id = l->store;
	in->customer_id = cid;
	in->lines = ln;
	in->nlines = 1;
	in->payments = pays;
	in->npayments = npays;
	in->points_redeemed = points;
	in->offline_at = offline_at;
	struct sale_plan *p;
	int replayed;
	err_init(&l->f.e);
	int rc = sale_plan(l->f.db, l->f.a, &l->f.who, in, &p, &l->f.e);
	if (rc == 0)
		rc = sale_commit(l->f.db, l->f.a, &l->f.who, key, key, p, id, &replayed, &l->f.e);
	return rc;
}

static struct sale_payment_input *pay(struct lfx *l, const char *m, int64_t amount,
				      const char *m2, int64_t a2)
{
	struct sale_payment_input *p = arena_calloc(l->f.a, 2, sizeof *p);
	p[0] = (struct sale_payment_input){m, amount, NULL};
	p[1] = (struct sale_payment_input){m2, a2, NULL};
	return p;
}

static int64_t sell(struct lfx *l, int64_t cid, int qty, int64_t points, int64_t cash)
{
	int64_t id = 0;
	int rc = sell_full(l, cid, l->product, qty, points, pay(l, "cash", cash, NULL, 0), 1, 0, &id);
	if (rc < 0)
		fprintf(stderr, "sell: %s (%s %s)\n", l->f.e.msg,
			l->f.e.nfields ? l->f.e.fields[0].field : "",
			l->f.e.nfields ? l->f.e.fields[0].message : "");
	assert_int_equal(rc, 0);
	return id;
}

static int64_t line_of(struct lfx *l, int64_t sale)
{
	return q1(&l->f, "SELECT id FROM sale_lines WHERE sale_id = ? ORDER BY line_no", "i", sale,
		  0);
}

static int do_return(struct lfx *l, int64_t sale, int qty, const char *method)
{
	struct sale_return_line_input *rl = arena_calloc(l->f.a, 1, sizeof *rl);
	rl->line_id = line_of(l, sale);
	rl->quantity = (int64_t)qty * 1000;
	struct sale_return_input in = {.lines = rl, .nlines = 1, .refund_method = method,
				       .reason = "test", .may_override_refund = 1};
	json_t *out = NULL;
	int replayed;
	err_init(&l->f.e);
	int rc = sale_return_create(l->f.db, l->f.a, &l->f.who, sale, NULL, NULL, &in, &out,
				    &replayed, &l->f.e);
	json_decref(out);
	return rc;
}

/* The invariants of points.h for one customer. */
static void invariants(struct lfx *l, int64_t cid)
{
	int64_t bal = col(l, "points_balance", cid), owed = col(l, "points_owed", cid);
	assert_true(bal >= 0);
	assert_true(owed >= 0);
	assert_int_equal(q1(&l->f, "SELECT COALESCE(SUM(points), 0) FROM points_ledger "
				   "WHERE customer_id = ?", "i", cid, 0), bal);
	assert_int_equal(q1(&l->f, "SELECT COALESCE(SUM(remaining), 0) FROM points_ledger "
				   "WHERE customer_id = ?", "i", cid, 0), bal);
	assert_int_equal(q1(&l->f, "SELECT COUNT(*) FROM points_ledger WHERE customer_id = ? "
				   "AND remaining < 0", "i", cid, 0), 0);
	assert_true(col(l, "sv_paid_balance", cid) >= 0);
	assert_true(col(l, "sv_bonus_balance", cid) >= 0);
	struct buf b;
	buf_init(&b, 0);
	int64_t problems = -1;
	assert_int_equal(loyalty_check(l->f.db, &b, &problems, &l->f.e), 0);
	if (problems)
		fprintf(stderr, "%s", b.data);
	assert_int_equal(problems, 0);
	buf_release(&b);
}

static void journal_ok(struct lfx *l)
{
	struct journal_report r;
	assert_int_equal(journal_verify(l->f.db, l->f.a, 0, &r, &l->f.e), 0);
	if (r.bad_seq)
		fprintf(stderr, "journal: %s at %lld\n", r.problem, (long long)r.bad_seq);
	assert_int_equal(r.bad_seq, 0);
}

static void test_earn_redeem(void **state)
{
	struct lfx *l = lfx_of(state);
	int64_t c = customer(l);
	int64_t s1 = sell(l, c, 1, 0, 10000);
	assert_int_equal(q1(&l->f, "SELECT points_earned FROM sales WHERE id = ?", "i", s1, 0), 100);
	assert_int_equal(col(l, "points_balance", c), 100);
	assert_int_equal(col(l, "lifetime_spend", c), 10000);
	assert_int_equal(col(l, "orders_count", c), 1);
	assert_true(col(l, "first_purchase_at", c) > 0);
	assert_int_equal(q1(&l->f, "SELECT COUNT(*) FROM customer_stores WHERE customer_id = ?",
			    "i", c, 0), 1);
	/* 60 points pay 0.60; points earn on the 99.40 paid in money. */
	int64_t s2 = sell(l, c, 1, 60, 9940);
	assert_int_equal(q1(&l->f, "SELECT amount FROM sale_payments WHERE sale_id = ? AND "
				   "method = 'points'", "i", s2, 0), 60);
	assert_int_equal(q1(&l->f, "SELECT points_earned FROM sales WHERE id = ?", "i", s2, 0), 99);
	assert_int_equal(q1(&l->f, "SELECT points_redeemed FROM sales WHERE id = ?", "i", s2, 0), 60);
	assert_int_equal(col(l, "points_balance", c), 139);
	/* FIFO: the first lot gave its 60. */
	assert_int_equal(q1(&l->f, "SELECT remaining FROM points_ledger WHERE sale_id = ? AND "
				   "kind = 'earn'", "i", s1, 0), 40);
	invariants(l, c);
	journal_ok(l);
}

static void test_redeem_refused(void **state)
{
	struct lfx *l = lfx_of(state);
	int64_t c = customer(l), id;
	sell(l, c, 1, 0, 10000); /* 100 points */
	int64_t before = q1(&l->f, "SELECT COUNT(*) FROM sales", "", 0, 0);
	/* More than the balance: 409. */
	assert_int_equal(sell_full(l, c, l->product, 1, 150, pay(l, "cash", 10000, NULL, 0), 1, 0, &id),
			 ERR_INSUFFICIENT_POINTS);
	/* Points without a customer, a points tender, an unknown customer. */
	assert_int_equal(sell_full(l, 0, l->product, 1, 5, pay(l, "points", 5, "cash", 10000), 2, 0,
				   &id),
			 ERR_INVALID);
	assert_non_null(field_msg(&l->f.e, "points_redeemed"));
	assert_non_null(field_msg(&l->f.e, "payments[0].method"));
	assert_int_equal(sell_full(l, 999999, l->product, 1, 0, pay(l, "cash", 10000, NULL, 0), 1, 0,
				   &id),
			 ERR_INVALID);
	assert_string_equal(field_msg(&l->f.e, "customer_id"), "no such customer");
	/* Above max_redeem_bp (50% of 10.00 is 500 points): 422. */
	assert_int_equal(sell_full(l, c, l->cheap, 1, 90, pay(l, "cash", 1000, NULL, 0), 1, 0, &id), 0);
	assert_int_equal(sell_full(l, c, l->cheap, 1, 600, pay(l, "cash", 1000, NULL, 0), 1, 0, &id),
			 ERR_INVALID);
	/* stored value without a customer; more than the balance. */
	assert_int_equal(sell_full(l, 0, l->product, 1, 0, pay(l, "stored_value", 100, "cash", 9900),
				   2, 0, &id),
			 ERR_INVALID);
	assert_non_null(field_msg(&l->f.e, "payments[0].method"));
	assert_int_equal(sell_full(l, c, l->product, 1, 0, pay(l, "stored_value", 100, "cash", 9900),
				   2, 0, &id),
			 ERR_INSUFFICIENT_BALANCE);
	assert_int_equal(q1(&l->f, "SELECT COUNT(*) FROM sales", "", 0, 0), before + 1);
	invariants(l, c);
}

static void test_program_rules(void **state)
{
	struct lfx *l = lfx_of(state);
	struct loyalty_program g = {.points_per_yuan = 2, .point_value = 10, .expiry_days = 30,
				    .max_redeem_bp = 10000, .min_redeem = 10,
				    .max_redeem_points = 500, .rounding = "half_up",
				    .sv_bonus_spent = "first"}, out;
	assert_int_equal(program_put(l->f.db, &l->f.who, &g, &out, &l->f.e), 0);
	assert_string_equal(out.rounding, "half_up");
	int64_t c = customer(l), id;
	sell(l, c, 1, 0, 10000); /* 200 points */
	assert_int_equal(col(l, "points_balance", c), 200);
	assert_int_equal(sell_full(l, c, l->cheap, 1, 5, pay(l, "cash", 1000, NULL, 0), 1, 0, &id),
			 ERR_INVALID); /* below min_redeem */
	assert_int_equal(sell_full(l, c, l->product, 1, 501, pay(l, "cash", 10000, NULL, 0), 1, 0,
				   &id),
			 ERR_INVALID); /* above max_redeem_points */
	/* 15 points pay 1.50 of 10.00; 8.50 earns 17 points (half up). */
	assert_int_equal(sell_full(l, c, l->cheap, 1, 15, pay(l, "cash", 850, NULL, 0), 1, 0, &id), 0);
	assert_int_equal(q1(&l->f, "SELECT points_earned FROM sales WHERE id = ?", "i", id, 0), 17);
	/* Bad values: every field named. */
	struct loyalty_program bad = {.points_per_yuan = -1, .point_value = 1, .expiry_days = -3,
				      .max_redeem_bp = 20000, .rounding = "up",
				      .sv_bonus_spent = "never"};
	err_init(&l->f.e);
	assert_int_equal(program_put(l->f.db, &l->f.who, &bad, &out, &l->f.e), ERR_INVALID);
	assert_non_null(field_msg(&l->f.e, "points_per_yuan"));
	assert_non_null(field_msg(&l->f.e, "expiry_days"));
	assert_non_null(field_msg(&l->f.e, "max_redeem_bp"));
	assert_non_null(field_msg(&l->f.e, "rounding"));
	assert_non_null(field_msg(&l->f.e, "sv_bonus_spent"));
	/* Back to the defaults for the other tests. */
	g = (struct loyalty_program){.points_per_yuan = 1, .point_value = 1, .expiry_days = 365,
				     .max_redeem_bp = 5000, .rounding = "floor",
				     .sv_bonus_spent = "last"};
	err_init(&l->f.e);
	assert_int_equal(program_put(l->f.db, &l->f.who, &g, &out, &l->f.e), 0);
	invariants(l, c);
}

static void test_return_owed_and_settle(void **state)
{
	struct lfx *l = lfx_of(state);
	int64_t c = customer(l);
	int64_t s1 = sell(l, c, 2, 0, 20000);       /* 200 points */
	sell(l, c, 1, 200, 9800);                    /* spends them, earns 98 */
	assert_int_equal(col(l, "points_balance", c), 98);
	/* Returning one of two units takes back 100: 98 from the balance, 2 owed. */
	assert_int_equal(do_return(l, s1, 1, NULL), 0);
	assert_int_equal(col(l, "points_balance", c), 0);
	assert_int_equal(col(l, "points_owed", c), 2);
	assert_int_equal(q1(&l->f, "SELECT points_reversed FROM sale_returns WHERE sale_id = ?", "i",
			    s1, 0), 100);
	assert_int_equal(col(l, "lifetime_spend", c), 20000 + 10000 - 10000);
	invariants(l, c);
	/* The next earning settles the debt first. */
	sell(l, c, 1, 0, 10000);
	assert_int_equal(col(l, "points_owed", c), 0);
	assert_int_equal(col(l, "points_balance", c), 98);
	assert_int_equal(q1(&l->f, "SELECT COUNT(*) FROM points_ledger WHERE customer_id = ? AND "
				   "kind = 'owed'", "i", c, 0), 1);
	/* The rest of the sale: the other 100 points, exactly. */
	assert_int_equal(do_return(l, s1, 1, NULL), 0);
	assert_int_equal(q1(&l->f, "SELECT SUM(points_reversed) FROM sale_returns WHERE sale_id = ?",
			    "i", s1, 0), 200);
	assert_int_equal(col(l, "points_balance", c), 0);
	assert_int_equal(col(l, "points_owed", c), 2);
	invariants(l, c);
	journal_ok(l);
}

static void test_points_refund_tender(void **state)
{
	struct lfx *l = lfx_of(state);
	int64_t c = customer(l);
	sell(l, c, 1, 0, 10000);                  /* 100 points */
	int64_t s = sell(l, c, 2, 100, 19900);    /* 100 points pay 1.00, earn 199 */
	assert_int_equal(col(l, "points_balance", c), 199);
	/* A return to points gives back the points those 1.00 were. */
	assert_int_equal(do_return(l, s, 1, "points"), ERR_INVALID); /* more than 1.00 */
	assert_non_null(field_msg(&l->f.e, "refund_method"));
	/* Both units back to the sale's tenders: cash first, then the points. */
	assert_int_equal(do_return(l, s, 2, NULL), 0);
	assert_int_equal(q1(&l->f, "SELECT COALESCE(SUM(points), 0) FROM points_ledger WHERE "
				   "customer_id = ? AND kind = 'refund'", "i", c, 0), 100);
	assert_int_equal(col(l, "points_balance", c), 100);
	invariants(l, c);
	/* A sale without a customer cannot refund to points or stored value. */
	int64_t id;
	assert_int_equal(sell_full(l, 0, l->product, 1, 0, pay(l, "cash", 10000, NULL, 0), 1, 0, &id),
			 0);
	assert_int_equal(do_return(l, id, 1, "stored_value"), ERR_INVALID);
	assert_non_null(field_msg(&l->f.e, "refund_method"));
}

static void test_stored_value(void **state)
{
	struct lfx *l = lfx_of(state);
	int64_t c = customer(l), id;
	json_t *o = NULL;
	assert_int_equal(sv_rule_create(l->f.db, &l->f.who, 50000, 5000, &o, &l->f.e), 0);
	json_decref(o);
	assert_int_equal(sv_rule_create(l->f.db, &l->f.who, 50000, 1, &o, &l->f.e), ERR_DUPLICATE);
	err_init(&l->f.e);
	struct sv_top_up_input t = {.amount = 50000, .method = "wechat", .store_id = l->store};
	assert_int_equal(sv_top_up(l->f.db, &l->f.who, c, &t, &o, &l->f.e), 0);
	assert_int_equal(json_integer_value(json_object_get(o, "bonus")), 5000);
	assert_int_equal(json_integer_value(json_object_get(o, "balance")), 55000);
	json_decref(o);
	/* Spend 40,000 + 10,000 (paid first, bonus last). */
	assert_int_equal(sell_full(l, c, l->product, 4, 0, pay(l, "stored_value", 40000, NULL, 0), 1,
				   0, &id),
			 0);
	assert_int_equal(q1(&l->f, "SELECT points_earned FROM sales WHERE id = ?", "i", id, 0), 0);
	int64_t s2;
	assert_int_equal(sell_full(l, c, l->product, 2, 0, pay(l, "stored_value", 15000, "cash", 5000),
				   2, 0, &s2),
			 0);
	assert_int_equal(col(l, "sv_paid_balance", c), 0);
	assert_int_equal(col(l, "sv_bonus_balance", c), 0);
	/* Return one unit of s2 (10,000): to the sale's first tender, stored
	 * value, in the proportion it was spent (10,000 paid : 5,000 bonus)... */
	assert_int_equal(do_return(l, s2, 1, NULL), 0);
	assert_int_equal(col(l, "sv_paid_balance", c), 6667);
	assert_int_equal(col(l, "sv_bonus_balance", c), 3333);
	/* ... the other unit: the last 5,000 of stored value, then cash. */
	assert_int_equal(do_return(l, s2, 1, NULL), 0);
	assert_int_equal(col(l, "sv_paid_balance", c), 10000);
	assert_int_equal(col(l, "sv_bonus_balance", c), 5000);
	/* Refund of the paid part: more than it is refused, all of it forfeits
	 * the bonus. */
	struct sv_refund_input r = {.amount = 10001, .method = "cash", .store_id = l->store,
				    .reason = "moving away"};
	err_init(&l->f.e);
	assert_int_equal(sv_refund(l->f.db, &l->f.who, c, &r, &o, &l->f.e), ERR_INVALID);
	assert_non_null(field_msg(&l->f.e, "amount"));
	err_init(&l->f.e);
	r.amount = 4000;
	assert_int_equal(sv_refund(l->f.db, &l->f.who, c, &r, &o, &l->f.e), 0);
	json_decref(o);
	assert_int_equal(col(l, "sv_bonus_balance", c), 5000);
	r.amount = -1;
	assert_int_equal(sv_refund(l->f.db, &l->f.who, c, &r, &o, &l->f.e), 0);
	assert_int_equal(json_integer_value(json_object_get(o, "forfeited_bonus")), 5000);
	json_decref(o);
	assert_int_equal(col(l, "sv_paid_balance", c), 0);
	assert_int_equal(col(l, "sv_bonus_balance", c), 0);
	invariants(l, c);
	journal_ok(l);
}

/* With sv_bonus_spent "first" a sale spends the bonus part before the paid
 * part (the default, "last", is the other way round: test_stored_value). */
static void test_bonus_first(void **state)
{
	struct lfx *l = lfx_of(state);
	struct loyalty_program g, out;
	assert_int_equal(program_get(l->f.db, &g, &l->f.e), 0);
	g.sv_bonus_spent = "first";
	assert_int_equal(program_put(l->f.db, &l->f.who, &g, &out, &l->f.e), 0);
	int64_t c = customer(l), id;
	json_t *o = NULL;
	assert_int_equal(sv_rule_create(l->f.db, &l->f.who, 10000, 3000, &o, &l->f.e), 0);
	json_decref(o);
	struct sv_top_up_input t = {.amount = 10000, .method = "card", .store_id = l->store};
	assert_int_equal(sv_top_up(l->f.db, &l->f.who, c, &t, &o, &l->f.e), 0);
	json_decref(o);
	assert_int_equal(sell_full(l, c, l->cheap, 4, 0, pay(l, "stored_value", 4000, NULL, 0), 1, 0,
				   &id),
			 0);
	assert_int_equal(col(l, "sv_bonus_balance", c), 0);
	assert_int_equal(col(l, "sv_paid_balance", c), 9000);
	invariants(l, c);
}

static void test_void_gives_everything_back(void **state)
{
	struct lfx *l = lfx_of(state);
	int64_t c = customer(l), id;
	json_t *o = NULL;
	struct sv_top_up_input t = {.amount = 20000, .method = "cash", .store_id = l->store};
	assert_int_equal(sv_top_up(l->f.db, &l->f.who, c, &t, &o, &l->f.e), 0);
	json_decref(o);
	sell(l, c, 1, 0, 10000); /* 100 points */
	int64_t spend = col(l, "lifetime_spend", c), orders = col(l, "orders_count", c);
	int64_t last = col(l, "last_purchase_at", c);
	assert_int_equal(sell_full(l, c, l->product, 2, 80, pay(l, "stored_value", 15000, "cash", 4920),
				   2, 0, &id),
			 0);
	assert_int_equal(col(l, "points_balance", c), 100 - 80 + 49);
	json_t *sale = NULL;
	assert_int_equal(sale_void(l->f.db, l->f.a, &l->f.who, id, "mistake", &sale, &l->f.e), 0);
	json_decref(sale);
	assert_int_equal(col(l, "points_balance", c), 100);
	assert_int_equal(col(l, "sv_paid_balance", c) + col(l, "sv_bonus_balance", c), 20000);
	assert_int_equal(col(l, "lifetime_spend", c), spend);
	assert_int_equal(col(l, "orders_count", c), orders);
	assert_int_equal(col(l, "last_purchase_at", c), last);
	invariants(l, c);
	journal_ok(l);
}

static void test_tiers(void **state)
{
	struct lfx *l = lfx_of(state);
	json_t *o = NULL;
	struct tier_input base = {.code = "silver", .name = "银卡", .min_spend = 0,
				  .has_code = 1, .has_name = 1, .has_min_spend = 1};
	assert_int_equal(tier_create(l->f.db, &l->f.who, &base, &o, &l->f.e), 0);
	json_decref(o);
	struct tier_input gold = {.code = "gold", .name = "金卡", .min_spend = 15000,
				  .discount_bp = 1000, .points_multiplier_bp = 20000, .has_code = 1,
				  .has_name = 1, .has_min_spend = 1, .has_discount_bp = 1,
				  .has_multiplier = 1};
	assert_int_equal(tier_create(l->f.db, &l->f.who, &gold, &o, &l->f.e), 0);
	int64_t gold_id = json_integer_value(json_object_get(o, "id"));
	json_decref(o);
	assert_int_equal(tier_create(l->f.db, &l->f.who, &gold, &o, &l->f.e), ERR_DUPLICATE);
	err_init(&l->f.e);
	int64_t c = customer(l);
	/* An old sale (300 days ago) and one now cross 150.00: upgraded in it. */
	int64_t id, now = ts_now_ms();
	assert_int_equal(sell_full(l, c, l->product, 1, 0, pay(l, "cash", 10000, NULL, 0), 1,
				   now - 300LL * 86400000, &id),
			 0);
	assert_int_equal(col(l, "tier_id", c), 0);
	int64_t s2 = sell(l, c, 1, 0, 10000);
	assert_int_equal(col(l, "tier_id", c), gold_id);
	assert_int_equal(q1(&l->f, "SELECT sale_id FROM customer_tier_history WHERE customer_id = ? "
				   "AND reason = 'upgrade'", "i", c, 0), s2);
	/* Gold: 10% off, points x2. */
	int64_t s3 = sell(l, c, 1, 0, 9000);
	assert_int_equal(q1(&l->f, "SELECT total FROM sales WHERE id = ?", "i", s3, 0), 9000);
	assert_int_equal(q1(&l->f, "SELECT COUNT(*) FROM sale_line_discounts d JOIN sale_lines l ON "
				   "l.id = d.sale_line_id WHERE l.sale_id = ? AND d.source = 'tier'",
				   "i", s3, 0), 1);
	assert_int_equal(q1(&l->f, "SELECT points_earned FROM sales WHERE id = ?", "i", s3, 0), 180);
	/* 100 days on, the old sale is out of the window: 190.00 still. At
	 * 400 days, nothing is left: down to silver. */
	int64_t moved = -1;
	assert_int_equal(tier_downgrade_run(l->f.db, now + 100LL * 86400000, &moved, &l->f.e), 0);
	assert_int_equal(col(l, "tier_id", c), gold_id);
	assert_int_equal(tier_downgrade_run(l->f.db, now + 400LL * 86400000, &moved, &l->f.e), 0);
	assert_true(moved >= 1);
	assert_int_not_equal(col(l, "tier_id", c), gold_id);
	assert_int_equal(q1(&l->f, "SELECT COUNT(*) FROM customer_tier_history WHERE customer_id = ? "
				   "AND reason = 'downgrade'", "i", c, 0), 1);
	/* Deactivate the tiers again for the other tests. */
	struct tier_input off = {.active = 0, .has_active = 1};
	assert_int_equal(tier_update(l->f.db, &l->f.who, gold_id, &off, &o, &l->f.e), 0);
	json_decref(o);
	assert_int_equal(tier_update(l->f.db, &l->f.who, gold_id - 1, &off, &o, &l->f.e), 0);
	json_decref(o);
	invariants(l, c);
}

static void test_expiry_and_adjust(void **state)
{
	struct lfx *l = lfx_of(state);
	int64_t c = customer(l);
	sell(l, c, 1, 0, 10000); /* 100 points, expiring in 365 days */
	json_t *o = NULL;
	assert_int_equal(points_adjust(l->f.db, &l->f.who, c, -101, "typo", &o, &l->f.e),
			 ERR_INVALID);
	assert_non_null(field_msg(&l->f.e, "points"));
	err_init(&l->f.e);
	assert_int_equal(points_adjust(l->f.db, &l->f.who, c, 0, " ", &o, &l->f.e), ERR_INVALID);
	assert_non_null(field_msg(&l->f.e, "points"));
	assert_non_null(field_msg(&l->f.e, "reason"));
	err_init(&l->f.e);
	assert_int_equal(points_adjust(l->f.db, &l->f.who, c, -30, "goodwill undone", &o, &l->f.e), 0);
	assert_int_equal(json_integer_value(json_object_get(o, "balance_after")), 70);
	json_decref(o);
	assert_int_equal(audit_count(&l->f, "customer_points"), 1);
	int64_t expired = 0;
	assert_int_equal(points_expire_run(l->f.db, ts_now_ms() + 10LL * 86400000, &expired, &l->f.e),
			 0);
	assert_int_equal(col(l, "points_balance", c), 70);
	assert_int_equal(points_expire_run(l->f.db, ts_now_ms() + 366LL * 86400000, &expired, &l->f.e),
			 0);
	assert_true(expired >= 1);
	assert_int_equal(col(l, "points_balance", c), 0);
	assert_int_equal(q1(&l->f, "SELECT SUM(points) FROM points_ledger WHERE customer_id = ? AND "
				   "kind = 'expire'", "i", c, 0), -70);
	invariants(l, c);
}

/* The plan reads the balance; the write re-checks it: points spent between
 * the two refuse the sale whole (no sale, no stock move, no ledger row). */
/* A sale planned below the next tier, written after another sale of the
 * same customer committed: together they cross it, and the later write
 * (whose plan did not see the other sale) still upgrades. */
static void test_tier_upgrade_after_concurrent_sale(void **state)
{
	struct lfx *l = lfx_of(state);
	json_t *o = NULL;
	struct tier_input base = {.code = "member", .name = "会员", .min_spend = 0,
				  .has_code = 1, .has_name = 1, .has_min_spend = 1};
	struct tier_input gold = {.code = "gold", .name = "金卡", .min_spend = 15000,
				  .has_code = 1, .has_name = 1, .has_min_spend = 1};
	assert_int_equal(tier_create(l->f.db, &l->f.who, &base, &o, &l->f.e), 0);
	json_decref(o);
	assert_int_equal(tier_create(l->f.db, &l->f.who, &gold, &o, &l->f.e), 0);
	int64_t gold_id = json_integer_value(json_object_get(o, "id"));
	json_decref(o);
	int64_t c = customer(l), id = 0;
	struct sale_line_input ln = {.product_id = l->product, .quantity = 1000, .unit_price = -1};
	struct sale_payment_input py = {"cash", 10000, NULL};
	struct sale_input in = {.store_id = l->store, .customer_id = c, .lines = &ln, .nlines = 1,
				.payments = &py, .npayments = 1};
	struct sale_plan *p;
	int replayed;
	err_init(&l->f.e);
	assert_int_equal(sale_plan(l->f.db, l->f.a, &l->f.who, &in, &p, &l->f.e), 0);
	sell(l, c, 1, 0, 10000); /* 100.00: below 150.00 alone */
	assert_int_equal(col(l, "tier_id", c), 0);
	assert_int_equal(sale_commit(l->f.db, l->f.a, &l->f.who, "late", "late", p, &id, &replayed,
				     &l->f.e),
			 0);
	assert_int_equal(col(l, "tier_id", c), gold_id);
	/* And a sale that cannot reach a higher tier changes nothing. */
	sell(l, c, 1, 0, 10000);
	assert_int_equal(col(l, "tier_id", c), gold_id);
	assert_int_equal(q1(&l->f, "SELECT COUNT(*) FROM customer_tier_history WHERE customer_id = ?",
			    "i", c, 0),
			 1);
}

static void test_write_rechecks(void **state)
{
	struct lfx *l = lfx_of(state);
	int64_t c = customer(l), id = 0;
	sell(l, c, 1, 0, 10000); /* 100 points */
	struct sale_line_input ln = {.product_id = l->product, .quantity = 1000, .unit_price = -1};
	struct sale_payment_input py = {"cash", 9900, NULL};
	struct sale_input in = {.store_id = l->store, .customer_id = c, .lines = &ln, .nlines = 1,
				.payments = &py, .npayments = 1, .points_redeemed = 100};
	struct sale_plan *p;
	int replayed;
	err_init(&l->f.e);
	assert_int_equal(sale_plan(l->f.db, l->f.a, &l->f.who, &in, &p, &l->f.e), 0);
	json_t *o = NULL;
	assert_int_equal(points_adjust(l->f.db, &l->f.who, c, -1, "meanwhile", &o, &l->f.e), 0);
	json_decref(o);
	int64_t sales = q1(&l->f, "SELECT COUNT(*) FROM sales", "", 0, 0);
	int64_t moves = q1(&l->f, "SELECT COUNT(*) FROM stock_moves", "", 0, 0);
	int64_t rows = q1(&l->f, "SELECT COUNT(*) FROM points_ledger", "", 0, 0);
	assert_int_equal(sale_commit(l->f.db, l->f.a, &l->f.who, "recheck", "recheck", p, &id,
				     &replayed, &l->f.e),
			 ERR_INSUFFICIENT_POINTS);
	assert_int_equal(q1(&l->f, "SELECT COUNT(*) FROM sales", "", 0, 0), sales);
	assert_int_equal(q1(&l->f, "SELECT COUNT(*) FROM stock_moves", "", 0, 0), moves);
	assert_int_equal(q1(&l->f, "SELECT COUNT(*) FROM points_ledger", "", 0, 0), rows);
	assert_int_equal(col(l, "points_balance", c), 99);
	assert_int_equal(col(l, "orders_count", c), 1);
	invariants(l, c);
	journal_ok(l);
}

/* Earned points: per ¥1 paid, times the multiplier, rounded as told. */
static void test_points_arithmetic(void **state)
{
	struct loyalty_program g = {.points_per_yuan = 1, .rounding = "floor"};
	assert_int_equal(program_points_for(&g, 9999, 10000), 99);
	assert_int_equal(program_points_for(&g, 9950, 15000), 149); /* 149.25 */
	assert_int_equal(program_points_for(&g, 0, 10000), 0);
	assert_int_equal(program_points_for(&g, -500, 10000), 0);
	g.rounding = "half_up";
	assert_int_equal(program_points_for(&g, 9950, 10000), 100);  /* 99.5 */
	assert_int_equal(program_points_for(&g, 9949, 10000), 99);
	g.points_per_yuan = 0;
	assert_int_equal(program_points_for(&g, 100000, 10000), 0);
	g.expiry_days = 0;
	assert_int_equal(program_expiry(&g, 5), 0);
	g.expiry_days = 2;
	assert_int_equal(program_expiry(&g, 5), 5 + 2 * 86400000LL);
}

/* check-db's recomputation sees a balance changed behind the ledger's back. */
static void test_check_finds_differences(void **state)
{
	struct lfx *l = lfx_of(state);
	int64_t c = customer(l);
	sell(l, c, 1, 0, 10000);
	invariants(l, c);
	struct err e;
	err_init(&e);
	assert_int_equal(db_write(l->f.db, &e, "UPDATE customers SET points_balance = 101, "
						"sv_bonus_balance = -1 WHERE id = ?", "i", c), 0);
	struct buf b;
	buf_init(&b, 0);
	int64_t problems = 0;
	assert_int_equal(loyalty_check(l->f.db, &b, &problems, &e), 0);
	assert_int_equal(problems, 4); /* ledger, lots, stored value, negative */
	assert_non_null(strstr(b.data, "ledger sums to 100"));
	buf_release(&b);
}

/* The day × store × customer rollup equals its recomputation from the
 * sales and returns, both ways. */
static void customer_rollup_ok(struct lfx *l)
{
	const char *stored = "SELECT day, store_id, customer_id, orders, revenue "
			     "FROM rollup_day_store_customer";
	char *a = arena_printf(l->f.a, "SELECT COUNT(*) FROM (%s EXCEPT %s) x", stored,
			       rollup_customer_recompute);
	char *b = arena_printf(l->f.a, "SELECT COUNT(*) FROM (%s EXCEPT %s) x",
			       rollup_customer_recompute, stored);
	assert_int_equal(q1(&l->f, a, "", 0, 0), 0);
	assert_int_equal(q1(&l->f, b, "", 0, 0), 0);
	assert_true(q1(&l->f, "SELECT COUNT(*) FROM rollup_day_store_customer", "", 0, 0) > 0);
}

/* 1,000 random earns, redemptions, returns, voids, adjustments and
 * expiries over three customers: the invariants hold after each step. */
static void test_conservation(void **state)
{
	struct lfx *l = lfx_of(state);
	unsigned seed = 20261206;
	int64_t cs[3] = {customer(l), customer(l), customer(l)};
	int64_t sales[64];
	int nsales = 0;
	int64_t clock = ts_now_ms();
	for (int step = 0; step < 1000; step++) {
		seed = seed * 1103515245u + 12345u;
		unsigned r = (seed >> 16) & 0x7fff;
		int64_t c = cs[r % 3];
		int64_t bal = col(l, "points_balance", c);
		switch ((r >> 2) % 6) {
		case 0:
		case 1: { /* a sale, sometimes redeeming */
			int qty = 1 + (int)(r % 3);
			int64_t pts = (r & 8) && bal > 0 ? 1 + (int64_t)(r % (unsigned)(bal < 400 ? bal : 400)) : 0;
			if (pts * 1 > qty * 10000 / 2)
				pts = 0;
			int64_t id;
			if (sell_full(l, c, l->product, qty, pts,
				      pay(l, "cash", (int64_t)qty * 10000 - pts, NULL, 0), 1, 0, &id) == 0 &&
			    nsales < 64)
				sales[nsales++] = id;
			break;
		}
		case 2: /* a return of one unit */
			if (nsales)
				do_return(l, sales[r % (unsigned)nsales], 1, NULL);
			break;
		case 3: { /* a void */
			json_t *s = NULL;
			if (nsales && sale_void(l->f.db, l->f.a, &l->f.who, sales[r % (unsigned)nsales],
						"test", &s, &l->f.e) == 0)
				json_decref(s);
			err_init(&l->f.e);
			break;
		}
		case 4: { /* an adjustment */
			json_t *o = NULL;
			int64_t p = (int64_t)(r % 200) - 100;
			err_init(&l->f.e);
			if (points_adjust(l->f.db, &l->f.who, c, p ? p : 1, "random", &o, &l->f.e) == 0)
				json_decref(o);
			err_init(&l->f.e);
			break;
		}
		default: /* expiry, the clock moving on */
			clock += 40LL * 86400000;
			assert_int_equal(points_expire_run(l->f.db, clock, NULL, &l->f.e), 0);
		}
		if (step % 50 == 49)
			for (int i = 0; i < 3; i++)
				invariants(l, cs[i]);
		if (nsales == 64)
			nsales = 0;
	}
	for (int i = 0; i < 3; i++)
		invariants(l, cs[i]);
	journal_ok(l);
	customer_rollup_ok(l);
	fprintf(stderr, "conservation: %lld sales, %lld returns, %lld voids, %lld redeemed, "
		"%lld expired, %lld owed settlements\n",
		(long long)q1(&l->f, "SELECT COUNT(*) FROM sales", "", 0, 0),
		(long long)q1(&l->f, "SELECT COUNT(*) FROM sale_returns", "", 0, 0),
		(long long)q1(&l->f, "SELECT COUNT(*) FROM sales WHERE status = 'voided'", "", 0, 0),
		(long long)q1(&l->f, "SELECT COUNT(*) FROM points_ledger WHERE kind = 'redeem'", "", 0, 0),
		(long long)q1(&l->f, "SELECT COUNT(*) FROM points_ledger WHERE kind = 'expire'", "", 0, 0),
		(long long)q1(&l->f, "SELECT COUNT(*) FROM points_ledger WHERE kind = 'owed'", "", 0, 0));
	assert_true(q1(&l->f, "SELECT COUNT(*) FROM points_ledger WHERE kind = 'redeem'", "", 0, 0) > 20);
	assert_true(q1(&l->f, "SELECT COUNT(*) FROM sale_returns", "", 0, 0) > 20);
	assert_true(q1(&l->f, "SELECT COUNT(*) FROM points_ledger WHERE kind = 'expire'", "", 0, 0) > 0);
}

#define TESTS(setup, teardown)                                                       \
	cmocka_unit_test_setup_teardown(test_earn_redeem, setup, teardown),                 \
	    cmocka_unit_test_setup_teardown(test_redeem_refused, setup, teardown),          \
	    cmocka_unit_test_setup_teardown(test_program_rules, setup, teardown),           \
	    cmocka_unit_test_setup_teardown(test_return_owed_and_settle, setup, teardown),  \
	    cmocka_unit_test_setup_teardown(test_points_refund_tender, setup, teardown),    \
	    cmocka_unit_test_setup_teardown(test_stored_value, setup, teardown),            \
	    cmocka_unit_test_setup_teardown(test_bonus_first, setup, teardown),             \
	    cmocka_unit_test_setup_teardown(test_void_gives_everything_back, setup, teardown), \
	    cmocka_unit_test_setup_teardown(test_tiers, setup, teardown),                   \
	    cmocka_unit_test_setup_teardown(test_tier_upgrade_after_concurrent_sale, setup,  \
					    teardown),                                       \
	    cmocka_unit_test_setup_teardown(test_expiry_and_adjust, setup, teardown),       \
	    cmocka_unit_test_setup_teardown(test_check_finds_differences, setup, teardown), \
	    cmocka_unit_test_setup_teardown(test_write_rechecks, setup, teardown),          \
	    cmocka_unit_test_setup_teardown(test_conservation, setup, teardown)

int main(void)
{
	const struct CMUnitTest sqlite[] = {TESTS(setup, teardown)};
	const struct CMUnitTest pg[] = {TESTS(setup_pg, teardown_pg)};
	const struct CMUnitTest pure[] = {cmocka_unit_test(test_points_arithmetic)};
	int failed = cmocka_run_group_tests_name("points arithmetic", pure, NULL, NULL);
	failed += cmocka_run_group_tests_name("loyalty sale, SQLite", sqlite, NULL, NULL);
	return failed + cmocka_run_group_tests_name("loyalty sale, PostgreSQL", pg, NULL, NULL);
}
