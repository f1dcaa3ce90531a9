/* test_money.c: money and quantity arithmetic, parsing and formatting. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "base/money.h"

static void test_add_sub_mul(void **state)
{
	int64_t r = 42;

	assert_int_equal(money_add(1299, 1, &r), 0);
	assert_int_equal(r, 1300);
	assert_int_equal(money_sub(5, 10, &r), 0);
	assert_int_equal(r, -5);
	assert_int_equal(money_mul(-7, 6, &r), 0);
	assert_int_equal(r, -42);

	assert_int_equal(money_add(INT64_MAX, 0, &r), 0);
	assert_true(r == INT64_MAX);
	r = 42;
	assert_int_equal(money_add(INT64_MAX, 1, &r), -1);
	assert_int_equal(money_add(INT64_MIN, -1, &r), -1);
	assert_int_equal(money_sub(INT64_MIN, 1, &r), -1);
	assert_int_equal(money_sub(0, INT64_MIN, &r), -1);
	assert_int_equal(money_sub(INT64_MAX, -1, &r), -1);
	assert_int_equal(money_mul(INT64_MAX, 2, &r), -1);
	assert_int_equal(money_mul(INT64_MIN, -1, &r), -1);
	assert_int_equal(money_mul(INT64_C(3037000500), INT64_C(3037000500), &r),
			 -1);
	/* *out untouched on overflow */
	assert_int_equal(r, 42);

	assert_int_equal(money_sub(INT64_MIN, -1, &r), 0);
	assert_true(r == INT64_MIN + 1);
	assert_int_equal(money_mul(INT64_MIN, 1, &r), 0);
	assert_true(r == INT64_MIN);
}

static void test_mul_qty(void **state)
{
	int64_t r = 0;

	assert_int_equal(money_mul_qty(1299, 2000, &r), 0);
	assert_int_equal(r, 2598);
	assert_int_equal(money_mul_qty(1299, 500, &r), 0);
	assert_int_equal(r, 650);  /* 649.5 */
	/* half away from zero */
	assert_int_equal(money_mul_qty(1, 500, &r), 0);
	assert_int_equal(r, 1);
	assert_int_equal(money_mul_qty(-1, 500, &r), 0);
	assert_int_equal(r, -1);
	assert_int_equal(money_mul_qty(1, -500, &r), 0);
	assert_int_equal(r, -1);
	assert_int_equal(money_mul_qty(1, 499, &r), 0);
	assert_int_equal(r, 0);
	assert_int_equal(money_mul_qty(-1, 499, &r), 0);
	assert_int_equal(r, 0);
	assert_int_equal(money_mul_qty(333, 1500, &r), 0);
	assert_int_equal(r, 500);  /* 499.5 */
	assert_int_equal(money_mul_qty(-333, 1500, &r), 0);
	assert_int_equal(r, -500);
	assert_int_equal(money_mul_qty(333, 1499, &r), 0);
	assert_int_equal(r, 499);  /* 499.167 */
	assert_int_equal(money_mul_qty(0, 123456, &r), 0);
	assert_int_equal(r, 0);

	/* the intermediate exceeds int64, the result does not */
	assert_int_equal(money_mul_qty(INT64_MAX, 1000, &r), 0);
	assert_true(r == INT64_MAX);
	assert_int_equal(money_mul_qty(INT64_MIN, 1000, &r), 0);
	assert_true(r == INT64_MIN);
	assert_int_equal(money_mul_qty(INT64_MAX / 2, 2000, &r), 0);
	assert_true(r == INT64_MAX - 1);
	r = 7;
	assert_int_equal(money_mul_qty(INT64_MAX, 1001, &r), -1);
	assert_int_equal(money_mul_qty(INT64_MIN, -1000, &r), -1);
	assert_int_equal(money_mul_qty(INT64_MAX, INT64_MAX, &r), -1);
	assert_int_equal(money_mul_qty(INT64_MIN, INT64_MIN, &r), -1);
	assert_int_equal(r, 7);
}

static void test_mul_bp(void **state)
{
	int64_t r = 0;

	assert_int_equal(money_mul_bp(10000, 1300, &r), 0);
	assert_int_equal(r, 1300);
	assert_int_equal(money_mul_bp(1299, 1300, &r), 0);
	assert_int_equal(r, 169);  /* 168.87 */
	assert_int_equal(money_mul_bp(5, 1000, &r), 0);
	assert_int_equal(r, 1);  /* 0.5 */
	assert_int_equal(money_mul_bp(-5, 1000, &r), 0);
	assert_int_equal(r, -1);
	assert_int_equal(money_mul_bp(4, 1000, &r), 0);
	assert_int_equal(r, 0);
	assert_int_equal(money_mul_bp(INT64_MAX, 10000, &r), 0);
	assert_true(r == INT64_MAX);
	assert_int_equal(money_mul_bp(INT64_MAX, 10001, &r), -1);
}

