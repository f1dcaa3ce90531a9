/* test_commission_calc.c: the pure commission arithmetic at every boundary
 * the plan rules have — tier brackets and linear interpolation at 79.99 %,
 * 80 %, 89.99 %, 90 %, 100 % and above; discount bands at their edges; the
 * margin gate; shared sales split 60/40 and three ways; the pool; returns
 * at the original rate; overflow refused; the rules JSON checked. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/money.h"
#include "domain/staff/commission_calc.h"

static struct cc_rules rules_of(const char *text)
{
	struct cc_rules r;
	struct err e;
	json_error_t je;
	json_t *o = json_loads(text, 0, &je);
	if (!o)
		fail_msg("bad JSON in the test: %s", je.text);
	err_init(&e);
	cc_rules_read(o, "rules", &r, &e);
	if (e.nfields || e.type_error)
		fail_msg("rules refused: %s %s", e.fields[0].field, e.fields[0].message);
	json_decref(o);
	return r;
}

/* The example: nothing below 80 %, ¥200 from 80 %, ¥300 from 90 %,
 * ¥500 from 100 %. */
static const char TIERS[] =
	"{\"attainment_bp\":8000,\"amount\":20000},{\"attainment_bp\":9000,\"amount\":30000},"
	"{\"attainment_bp\":10000,\"amount\":50000}";

static int64_t bonus_at(const struct cc_rules *r, int64_t sales, int64_t target, int64_t want_att)
{
	struct err e;
	int64_t att, bonus;
	err_init(&e);
	assert_int_equal(cc_tier(r, sales, target, &att, &bonus, &e), 0);
	assert_int_equal(att, want_att);
	return bonus;
}

static void test_brackets(void **state)
{
	char text[512];
	snprintf(text, sizeof text, "{\"tiers\":{\"mode\":\"brackets\",\"metric\":\"revenue\",\"levels\":[%s]}}", TIERS);
	struct cc_rules r = rules_of(text);
	const int64_t T = 1000000; /* ¥10,000 target */
	assert_int_equal(bonus_at(&r, 799900, T, 7999), 0);      /* 79.99 % */
	assert_int_equal(bonus_at(&r, 800000, T, 8000), 20000);  /* 80 % */
	assert_int_equal(bonus_at(&r, 899900, T, 8999), 20000);  /* 89.99 % */
	assert_int_equal(bonus_at(&r, 900000, T, 9000), 30000);  /* 90 % */
	assert_int_equal(bonus_at(&r, 999999, T, 9999), 30000);
	assert_int_equal(bonus_at(&r, 1000000, T, 10000), 50000); /* 100 % */
	assert_int_equal(bonus_at(&r, 2500000, T, 25000), 50000); /* flat above the top */
	assert_int_equal(bonus_at(&r, 0, T, 0), 0);
	assert_int_equal(bonus_at(&r, -5000, T, 0), 0);           /* net returns */
	assert_int_equal(bonus_at(&r, 900000, 0, 0), 0);          /* no target: no tier */
	/* 79.995 % rounds down to 79.99 %: not yet 80 %. */
	assert_int_equal(bonus_at(&r, 799950, T, 7999), 0);
}

static void test_linear(void **state)
{
	char text[512];
	snprintf(text, sizeof text, "{\"tiers\":{\"mode\":\"linear\",\"levels\":[%s]}}", TIERS);
	struct cc_rules r = rules_of(text);
	const int64_t T = 1000000;
	assert_int_equal(bonus_at(&r, 799900, T, 7999), 0);       /* below the first: nothing */
	assert_int_equal(bonus_at(&r, 800000, T, 8000), 20000);
	assert_int_equal(bonus_at(&r, 850000, T, 8500), 25000);   /* halfway */
	assert_int_equal(bonus_at(&r, 899900, T, 8999), 29990);   /* 20000 + 10000 × 999/1000 */
	assert_int_equal(bonus_at(&r, 900000, T, 9000), 30000);
	assert_int_equal(bonus_at(&r, 950000, T, 9500), 40000);
	assert_int_equal(bonus_at(&r, 1000000, T, 10000), 50000);
	assert_int_equal(bonus_at(&r, 1300000, T, 13000), 50000); /* flat above the top */
	/* 20000 + 10000 × 1/3000 ... rounding half away from zero once. */
	snprintf(text, sizeof text, "{\"tiers\":{\"mode\":\"linear\",\"levels\":["
		 "{\"attainment_bp\":8000,\"amount\":0},{\"attainment_bp\":11000,\"amount\":10000}]}}");
	r = rules_of(text);
	assert_int_equal(bonus_at(&r, 800100, T, 8001), 3);       /* 10000/3000 = 3.33 */
	assert_int_equal(bonus_at(&r, 800200, T, 8002), 7);       /* 6.67 */
}

