/* test_promo.c: the promotion engine: each kind, scopes, priority order,
 * exclusive against stackable rules, prorating and overflow. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/money.h"
#include "domain/promo/promo_engine.h"

/* ---- builders ---------------------------------------------------------- */

static struct promo_context ctx_at(int64_t store, const char *tier, const char *day, int weekday,
                                   int minute)
{
	struct promo_context c = {0};

	c.store_id = store;
	c.customer_tier = tier;
	snprintf(c.day, sizeof c.day, "%s", day);
	c.weekday = weekday;
	c.minute = minute;
	return c;
}

/* Store 1, no tier, Wednesday 2026-05-06 at 10:00. */
static struct promo_context ctx0(void)
{
	return ctx_at(1, NULL, "2026-05-06", 3, 600);
}

static struct promo_rule rule(int64_t id, enum promo_kind k)
{
	struct promo_rule r;

	memset(&r, 0, sizeof r);
	r.id = id;
	r.name = "rule";
	r.kind = k;
	r.minute_from = r.minute_to = -1;
	return r;
}

static struct promo_rule percent(int64_t id, int64_t bp)
{
	struct promo_rule r = rule(id, PROMO_PERCENT_OFF);

	r.percent.bp = bp;
	return r;
}

static struct promo_rule every(int64_t id, int64_t step, int64_t off)
{
	struct promo_rule r = rule(id, PROMO_SPEND_THRESHOLD);

	r.spend.every = step;
	r.spend.off = off;
	return r;
}

static struct promo_line line(int64_t product, int64_t price, int64_t qty)
{
	struct promo_line l;

	memset(&l, 0, sizeof l);
	l.product_id = product;
	l.unit_price = price;
	l.quantity = qty;
	return l;
}

/* The invariants every result keeps: parts add up to the line discount,
 * discounts within [0, gross], totals the sums of the lines. */
static void check_invariants(const struct promo_result *r)
{
	int64_t sub = 0, disc = 0;

	for (int i = 0; i < r->nlines; i++) {
		const struct promo_line_result *l = &r->lines[i];
		int64_t parts = 0;

		for (int p = 0; p < l->nparts; p++) {
			assert_true(l->parts[p].amount > 0);
			parts += l->parts[p].amount;
		}
		assert_int_equal(parts, l->discount);
		assert_true(l->discount >= 0 && l->discount <= l->gross);
		assert_int_equal(l->total, l->gross - l->discount);
		assert_int_equal(l->rule_id == 0, l->nparts == 0);
		sub += l->gross;
		disc += l->discount;
	}
	assert_int_equal(r->subtotal, sub);
	assert_int_equal(r->discount_total, disc);
	assert_int_equal(r->total, sub - disc);
}

/* Runs the engine, expecting success; checks the invariants. */
static void run(const struct promo_line *lines, int nlines, const struct promo_rule *rules,
                int nrules, const struct promo_context *ctx, struct promo_result *res)
{
	struct promo_basket b = {lines, nlines};
	struct err e;

	err_init(&e);
	int rc = promo_apply(&b, rules, nrules, ctx, res, &e);
	if (rc != 0)
		fail_msg("promo_apply: %d %s", rc, e.msg);
	check_invariants(res);
}

/* The amount rule `rule_id` gave line i (0 if none). */
static int64_t part(const struct promo_result *r, int i, int64_t rule_id)
{
	for (int p = 0; p < r->lines[i].nparts; p++)
		if (r->lines[i].parts[p].rule_id == rule_id)
			return r->lines[i].parts[p].amount;
	return 0;
}

/* ---- kinds ------------------------------------------------------------- */

static void test_kind_names(void **state)
{
	assert_int_equal(promo_kind_parse("buy_x_get_y"), PROMO_BUY_X_GET_Y);
	assert_int_equal(promo_kind_parse("gift"), PROMO_GIFT);
	assert_int_equal(promo_kind_parse("nope"), 0);
	assert_int_equal(promo_kind_parse(NULL), 0);
	assert_string_equal(promo_kind_name(PROMO_SPEND_THRESHOLD), "spend_threshold");
	assert_null(promo_kind_name(0));
	assert_null(promo_kind_name(7));
}

static void test_percent_off(void **state)
{
	struct promo_line l[] = {line(1, 1299, 2000), line(2, 1999, 500)};
	struct promo_rule r[] = {percent(7, 1000)};
	struct promo_context c = ctx0();
	struct promo_result res;

	run(l, 2, r, 1, &c, &res);
	assert_int_equal(res.lines[0].gross, 2598);
	assert_int_equal(res.lines[0].discount, 260); /* 259.8 */
	assert_int_equal(res.lines[1].gross, 1000);   /* 0.5 kg × 19.99 = 9.995 */
	assert_int_equal(res.lines[1].discount, 100);
	assert_int_equal(res.lines[0].rule_id, 7);
	assert_int_equal(res.lines[0].nparts, 1);
	assert_int_equal(res.napplied, 1);
	assert_int_equal(res.applied[0].rule_id, 7);
	assert_int_equal(res.applied[0].amount, 360);
	assert_int_equal(res.total, 3598 - 360);
	promo_result_release(&res);
	assert_null(res.lines);

	/* 100%: the line is free, never negative */
	r[0] = percent(7, 10000);
	run(l, 2, r, 1, &c, &res);
	assert_int_equal(res.total, 0);
	promo_result_release(&res);
}