static void test_money_parse(void **state)
{
	static const struct {
		const char *s;
		int64_t v;
	} ok[] = {
		{"0", 0},           {"12.99", 1299},  {"-3", -300},
		{"0.5", 50},        {"-0.05", -5},    {"007", 700},
		{"-0", 0},          {"1.0", 100},     {"100000000000", MONEY_MAX},
		{"100000000000.00", MONEY_MAX},       {"-100000000000", -MONEY_MAX},
	};
	static const char *const bad[] = {
		"", ".", "1.", "+1", " 1", "1 ", "-", "-.5", ".5", "1.234",
		"1,5", "1e3", "0x10", "12.9a", "100000000000.01",
		"-100000000000.01", "99999999999999999999999999", "--1", "1..2",
	};
	int64_t v;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		v = 12345;
		assert_int_equal(money_parse(ok[i].s, &v), 0);
		assert_true(v == ok[i].v);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 12345;
		if (money_parse(bad[i], &v) != -1)
			fail_msg("money_parse accepted \"%s\"", bad[i]);
		assert_int_equal(v, 12345);
	}
	assert_int_equal(money_parse(NULL, &v), -1);
}

static void test_money_format(void **state)
{
	char out[24];

	money_format(1299, out, sizeof(out));
	assert_string_equal(out, "12.99");
	money_format(-5, out, sizeof(out));
	assert_string_equal(out, "-0.05");
	money_format(0, out, sizeof(out));
	assert_string_equal(out, "0.00");
	money_format(100, out, sizeof(out));
	assert_string_equal(out, "1.00");
	money_format(INT64_MAX, out, sizeof(out));
	assert_string_equal(out, "92233720368547758.07");
	money_format(INT64_MIN, out, sizeof(out));
	assert_string_equal(out, "-92233720368547758.08");
	money_format(1299, out, 4);
	assert_string_equal(out, "12.");
}

static void test_qty_parse(void **state)
{
	static const struct {
		const char *s;
		int64_t v;
	} ok[] = {
		{"2", 2000},     {"0.75", 750},  {"-1.5", -1500},
		{"0.001", 1},    {"-0.001", -1}, {"1.500", 1500},
		{"0", 0},        {"1000000000", QTY_MAX},
		{"-1000000000", -QTY_MAX},
	};
	static const char *const bad[] = {
		"", ".", "1.", "+1", " 1", "1 ", "0.0001", "1.5000", "1e3",
		"1000000000.001", "1000000001", "-", "abc", "9223372036854775808",
	};
	int64_t v;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(qty_parse(ok[i].s, &v), 0);
		assert_true(v == ok[i].v);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 99;
		if (qty_parse(bad[i], &v) != -1)
			fail_msg("qty_parse accepted \"%s\"", bad[i]);
		assert_int_equal(v, 99);
	}
}

static void test_qty_from_double(void **state)
{
	static const struct {
		double d;
		int64_t v;
	} ok[] = {
		{0.1, 100},       {0.75, 750},   {2, 2000},  {-1.5, -1500},
		{0.001, 1},       {2.675, 2675}, {0.3, 300}, {1e9, QTY_MAX},
		{-1e9, -QTY_MAX}, {-0.0, 0},     {0, 0},
		{123456789.123, INT64_C(123456789123)},
	};
	static const double bad[] = {
		1.0005, 0.0001, 1e-05, 1.5e-3, 1e9 + 1, 1e20, -1e20, 1e15,
		1e300, 5e-324, 1e9 + 0.5,
	};
	int64_t v;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		v = 99;
		if (qty_from_double(ok[i].d, &v) != 0)
			fail_msg("qty_from_double refused %.17g", ok[i].d);
		assert_true(v == ok[i].v);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 99;
		if (qty_from_double(bad[i], &v) != -1)
			fail_msg("qty_from_double accepted %.17g", bad[i]);
		assert_int_equal(v, 99);
	}
	assert_int_equal(qty_from_double(NAN, &v), -1);
	assert_int_equal(qty_from_double(INFINITY, &v), -1);
	assert_int_equal(qty_from_double(-INFINITY, &v), -1);
}