static void test_rate_tiers(void **state)
{
	struct cc_rules r = rules_of("{\"tiers\":{\"mode\":\"brackets\",\"levels\":["
				     "{\"attainment_bp\":8000,\"rate_bp\":100},"
				     "{\"attainment_bp\":10000,\"rate_bp\":300}]}}");
	const int64_t T = 1000000;
	assert_int_equal(bonus_at(&r, 799900, T, 7999), 0);
	assert_int_equal(bonus_at(&r, 800000, T, 8000), 8000);    /* 1 % of ¥8,000 */
	assert_int_equal(bonus_at(&r, 999900, T, 9999), 9999);
	assert_int_equal(bonus_at(&r, 1000000, T, 10000), 30000);
	r.tier_mode = CC_TIERS_LINEAR;
	/* 90 %: rate 2 % of ¥9,000 */
	assert_int_equal(bonus_at(&r, 900000, T, 9000), 18000);
	assert_int_equal(bonus_at(&r, 800000, T, 8000), 8000);
	assert_int_equal(bonus_at(&r, 1200000, T, 12000), 36000);
}

static const char BANDS[] =
	"{\"discount_bands\":[{\"min_price_bp\":6500,\"rate_bp\":1000},"
	"{\"min_price_bp\":6000,\"rate_bp\":900}],\"default_rate_bp\":500}";

static struct cc_line_result line(const struct cc_rules *r, int64_t list, int64_t paid,
				  int64_t vat, int64_t cost)
{
	struct cc_line l = {.list_amount = list, .total = paid, .vat = vat, .cost = cost};
	struct cc_line_result x;
	struct err e;
	err_init(&e);
	assert_int_equal(cc_line(r, &l, &x, &e), 0);
	return x;
}

static void test_bands(void **state)
{
	struct cc_rules r = rules_of(BANDS);
	struct cc_line_result x = line(&r, 10000, 10000, 0, 0);
	assert_int_equal(x.rate_bp, 1000);
	assert_int_equal(x.amount, 1000);
	assert_int_equal(x.reason, CC_BAND);
	x = line(&r, 10000, 6500, 0, 0); /* 65.00 %: the 10 % band */
	assert_int_equal(x.price_bp, 6500);
	assert_int_equal(x.rate_bp, 1000);
	assert_int_equal(x.amount, 650);
	x = line(&r, 10000, 6499, 0, 0); /* 64.99 %: the 9 % band */
	assert_int_equal(x.price_bp, 6499);
	assert_int_equal(x.rate_bp, 900);
	assert_int_equal(x.amount, 585); /* 584.91 */
	/* 64.999 %: still under 65 %, compared exactly */
	x = line(&r, 100000, 64999, 0, 0);
	assert_int_equal(x.rate_bp, 900);
	x = line(&r, 10000, 6000, 0, 0); /* 60.00 % */
	assert_int_equal(x.rate_bp, 900);
	x = line(&r, 10000, 5999, 0, 0); /* under the last band: nothing, default ignored */
	assert_int_equal(x.rate_bp, 0);
	assert_int_equal(x.amount, 0);
	assert_int_equal(x.reason, CC_DISCOUNT);
	/* No bands: the default rate for every line however deep the discount. */
	r = rules_of("{\"discount_bands\":[],\"default_rate_bp\":500}");
	x = line(&r, 10000, 1000, 0, 0);
	assert_int_equal(x.rate_bp, 500);
	assert_int_equal(x.amount, 50);
	assert_int_equal(x.reason, CC_DEFAULT);
}