static void test_amount_off(void **state)
{
	struct promo_line l[] = {line(1, 1000, 3000), line(2, 2000, 500), line(3, 300, 1000)};
	struct promo_rule r[] = {rule(1, PROMO_AMOUNT_OFF)};
	struct promo_context c = ctx0();
	struct promo_result res;

	r[0].amount.value = 100;
	r[0].amount.per = PROMO_PER_UNIT;
	run(l, 3, r, 1, &c, &res);
	assert_int_equal(res.lines[0].discount, 300); /* 3 units */
	assert_int_equal(res.lines[1].discount, 50);  /* 0.5 kg */
	assert_int_equal(res.lines[2].discount, 100);
	promo_result_release(&res);

	r[0].amount.per = PROMO_PER_LINE;
	run(l, 3, r, 1, &c, &res);
	assert_int_equal(res.lines[0].discount, 100);
	assert_int_equal(res.lines[1].discount, 100);
	assert_int_equal(res.lines[2].discount, 100);
	promo_result_release(&res);

	/* more than the line is worth: capped at its gross */
	r[0].amount.value = 500;
	run(l, 3, r, 1, &c, &res);
	assert_int_equal(res.lines[2].discount, 300);
	assert_int_equal(res.lines[2].total, 0);
	promo_result_release(&res);

	/* per unit, a huge amount on a huge quantity: capped, no overflow */
	struct promo_line big[] = {line(1, 1, QTY_MAX)};
	r[0].amount.value = MONEY_MAX;
	r[0].amount.per = PROMO_PER_UNIT;
	run(big, 1, r, 1, &c, &res);
	assert_int_equal(res.lines[0].discount, res.lines[0].gross);
	promo_result_release(&res);
}

static void test_second_half_price(void **state)
{
	/* 第二件半价: X=1, Y=1, 50% */
	struct promo_rule r[] = {rule(3, PROMO_BUY_X_GET_Y)};
	struct promo_context c = ctx0();
	struct promo_result res;

	r[0].bxgy.buy = 1;
	r[0].bxgy.get = 1;
	r[0].bxgy.bp = 5000;

	struct promo_line two[] = {line(1, 1000, 2000)};
	run(two, 1, r, 1, &c, &res);
	assert_int_equal(res.lines[0].discount, 500);
	promo_result_release(&res);

	struct promo_line three[] = {line(1, 1000, 3000)};
	run(three, 1, r, 1, &c, &res);
	assert_int_equal(res.lines[0].discount, 500); /* one pair only */
	promo_result_release(&res);

	struct promo_line one[] = {line(1, 1000, 1000)};
	run(one, 1, r, 1, &c, &res);
	assert_int_equal(res.lines[0].discount, 0);
	assert_int_equal(res.napplied, 0);
	promo_result_release(&res);

	/* two different products: the cheaper one is half price */
	struct promo_line mixed[] = {line(1, 3000, 1000), line(2, 999, 1000)};
	run(mixed, 2, r, 1, &c, &res);
	assert_int_equal(res.lines[0].discount, 0);
	assert_int_equal(res.lines[1].discount, 500); /* 499.5 rounded half up */
	promo_result_release(&res);

	/* a weighed line counts whole units only: 2.5 kg is 2 units */
	struct promo_line kg[] = {line(1, 1000, 2500)};
	run(kg, 1, r, 1, &c, &res);
	/* one unit of the line's net 2500 / 2.5 = 1000, at 50% */
	assert_int_equal(res.lines[0].discount, 500);
	promo_result_release(&res);
}

static void test_cheapest_free_mixed_prices(void **state)
{
	/* buy 2 get 1 free over A 30.00 × 2, B 10.00 × 1, C 20.00 × 3:
	 * 6 units, 2 groups, the 2 cheapest units (B, one C) are free. */
	struct promo_line l[] = {line(1, 3000, 2000), line(2, 1000, 1000), line(3, 2000, 3000)};
	struct promo_rule r[] = {rule(4, PROMO_BUY_X_GET_Y)};
	struct promo_context c = ctx0();
	struct promo_result res;

	r[0].bxgy.buy = 2;
	r[0].bxgy.get = 1;
	r[0].bxgy.bp = 10000;
	run(l, 3, r, 1, &c, &res);
	assert_int_equal(res.lines[0].discount, 0);
	assert_int_equal(res.lines[1].discount, 1000);
	assert_int_equal(res.lines[2].discount, 2000);
	assert_int_equal(res.discount_total, 3000);
	promo_result_release(&res);

	/* 5 units: one group, only B is free */
	l[2].quantity = 2000;
	run(l, 3, r, 1, &c, &res);
	assert_int_equal(res.lines[1].discount, 1000);
	assert_int_equal(res.lines[2].discount, 0);
	promo_result_release(&res);
}

static void test_spend_threshold_every(void **state)
{
	/* 满 300 减 50, repeating */
	struct promo_line l[] = {line(1, 40000, 1000), line(2, 25000, 1000)};
	struct promo_rule r[] = {every(9, 30000, 5000)};
	struct promo_context c = ctx0();
	struct promo_result res;

	run(l, 2, r, 1, &c, &res);
	assert_int_equal(res.discount_total, 10000); /* 650 → twice 50 */
	/* prorated 40000 : 25000 → 6153.8 and 3846.2: floors 6153 + 3846, the
	 * fen left over goes to the largest line */
	assert_int_equal(res.lines[0].discount, 6154);
	assert_int_equal(res.lines[1].discount, 3846);
	promo_result_release(&res);

	/* one fen short of the threshold: nothing */
	struct promo_line s[] = {line(1, 29999, 1000)};
	run(s, 1, r, 1, &c, &res);
	assert_int_equal(res.discount_total, 0);
	assert_int_equal(res.napplied, 0);
	promo_result_release(&res);

	/* with a cap */
	r[0].spend.max_off = 7500;
	run(l, 2, r, 1, &c, &res);
	assert_int_equal(res.discount_total, 7500);
	promo_result_release(&res);
}