static void test_qty_format(void **state)
{
	static const struct {
		int64_t q;
		const char *s;
	} cases[] = {
		{2000, "2"},      {750, "0.75"},  {-1500, "-1.5"}, {1, "0.001"},
		{-1, "-0.001"},   {0, "0"},       {1010, "1.01"},
		{QTY_MAX, "1000000000"},
		{INT64_MIN, "-9223372036854775.808"},
	};
	char out[32];
	int64_t back;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		qty_format(cases[i].q, out, sizeof(out));
		assert_string_equal(out, cases[i].s);
		if (cases[i].q >= -QTY_MAX && cases[i].q <= QTY_MAX) {
			assert_int_equal(qty_parse(out, &back), 0);
			assert_true(back == cases[i].q);
		}
	}
}

/* Parts sum exactly to the amount, follow the weights, remainder on the
 * largest share. */
static void test_prorate(void **state)
{
	(void)state;
	int64_t parts[3];
	const int64_t w[3] = {10001, 3333, 1};
	assert_int_equal(money_prorate(5000, w, 3, parts), 0);
	assert_int_equal(parts[0] + parts[1] + parts[2], 5000);
	/* exact shares 3749.91, 1249.72, 0.37: the two leftover fen go to the
	 * largest fractions */
	assert_int_equal(parts[0], 3750);
	assert_int_equal(parts[1], 1250);
	assert_int_equal(parts[2], 0);
	/* 99 fen over a hundred 1-fen lines: never more than a line is worth */
	int64_t ones[100], many[100], total = 0;
	for (int i = 0; i < 100; i++)
		ones[i] = 1;
	assert_int_equal(money_prorate(99, ones, 100, many), 0);
	for (int i = 0; i < 100; i++) {
		assert_true(many[i] == 0 || many[i] == 1);
		total += many[i];
	}
	assert_int_equal(total, 99);
	assert_int_equal(money_prorate(101, ones, 100, many), -1);
	const int64_t zero[2] = {0, 0};
	assert_int_equal(money_prorate(7, zero, 2, parts), 0);
	assert_int_equal(parts[0], 7);
	assert_int_equal(parts[1], 0);
	const int64_t huge[2] = {INT64_MAX, INT64_MAX};
	assert_int_equal(money_prorate(INT64_MAX, huge, 2, parts), 0);
	assert_int_equal(parts[0], INT64_MAX - INT64_MAX / 2);
	assert_int_equal(money_prorate(-1, w, 3, parts), -1);
	const int64_t neg[2] = {1, -1};
	assert_int_equal(money_prorate(1, neg, 2, parts), -1);
}

static void test_sum(void **state)
{
	int64_t acc = 0;
	assert_int_equal(money_sum(&acc, MONEY_MAX), 0);
	assert_int_equal(acc, MONEY_MAX);
	/* Past the range: refused, the total kept. */
	assert_int_equal(money_sum(&acc, 1), -1);
	assert_int_equal(acc, MONEY_MAX);
	/* Where int64 itself would wrap. */
	acc = INT64_MAX - 1;
	assert_int_equal(money_sum(&acc, 5), -1);
	acc = 0;
	assert_int_equal(money_sum(&acc, -MONEY_MAX), 0);
	assert_int_equal(money_sum(&acc, -1), -1);
	assert_int_equal(acc, -MONEY_MAX);
	/* Many lines near the limit add up past it, never around. */
	acc = 0;
	int rc = 0;
	for (int i = 0; i < 500 && rc == 0; i++)
		rc = money_sum(&acc, INT64_C(9000000000000));
	assert_int_equal(rc, -1);
	assert_int_equal(acc, INT64_C(9000000000000));
}

static void test_qty_round_up(void **state)
{
	(void)state;
	int64_t r;
	assert_int_equal(qty_round_up(7000, 6000, &r), 0);
	assert_int_equal(r, 12000);
	assert_int_equal(qty_round_up(12000, 6000, &r), 0);
	assert_int_equal(r, 12000);
	assert_int_equal(qty_round_up(7000, 0, &r), 0); /* no step: unchanged */
	assert_int_equal(r, 7000);
	assert_int_equal(qty_round_up(-5, 6000, &r), 0); /* nothing to order: unchanged */
	assert_int_equal(r, -5);
	assert_int_equal(qty_round_up(INT64_MAX - 1, 1000, &r), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_sub_mul),
		cmocka_unit_test(test_mul_qty),
		cmocka_unit_test(test_mul_bp),
		cmocka_unit_test(test_money_parse),
		cmocka_unit_test(test_money_format),
		cmocka_unit_test(test_qty_parse),
		cmocka_unit_test(test_qty_from_double),
		cmocka_unit_test(test_qty_format),
		cmocka_unit_test(test_qty_round_up),
		cmocka_unit_test(test_prorate),
		cmocka_unit_test(test_sum),
	};

	return cmocka_run_group_tests_name("money", tests, NULL, NULL);
}