static void test_margin_gate(void **state)
{
	struct cc_rules r = rules_of("{\"default_rate_bp\":1000,\"margin_floor_bp\":2000}");
	/* paid 11300 with 1300 VAT: net 10000; cost 8000 → margin 20.00 %: earns */
	struct cc_line_result x = line(&r, 11300, 11300, 1300, 8000);
	assert_int_equal(x.margin_bp, 2000);
	assert_int_equal(x.rate_bp, 1000);
	assert_int_equal(x.amount, 1130);
	/* cost 8001 → 19.99 %: nothing */
	x = line(&r, 11300, 11300, 1300, 8001);
	assert_int_equal(x.margin_bp, 1999);
	assert_int_equal(x.rate_bp, 0);
	assert_int_equal(x.amount, 0);
	assert_int_equal(x.reason, CC_MARGIN);
	/* 19.999 %: under the floor although it shows as 1999 bp rounded down */
	x = line(&r, 113000, 113000, 13000, 80001);
	assert_int_equal(x.reason, CC_MARGIN);
	/* a loss with a floor of 0 */
	r = rules_of("{\"default_rate_bp\":1000,\"margin_floor_bp\":0}");
	x = line(&r, 10000, 10000, 0, 10001);
	assert_int_equal(x.reason, CC_MARGIN);
	x = line(&r, 10000, 10000, 0, 10000);
	assert_int_equal(x.reason, CC_DEFAULT);
	/* no floor: any margin */
	r = rules_of("{\"default_rate_bp\":1000}");
	x = line(&r, 10000, 10000, 0, 20000);
	assert_int_equal(x.amount, 1000);
	/* the training gate before all */
	struct cc_line l = {.list_amount = 10000, .total = 10000, .untrained = 1};
	struct err e;
	err_init(&e);
	assert_int_equal(cc_line(&r, &l, &x, &e), 0);
	assert_int_equal(x.amount, 0);
	assert_int_equal(x.reason, CC_TRAINING);
}

static void test_split(void **state)
{
	struct err e;
	err_init(&e);
	int64_t parts[4];
	const int64_t sixty_forty[] = {6000, 4000};
	assert_int_equal(cc_split(1001, sixty_forty, 2, parts, &e), 0);
	assert_int_equal(parts[0], 601); /* 600.6 */
	assert_int_equal(parts[1], 400); /* 400.4 */
	assert_int_equal(cc_split(-1001, sixty_forty, 2, parts, &e), 0);
	assert_int_equal(parts[0], -601);
	assert_int_equal(parts[1], -400);
	const int64_t even3[] = {3334, 3333, 3333};
	assert_int_equal(cc_split(100, even3, 3, parts, &e), 0);
	assert_int_equal(parts[0], 34);
	assert_int_equal(parts[1], 33);
	assert_int_equal(parts[2], 33);
	const int64_t equal3[] = {1, 1, 1};
	assert_int_equal(cc_split(101, equal3, 3, parts, &e), 0);
	assert_int_equal(parts[0] + parts[1] + parts[2], 101);
	assert_int_equal(parts[0], 34); /* ties: the first */
	assert_int_equal(parts[1], 34);
	assert_int_equal(parts[2], 33);
	const int64_t none[] = {0, 0};
	assert_int_equal(cc_split(10, none, 2, parts, &e), ERR_INVALID);
	const int64_t neg[] = {5, -1};
	err_init(&e);
	assert_int_equal(cc_split(10, neg, 2, parts, &e), ERR_INVALID);
}

static void test_pool(void **state)
{
	struct cc_rules r = rules_of("{\"default_rate_bp\":1000,\"pool_bp\":3000}");
	struct cc_line_result x = line(&r, 12345, 12345, 0, 0);
	assert_int_equal(x.amount, 1235); /* 1234.5 half up */
	assert_int_equal(x.pool, 371);    /* 370.5 */
	assert_int_equal(x.own, 864);
	/* the pool of a store split by each member's credited sales */
	struct err e;
	err_init(&e);
	int64_t sales[] = {600000, 300000, 100000}, parts[3];
	assert_int_equal(cc_split(1000, sales, 3, parts, &e), 0);
	assert_int_equal(parts[0], 600);
	assert_int_equal(parts[1], 300);
	assert_int_equal(parts[2], 100);
	assert_int_equal(cc_split(371, sales, 3, parts, &e), 0);
	assert_int_equal(parts[0] + parts[1] + parts[2], 371);
	assert_int_equal(parts[0], 223); /* 222.6 */
	assert_int_equal(parts[1], 111); /* 111.3 */
	assert_int_equal(parts[2], 37);  /* 37.1 */
}