static void test_spend_threshold_tiers(void **state)
{
	struct promo_tier t[] = {{10000, 1000}, {20000, 3000}, {50000, 8000}};
	struct promo_rule r[] = {rule(2, PROMO_SPEND_THRESHOLD)};
	struct promo_context c = ctx0();
	struct promo_result res;

	r[0].spend.tiers = t;
	r[0].spend.ntiers = 3;
	struct promo_line a[] = {line(1, 25000, 1000)};
	run(a, 1, r, 1, &c, &res);
	assert_int_equal(res.discount_total, 3000);
	promo_result_release(&res);

	struct promo_line b[] = {line(1, 50000, 1000)};
	run(b, 1, r, 1, &c, &res);
	assert_int_equal(res.discount_total, 8000);
	promo_result_release(&res);

	struct promo_line d[] = {line(1, 9999, 1000)};
	run(d, 1, r, 1, &c, &res);
	assert_int_equal(res.discount_total, 0);
	promo_result_release(&res);
}

static void test_prorate_loses_no_fen(void **state)
{
	/* ¥50 off over ¥100.01, ¥33.33, ¥0.01 */
	struct promo_tier t[] = {{10000, 5000}};
	struct promo_line l[] = {line(1, 10001, 1000), line(2, 3333, 1000), line(3, 1, 1000)};
	struct promo_rule r[] = {rule(1, PROMO_SPEND_THRESHOLD)};
	struct promo_context c = ctx0();
	struct promo_result res;

	r[0].spend.tiers = t;
	r[0].spend.ntiers = 1;
	run(l, 3, r, 1, &c, &res);
	/* floors 3749 + 1249 + 0 = 4998; the 2 fen left go to the largest */
	assert_int_equal(res.lines[0].discount, 3751);
	assert_int_equal(res.lines[1].discount, 1249);
	assert_int_equal(res.lines[2].discount, 0);
	assert_int_equal(res.discount_total, 5000);
	assert_int_equal(res.total, 13335 - 5000);
	promo_result_release(&res);

	/* 100 lines of ¥0.01 and ¥0.99 off: every share rounds down to 0 and
	 * the remainder cannot all sit on one line: it moves on, never past a
	 * line's gross. */
	struct promo_line many[100];
	struct promo_tier t2[] = {{100, 99}};
	for (int i = 0; i < 100; i++)
		many[i] = line(i + 1, 1, 1000);
	r[0].spend.tiers = t2;
	run(many, 100, r, 1, &c, &res);
	assert_int_equal(res.discount_total, 99);
	int zero = 0;
	for (int i = 0; i < 100; i++)
		zero += res.lines[i].discount == 0;
	assert_int_equal(zero, 1);
	assert_int_equal(res.lines[99].discount, 0); /* first of equals first */
	promo_result_release(&res);
}

static void test_bundle(void **state)
{
	/* any 3 for ¥99: units 50, 50, 40, 30, 30, 10 (desc). The first group
	 * (140) saves 41; the next (70) would cost more than 99: one bundle. */
	struct promo_line l[] = {line(1, 5000, 2000), line(2, 4000, 1000), line(3, 3000, 2000),
	                         line(4, 1000, 1000)};
	struct promo_rule r[] = {rule(5, PROMO_BUNDLE_PRICE)};
	struct promo_context c = ctx0();
	struct promo_result res;

	r[0].bundle.size = 3;
	r[0].bundle.price = 9900;
	run(l, 4, r, 1, &c, &res);
	assert_int_equal(res.discount_total, 4100);
	/* spread over 100.00 and 40.00: 2928 + 1171, +1 on the largest */
	assert_int_equal(res.lines[0].discount, 2929);
	assert_int_equal(res.lines[1].discount, 1171);
	assert_int_equal(res.lines[2].discount, 0);
	assert_int_equal(res.lines[3].discount, 0);
	/* the bundle costs exactly 99 */
	assert_int_equal(res.lines[0].total + res.lines[1].total, 9900);
	promo_result_release(&res);

	/* more items than fit: 7 × 40 → 2 bundles, 1 unit at full price */
	struct promo_line seven[] = {line(1, 4000, 7000)};
	run(seven, 1, r, 1, &c, &res);
	assert_int_equal(res.discount_total, 2 * (12000 - 9900));
	assert_int_equal(res.lines[0].total, 2 * 9900 + 4000);
	promo_result_release(&res);

	/* a group across lines after whole groups in one line: 4 × 40 and
	 * 2 × 35 → (40,40,40) and (40,35,35): both save */
	struct promo_line across[] = {line(1, 4000, 4000), line(2, 3500, 2000)};
	run(across, 2, r, 1, &c, &res);
	assert_int_equal(res.discount_total, (12000 - 9900) + (11000 - 9900));
	assert_int_equal(res.total, 2 * 9900);
	promo_result_release(&res);

	/* bundles that would cost more than the items: nothing */
	struct promo_line cheap[] = {line(1, 1000, 3000)};
	run(cheap, 1, r, 1, &c, &res);
	assert_int_equal(res.discount_total, 0);
	assert_int_equal(res.napplied, 0);
	promo_result_release(&res);

	/* fewer units than a bundle: nothing */
	struct promo_line few[] = {line(1, 9000, 2000)};
	run(few, 1, r, 1, &c, &res);
	assert_int_equal(res.discount_total, 0);
	promo_result_release(&res);
}

static void test_gift(void **state)
{
	struct promo_rule r[] = {rule(6, PROMO_GIFT)};
	struct promo_context c = ctx0();
	struct promo_result res;

	r[0].gift.product_id = 77;
	r[0].gift.quantity = 1000;
	r[0].gift.min_spend = 20000;
	struct promo_line yes[] = {line(1, 12500, 2000)};
	run(yes, 1, r, 1, &c, &res);
	assert_int_equal(res.ngifts, 1);
	assert_int_equal(res.gifts[0].rule_id, 6);
	assert_int_equal(res.gifts[0].product_id, 77);
	assert_int_equal(res.gifts[0].quantity, 1000);
	assert_int_equal(res.discount_total, 0);
	assert_int_equal(res.napplied, 1);
	assert_true(res.applied[0].gift);
	promo_result_release(&res);

	struct promo_line no[] = {line(1, 15000, 1000)};
	run(no, 1, r, 1, &c, &res);
	assert_int_equal(res.ngifts, 0);
	promo_result_release(&res);

	/* triggered by buying 2 of product 5 */
	int64_t pid[] = {5};
	r[0].gift.min_spend = 0;
	r[0].gift.min_quantity = 2000;
	r[0].product_ids = pid;
	r[0].nproduct_ids = 1;
	struct promo_line p2[] = {line(5, 100, 2000), line(6, 100000, 1000)};
	run(p2, 2, r, 1, &c, &res);
	assert_int_equal(res.ngifts, 1);
	promo_result_release(&res);
	p2[0].quantity = 1500;
	run(p2, 2, r, 1, &c, &res);
	assert_int_equal(res.ngifts, 0);
	promo_result_release(&res);
}

/* ---- scopes ------------------------------------------------------------ */

/* The discount a 10% rule r gives one line of ¥10 in product 1, category 8
 * (under 4, under 2), in context c. */
static int64_t scoped(const struct promo_rule *r, const struct promo_context *c)
{
	static const int64_t chain[] = {8, 4, 2};
	struct promo_line l = line(1, 1000, 1000);
	struct promo_result res;
	int64_t d;

	l.category_id = 8;
	l.category_ids = chain;
	l.ncategory_ids = 3;
	run(&l, 1, r, 1, c, &res);
	d = res.discount_total;
	promo_result_release(&res);
	return d;
}

static void test_scope_store_product_category(void **state)
{
	struct promo_context c = ctx0();
	struct promo_rule r = percent(1, 1000);
	int64_t stores[] = {2, 3}, mine[] = {1}, products[] = {9}, product1[] = {1};
	int64_t cat_root[] = {2}, cat_leaf[] = {8}, cat_other[] = {5};

	assert_int_equal(scoped(&r, &c), 100);
	r.store_ids = stores;
	r.nstore_ids = 2;
	assert_int_equal(scoped(&r, &c), 0);
	r.store_ids = mine;
	r.nstore_ids = 1;
	assert_int_equal(scoped(&r, &c), 100);

	r.product_ids = products;
	r.nproduct_ids = 1;
	assert_int_equal(scoped(&r, &c), 0);
	r.product_ids = product1;
	assert_int_equal(scoped(&r, &c), 100);

	/* categories: the line's own, an ancestor, or another */
	r.nproduct_ids = 0;
	r.category_ids = cat_leaf;
	r.ncategory_ids = 1;
	assert_int_equal(scoped(&r, &c), 100);
	r.category_ids = cat_root; /* "Food" matches "Food / Dairy / Milk" */
	assert_int_equal(scoped(&r, &c), 100);
	r.category_ids = cat_other;
	assert_int_equal(scoped(&r, &c), 0);
	/* products or categories: either admits the line */
	r.product_ids = product1;
	r.nproduct_ids = 1;
	assert_int_equal(scoped(&r, &c), 100);
}

static void test_scope_tier(void **state)
{
	struct promo_context c = ctx0();
	struct promo_rule r = percent(1, 1000);
	const char *tiers[] = {"gold", "platinum"};

	r.customer_tiers = tiers;
	r.ncustomer_tiers = 2;
	assert_int_equal(scoped(&r, &c), 0); /* no customer */
	c.customer_tier = "silver";
	assert_int_equal(scoped(&r, &c), 0);
	c.customer_tier = "gold";
	assert_int_equal(scoped(&r, &c), 100);
	r.ncustomer_tiers = 0; /* any customer, also none */
	c.customer_tier = NULL;
	assert_int_equal(scoped(&r, &c), 100);
}

static void test_scope_dates_weekdays_hours(void **state)
{
	struct promo_context c = ctx0(); /* 2026-05-06, Wednesday, 10:00 */
	struct promo_rule r = percent(1, 1000);

	r.starts_on = "2026-05-06";
	r.ends_on = "2026-05-06";
	assert_int_equal(scoped(&r, &c), 100); /* both ends inclusive */
	r.starts_on = "2026-05-07";
	r.ends_on = NULL;
	assert_int_equal(scoped(&r, &c), 0); /* not yet */
	r.starts_on = NULL;
	r.ends_on = "2026-05-05";
	assert_int_equal(scoped(&r, &c), 0); /* over */
	r.ends_on = NULL;

	r.weekdays = (1u << 6) | (1u << 7); /* weekends */
	assert_int_equal(scoped(&r, &c), 0);
	r.weekdays |= 1u << 3;
	assert_int_equal(scoped(&r, &c), 100);
	c = ctx_at(1, NULL, "2026-05-10", 7, 600); /* Sunday */
	assert_int_equal(scoped(&r, &c), 100);
	r.weekdays = 0;

	c = ctx0();
	r.minute_from = 9 * 60;
	r.minute_to = 12 * 60;
	assert_int_equal(scoped(&r, &c), 100);
	c.minute = 9 * 60; /* from is inclusive */
	assert_int_equal(scoped(&r, &c), 100);
	c.minute = 12 * 60; /* to is not */
	assert_int_equal(scoped(&r, &c), 0);
	c.minute = 8 * 60 + 59;
	assert_int_equal(scoped(&r, &c), 0);
	r.minute_from = 22 * 60;
	r.minute_to = 1440;
	c.minute = 1439;
	assert_int_equal(scoped(&r, &c), 100);
}