static void test_return(void **state)
{
	struct cc_rules r = rules_of("{\"default_rate_bp\":900,\"pool_bp\":3000}");
	struct cc_line_result s = line(&r, 9999, 9999, 0, 0), x;
	struct err e;
	err_init(&e);
	assert_int_equal(cc_line_return(&r, 9999, s.rate_bp, &x, &e), 0);
	assert_int_equal(x.amount, -s.amount); /* a full return cancels the line exactly */
	assert_int_equal(x.pool, -s.pool);
	assert_int_equal(x.own, -s.own);
	assert_int_equal(cc_line_return(&r, 5000, 900, &x, &e), 0);
	assert_int_equal(x.amount, -450);
}

static void test_overflow(void **state)
{
	struct cc_rules r = rules_of("{\"default_rate_bp\":10000}");
	struct cc_line l = {.list_amount = MONEY_MAX, .total = MONEY_MAX + 1};
	struct cc_line_result x;
	struct err e;
	err_init(&e);
	assert_int_equal(cc_line(&r, &l, &x, &e), ERR_INVALID);
	err_init(&e);
	l.total = MONEY_MAX;
	l.cost = INT64_MAX;
	assert_int_equal(cc_line(&r, &l, &x, &e), ERR_INVALID);
	int64_t att, bonus;
	err_init(&e);
	assert_int_equal(cc_tier(&r, INT64_MAX, 1, &att, &bonus, &e), ERR_INVALID);
	struct cc_rules t = rules_of("{\"tiers\":{\"mode\":\"brackets\",\"levels\":["
				     "{\"attainment_bp\":0,\"rate_bp\":10000}]}}");
	err_init(&e);
	assert_int_equal(cc_tier(&t, MONEY_MAX, 1, &att, &bonus, &e), 0);
	assert_int_equal(bonus, MONEY_MAX);
}

static void test_rules_checked(void **state)
{
	struct cc_rules r;
	struct err e;
	json_t *o = json_loads("{\"discount_bands\":[{\"min_price_bp\":6000,\"rate_bp\":900},"
			       "{\"min_price_bp\":6500,\"rate_bp\":1000}],\"pool_bp\":10001,"
			       "\"tiers\":{\"mode\":\"steps\",\"levels\":[{\"attainment_bp\":9000,\"amount\":1},"
			       "{\"attainment_bp\":8000,\"amount\":2}]},\"bonus\":1}", 0, NULL);
	err_init(&e);
	cc_rules_read(o, "rules", &r, &e);
	const char *want[] = {"rules.discount_bands[1].min_price_bp", "rules.pool_bp",
			      "rules.tiers.mode", "rules.tiers.levels[1].attainment_bp", "rules.bonus"};
	for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
		int found = 0;
		for (int i = 0; i < e.nfields; i++)
			found |= strcmp(e.fields[i].field, want[k]) == 0;
		if (!found)
			fail_msg("no error on %s", want[k]);
	}
	json_decref(o);
	/* defaults, and the JSON written back reads the same */
	r = rules_of("{}");
	assert_int_equal(r.clawback_days, 30);
	assert_int_equal(r.tier_mode, CC_TIERS_NONE);
	struct cc_rules b = rules_of(BANDS);
	json_t *j = cc_rules_to_json(&b);
	char *text = json_dumps(j, 0);
	struct cc_rules c = rules_of(text);
	assert_memory_equal(&b, &c, sizeof b);
	free(text);
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_brackets),     cmocka_unit_test(test_linear),
		cmocka_unit_test(test_rate_tiers),   cmocka_unit_test(test_bands),
		cmocka_unit_test(test_margin_gate),  cmocka_unit_test(test_split),
		cmocka_unit_test(test_pool),         cmocka_unit_test(test_return),
		cmocka_unit_test(test_overflow),     cmocka_unit_test(test_rules_checked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