/* ---- order and combinations -------------------------------------------- */

static void test_priority_order(void **state)
{
	struct promo_line l[] = {line(1, 1000, 1000)};
	struct promo_rule r[] = {percent(1, 1000), rule(2, PROMO_AMOUNT_OFF)};
	struct promo_context c = ctx0();
	struct promo_result res;

	r[1].amount.value = 100;
	r[1].amount.per = PROMO_PER_LINE;
	/* amount first (priority 5), then 10% of 900 */
	r[0].priority = 1;
	r[1].priority = 5;
	run(l, 1, r, 2, &c, &res);
	assert_int_equal(part(&res, 0, 2), 100);
	assert_int_equal(part(&res, 0, 1), 90);
	assert_int_equal(res.lines[0].parts[0].rule_id, 2); /* in run order */
	assert_int_equal(res.applied[0].rule_id, 2);
	promo_result_release(&res);

	/* percent first: 100, then 100 */
	r[0].priority = 5;
	r[1].priority = 1;
	run(l, 1, r, 2, &c, &res);
	assert_int_equal(part(&res, 0, 1), 100);
	assert_int_equal(part(&res, 0, 2), 100);
	assert_int_equal(res.lines[0].parts[0].rule_id, 1);
	promo_result_release(&res);

	/* equal priorities: lower id first */
	r[0].priority = r[1].priority = 0;
	r[0].id = 20;
	run(l, 1, r, 2, &c, &res);
	assert_int_equal(res.lines[0].parts[0].rule_id, 2);
	assert_int_equal(part(&res, 0, 20), 90);
	promo_result_release(&res);
}

static void test_exclusive_vs_stackable(void **state)
{
	struct promo_line l[] = {line(1, 1000, 1000), line(2, 1000, 1000)};
	int64_t only1[] = {1};
	struct promo_rule r[] = {percent(1, 2000), percent(2, 1000)};
	struct promo_context c = ctx0();
	struct promo_result res;

	r[0].product_ids = only1;
	r[0].nproduct_ids = 1;
	r[0].priority = 10;

	/* stackable: line 1 gets 20% then 10% of 800 */
	run(l, 2, r, 2, &c, &res);
	assert_int_equal(res.lines[0].discount, 200 + 80);
	assert_int_equal(res.lines[1].discount, 100);
	promo_result_release(&res);

	/* exclusive: line 1 keeps its 20% alone; line 2 is still open */
	r[0].exclusive = 1;
	run(l, 2, r, 2, &c, &res);
	assert_int_equal(res.lines[0].discount, 200);
	assert_int_equal(part(&res, 0, 2), 0);
	assert_int_equal(res.lines[1].discount, 100);
	promo_result_release(&res);

	/* an exclusive rule that does not apply locks nothing */
	c.store_id = 2;
	int64_t store1[] = {1};
	r[0].store_ids = store1;
	r[0].nstore_ids = 1;
	run(l, 2, r, 2, &c, &res);
	assert_int_equal(res.lines[0].discount, 100);
	promo_result_release(&res);

	/* an exclusive rule of lower priority still stacks on earlier ones */
	c = ctx0();
	r[0].priority = -1;
	run(l, 2, r, 2, &c, &res);
	assert_int_equal(part(&res, 0, 2), 100);
	assert_int_equal(part(&res, 0, 1), 180);
	promo_result_release(&res);
}

static void test_exclusive_locks_group_and_threshold_lines(void **state)
{
	/* An exclusive 第二件半价 on product 1 touches both units of line 1
	 * (the paid one too); the later 10% reaches line 2 only. */
	struct promo_line l[] = {line(1, 1000, 2000), line(2, 1000, 1000)};
	int64_t only1[] = {1};
	struct promo_rule r[] = {rule(1, PROMO_BUY_X_GET_Y), percent(2, 1000)};
	struct promo_context c = ctx0();
	struct promo_result res;

	r[0].bxgy.buy = r[0].bxgy.get = 1;
	r[0].bxgy.bp = 5000;
	r[0].product_ids = only1;
	r[0].nproduct_ids = 1;
	r[0].priority = 5;
	r[0].exclusive = 1;
	run(l, 2, r, 2, &c, &res);
	assert_int_equal(res.lines[0].discount, 500);
	assert_int_equal(res.lines[1].discount, 100);
	promo_result_release(&res);

	/* An exclusive threshold locks every line it counted: the gift rule
	 * after it sees no eligible line. */
	struct promo_rule t[] = {every(1, 1000, 100), rule(2, PROMO_GIFT)};
	t[0].exclusive = 1;
	t[0].priority = 1;
	t[1].gift.product_id = 3;
	t[1].gift.quantity = 1000;
	run(l, 2, t, 2, &c, &res);
	assert_int_equal(res.discount_total, 300);
	assert_int_equal(res.ngifts, 0);
	promo_result_release(&res);
	t[0].exclusive = 0;
	run(l, 2, t, 2, &c, &res);
	assert_int_equal(res.ngifts, 1);
	promo_result_release(&res);
}

static void test_percent_item_plus_threshold(void **state)
{
	/* 10% off product 1, then 满 300 减 50 on what is left of the basket:
	 * 180.00 + 150.00 = 330.00 → 50.00 prorated 18000 : 15000 */
	struct promo_line l[] = {line(1, 20000, 1000), line(2, 15000, 1000)};
	int64_t only1[] = {1};
	struct promo_rule r[] = {percent(1, 1000), every(2, 30000, 5000)};
	struct promo_context c = ctx0();
	struct promo_result res;

	r[0].product_ids = only1;
	r[0].nproduct_ids = 1;
	r[0].priority = 10;
	run(l, 2, r, 2, &c, &res);
	assert_int_equal(part(&res, 0, 1), 2000);
	assert_int_equal(part(&res, 0, 2), 2728); /* 2727.27 + the fen left */
	assert_int_equal(part(&res, 1, 2), 2272);
	assert_int_equal(res.lines[0].discount, 4728);
	assert_int_equal(res.lines[0].rule_id, 2); /* the larger part */
	assert_int_equal(res.discount_total, 7000);
	assert_int_equal(res.total, 28000);
	assert_int_equal(res.napplied, 2);
	promo_result_release(&res);

	/* the threshold first: 350.00 → 50 off; then 10% of line 1's rest */
	r[1].priority = 20;
	run(l, 2, r, 2, &c, &res);
	assert_int_equal(part(&res, 0, 2), 2858); /* 2857.14, + the fen left */
	assert_int_equal(part(&res, 1, 2), 2142); /* 2142.86 rounded down */
	assert_int_equal(part(&res, 0, 1), 1714); /* 10% of 17142 */
	promo_result_release(&res);
}

static void test_nothing_applies_and_empty(void **state)
{
	struct promo_line l[] = {line(1, 1000, 1000)};
	int64_t other[] = {99};
	struct promo_rule r[] = {percent(1, 1000)};
	struct promo_context c = ctx0();
	struct promo_result res;

	r[0].product_ids = other;
	r[0].nproduct_ids = 1;
	run(l, 1, r, 1, &c, &res);
	assert_int_equal(res.discount_total, 0);
	assert_int_equal(res.total, 1000);
	assert_int_equal(res.lines[0].nparts, 0);
	assert_int_equal(res.lines[0].rule_id, 0);
	assert_int_equal(res.napplied, 0);
	promo_result_release(&res);

	/* no rules */
	run(l, 1, NULL, 0, &c, &res);
	assert_int_equal(res.total, 1000);
	promo_result_release(&res);

	/* an empty basket: nothing, not even a gift without a trigger */
	struct promo_rule g[] = {rule(1, PROMO_GIFT), every(2, 100, 10)};
	g[0].gift.product_id = 5;
	g[0].gift.quantity = 1000;
	run(NULL, 0, g, 2, &c, &res);
	assert_int_equal(res.nlines, 0);
	assert_int_equal(res.ngifts, 0);
	assert_int_equal(res.subtotal, 0);
	assert_int_equal(res.total, 0);
	promo_result_release(&res);
	promo_result_release(&res); /* twice is safe */
}

static void test_quantities_in_thousandths(void **state)
{
	/* 0.5 kg at ¥19.99/kg = ¥9.995 → ¥10.00; ¥1 off per kg → ¥0.50 */
	struct promo_line l[] = {line(1, 1999, 500), line(2, 1000, 1)};
	struct promo_rule r[] = {rule(1, PROMO_AMOUNT_OFF)};
	struct promo_context c = ctx0();
	struct promo_result res;

	r[0].amount.value = 100;
	r[0].amount.per = PROMO_PER_UNIT;
	run(l, 2, r, 1, &c, &res);
	assert_int_equal(res.lines[0].gross, 1000);
	assert_int_equal(res.lines[0].discount, 50);
	assert_int_equal(res.lines[1].gross, 1);    /* 1 g of ¥10/kg */
	assert_int_equal(res.lines[1].discount, 0); /* 0.1 fen rounds to 0 */
	promo_result_release(&res);
}

/* ---- errors ------------------------------------------------------------ */

static int apply_err(const struct promo_line *l, int n, const struct promo_rule *r, int nr,
                     struct err *e)
{
	struct promo_basket b = {l, n};
	struct promo_context c = ctx0();
	struct promo_result res;

	err_init(e);
	int rc = promo_apply(&b, r, nr, &c, &res, e);
	assert_null(res.lines);
	assert_int_equal(res.nlines, 0);
	return rc;
}

static int has_field(const struct err *e, const char *f)
{
	for (int i = 0; i < e->nfields; i++)
		if (strcmp(e->fields[i].field, f) == 0)
			return 1;
	return 0;
}

static void test_overflow_and_bad_input(void **state)
{
	struct err e;

	/* a line past int64: price × quantity */
	struct promo_line huge[] = {line(1, MONEY_MAX, QTY_MAX)};
	assert_int_equal(apply_err(huge, 1, NULL, 0, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "overflows"));

	/* each line fits, their sum does not */
	struct promo_line two[] = {line(1, MONEY_MAX, 900000 * 1000),
	                           line(2, MONEY_MAX, 900000 * 1000)};
	assert_int_equal(apply_err(two, 2, NULL, 0, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "subtotal overflows"));

	/* bad lines: every one named */
	struct promo_line bad[] = {line(1, 100, 0), line(2, -1, 1000), line(3, 100, -5)};
	assert_int_equal(apply_err(bad, 3, NULL, 0, &e), ERR_INVALID);
	assert_true(has_field(&e, "lines[0].quantity"));
	assert_true(has_field(&e, "lines[1].unit_price"));
	assert_true(has_field(&e, "lines[2].quantity"));

	/* a malformed rule is refused, naming it */
	struct promo_line ok[] = {line(1, 100, 1000)};
	struct promo_rule r[] = {percent(42, 0)};
	assert_int_equal(apply_err(ok, 1, r, 1, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "promotion 42"));
	assert_non_null(strstr(e.msg, "params.percent"));
}

static void expect_fields(const struct promo_rule *r, const char *const *fields)
{
	struct err e;

	err_init(&e);
	assert_int_equal(promo_rule_check(r, &e), ERR_INVALID);
	for (int i = 0; fields[i]; i++)
		if (!has_field(&e, fields[i]))
			fail_msg("field %s not reported (%d fields, first %s)", fields[i],
			         e.nfields, e.nfields ? e.fields[0].field : "-");
}

static void test_rule_check(void **state)
{
	struct err e;
	struct promo_rule r = percent(1, 1000);

	err_init(&e);
	assert_int_equal(promo_rule_check(&r, &e), 0);
	r.percent.bp = 10001;
	expect_fields(&r, (const char *[]){"params.percent", NULL});

	r = rule(1, PROMO_AMOUNT_OFF);
	expect_fields(&r, (const char *[]){"params.amount", "params.per", NULL});

	r = rule(1, PROMO_BUY_X_GET_Y);
	r.bxgy.buy = 0;
	r.bxgy.get = PROMO_MAX_GROUP + 1;
	expect_fields(&r, (const char *[]){"params.buy", "params.get", "params.percent", NULL});

	r = every(1, 30000, 30000);
	r.spend.max_off = 100;
	expect_fields(&r, (const char *[]){"params.off", "params.max_off", NULL});
	struct promo_tier bad[] = {{20000, 1000}, {20000, 500}, {30000, 30000}, {0, 0}};
	r = rule(1, PROMO_SPEND_THRESHOLD);
	expect_fields(&r, (const char *[]){"params.tiers", NULL});
	r.spend.tiers = bad;
	r.spend.ntiers = 4;
	expect_fields(&r,
	              (const char *[]){"params.tiers[1].threshold", "params.tiers[2].off",
	                               "params.tiers[3].threshold", "params.tiers[3].off", NULL});
	r.spend.every = 100;
	r.spend.off = 10;
	expect_fields(&r, (const char *[]){"params.tiers", NULL});

	r = rule(1, PROMO_BUNDLE_PRICE);
	r.bundle.size = 1;
	expect_fields(&r, (const char *[]){"params.size", "params.price", NULL});

	r = rule(1, PROMO_GIFT);
	r.gift.min_spend = -1;
	r.gift.min_quantity = -1;
	expect_fields(&r, (const char *[]){"params.product_id", "params.quantity",
	                                   "params.min_spend", "params.min_quantity", NULL});

	r = percent(1, 100);
	r.kind = 0;
	expect_fields(&r, (const char *[]){"kind", NULL});

	/* scope fields */
	int64_t dup[] = {3, 3}, neg[] = {-1};
	const char *tiers[] = {"gold", "gold"};
	r = percent(1, 100);
	r.store_ids = dup;
	r.nstore_ids = 2;
	r.product_ids = neg;
	r.nproduct_ids = 1;
	r.category_ids = dup;
	r.ncategory_ids = 2;
	r.customer_tiers = tiers;
	r.ncustomer_tiers = 2;
	r.starts_on = "2026-05-02";
	r.ends_on = "2026-05-01";
	r.weekdays = 1u; /* bit 0 is not a day */
	r.minute_from = 600;
	r.minute_to = 600;
	r.priority = PROMO_MAX_PRIORITY + 1;
	expect_fields(&r, (const char *[]){"store_ids", "product_ids", "category_ids", "tiers",
	                                   "ends_on", "weekdays", "hour_to", "priority", NULL});
	r = percent(1, 100);
	r.minute_from = 600;
	expect_fields(&r, (const char *[]){"hour_to", NULL});
	r.minute_from = -1;
	r.minute_to = 1441;
	expect_fields(&r, (const char *[]){"hour_from", "hour_to", NULL});
	r = percent(1, 100);
	r.starts_on = "2026-02-30";
	expect_fields(&r, (const char *[]){"starts_on", NULL});
}

/* ---- random baskets ---------------------------------------------------- */

static uint64_t rnd_state = 0x9E3779B97F4A7C15u;

static int64_t rnd(int64_t n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (int64_t)(rnd_state % (uint64_t)n);
}

static int cmp_asc(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Whole-unit baskets against a reference that lists every unit: buy X get
 * Y free gives the g×Y cheapest units; a bundle takes the dearest units
 * size at a time while a group costs more than the price. */
static void test_random_against_unit_reference(void **state)
{
	struct promo_context c = ctx0();

	for (int iter = 0; iter < 500; iter++) {
		struct promo_line l[6];
		int64_t units[64];
		int n = 1 + (int)rnd(6), nu = 0;

		for (int i = 0; i < n; i++) {
			l[i] = line(i + 1, 1 + rnd(5000), (1 + rnd(5)) * 1000);
			for (int k = 0; k < l[i].quantity / 1000; k++)
				units[nu++] = l[i].unit_price;
		}
		qsort(units, (size_t)nu, sizeof *units, cmp_asc);

		struct promo_rule r = rule(1, PROMO_BUY_X_GET_Y);
		struct promo_result res;
		r.bxgy.buy = 1 + rnd(3);
		r.bxgy.get = 1 + rnd(2);
		r.bxgy.bp = 10000;
		int64_t want = 0, groups = nu / (r.bxgy.buy + r.bxgy.get);
		for (int k = 0; k < groups * r.bxgy.get; k++)
			want += units[k];
		run(l, n, &r, 1, &c, &res);
		assert_int_equal(res.discount_total, want);
		promo_result_release(&res);

		r = rule(2, PROMO_BUNDLE_PRICE);
		r.bundle.size = 2 + rnd(3);
		r.bundle.price = 1 + rnd(8000);
		want = 0;
		for (int k = nu; k - r.bundle.size >= 0; k -= (int)r.bundle.size) {
			int64_t sum = 0;
			for (int j = k - (int)r.bundle.size; j < k; j++)
				sum += units[j];
			if (sum <= r.bundle.price)
				break;
			want += sum - r.bundle.price;
		}
		run(l, n, &r, 1, &c, &res);
		assert_int_equal(res.discount_total, want);
		promo_result_release(&res);
	}
}

/* Random rules of every kind over random baskets (fractional quantities
 * too): the invariants hold, each rule's amount is the sum of its parts,
 * and the order of the rules array does not matter. */
static void test_random_invariants(void **state)
{
	static const int64_t cats[] = {3, 2, 1};
	struct promo_tier tiers[] = {{5000, 500}, {20000, 3000}};
	struct promo_context c = ctx0();

	for (int iter = 0; iter < 500; iter++) {
		struct promo_line l[8];
		struct promo_rule r[6], rev[6];
		int64_t pids[6][2];
		int n = (int)rnd(9), nr = 1 + (int)rnd(6);

		for (int i = 0; i < n; i++) {
			l[i] = line(1 + rnd(4), rnd(20000), 1 + rnd(5000));
			if (rnd(2)) {
				l[i].category_id = 3;
				l[i].category_ids = cats;
				l[i].ncategory_ids = 3;
			}
		}
		for (int k = 0; k < nr; k++) {
			r[k] = rule(k + 1, (enum promo_kind)(1 + rnd(6)));
			r[k].priority = (int)rnd(3);
			r[k].exclusive = (int)rnd(2);
			r[k].percent.bp = 1 + rnd(10000);
			r[k].amount.value = 1 + rnd(3000);
			r[k].amount.per = rnd(2) ? PROMO_PER_UNIT : PROMO_PER_LINE;
			r[k].bxgy.buy = 1 + rnd(3);
			r[k].bxgy.get = 1 + rnd(2);
			r[k].bxgy.bp = 1 + rnd(10000);
			if (rnd(2)) {
				r[k].spend.every = 1000 + rnd(20000);
				r[k].spend.off = 1 + rnd(r[k].spend.every - 1);
			} else {
				r[k].spend.tiers = tiers;
				r[k].spend.ntiers = 2;
			}
			r[k].bundle.size = 2 + rnd(3);
			r[k].bundle.price = 1 + rnd(30000);
			r[k].gift.product_id = 99;
			r[k].gift.quantity = 1000;
			r[k].gift.min_spend = rnd(30000);
			if (rnd(3) == 0) {
				pids[k][0] = 1 + rnd(4);
				pids[k][1] = 1 + rnd(4);
				r[k].product_ids = pids[k];
				r[k].nproduct_ids = pids[k][0] == pids[k][1] ? 1 : 2;
			}
			rev[nr - 1 - k] = r[k];
		}
		struct promo_result a, b;
		run(l, n, r, nr, &c, &a);
		run(l, n, rev, nr, &c, &b);
		assert_int_equal(a.discount_total, b.discount_total);
		assert_int_equal(a.napplied, b.napplied);
		assert_int_equal(a.ngifts, b.ngifts);
		for (int i = 0; i < n; i++) {
			assert_int_equal(a.lines[i].discount, b.lines[i].discount);
			assert_int_equal(a.lines[i].nparts, b.lines[i].nparts);
		}
		assert_true(a.ngifts <= nr);
		for (int k = 0; k < a.napplied; k++) {
			int64_t sum = 0;

			for (int i = 0; i < n; i++)
				sum += part(&a, i, a.applied[k].rule_id);
			assert_int_equal(sum, a.applied[k].amount);
			assert_true(a.applied[k].amount > 0 || a.applied[k].gift);
		}
		promo_result_release(&a);
		promo_result_release(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_kind_names),
	    cmocka_unit_test(test_percent_off),
	    cmocka_unit_test(test_amount_off),
	    cmocka_unit_test(test_second_half_price),
	    cmocka_unit_test(test_cheapest_free_mixed_prices),
	    cmocka_unit_test(test_spend_threshold_every),
	    cmocka_unit_test(test_spend_threshold_tiers),
	    cmocka_unit_test(test_prorate_loses_no_fen),
	    cmocka_unit_test(test_bundle),
	    cmocka_unit_test(test_gift),
	    cmocka_unit_test(test_scope_store_product_category),
	    cmocka_unit_test(test_scope_tier),
	    cmocka_unit_test(test_scope_dates_weekdays_hours),
	    cmocka_unit_test(test_priority_order),
	    cmocka_unit_test(test_exclusive_vs_stackable),
	    cmocka_unit_test(test_exclusive_locks_group_and_threshold_lines),
	    cmocka_unit_test(test_percent_item_plus_threshold),
	    cmocka_unit_test(test_nothing_applies_and_empty),
	    cmocka_unit_test(test_quantities_in_thousandths),
	    cmocka_unit_test(test_overflow_and_bad_input),
	    cmocka_unit_test(test_rule_check),
	    cmocka_unit_test(test_random_against_unit_reference),
	    cmocka_unit_test(test_random_invariants),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
