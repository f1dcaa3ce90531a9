/* test_customer_text.c: phone normalization and masking, pinyin initials,
 * member code check digits and NTILE buckets. Pure functions. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "domain/crm/customer_text.h"

static const char *norm(const char *in)
{
	static char out[PHONE_NORM_MAX];

	if (phone_normalize(in, out, sizeof out) < 0)
		return "ERR";
	return out;
}

static void test_phone_mainland(void **state)
{
	assert_string_equal(norm("13812345678"), "13812345678");
	assert_string_equal(norm("138 1234 5678"), "13812345678");
	assert_string_equal(norm("138-1234-5678"), "13812345678");
	assert_string_equal(norm("+86 138 1234 5678"), "13812345678");
	assert_string_equal(norm("+86-19912345678"), "19912345678");
	assert_string_equal(norm("0086 13812345678"), "13812345678");
	/* 1[3-9] only, 11 digits exactly. */
	assert_string_equal(norm("12812345678"), "ERR");
	assert_string_equal(norm("1381234567"), "ERR");
	assert_string_equal(norm("138123456789"), "ERR");
	assert_string_equal(norm("+86 12812345678"), "ERR");
	assert_string_equal(norm("+86 1381234567"), "ERR");
}

static void test_phone_e164(void **state)
{
	assert_string_equal(norm("+44 7911 123456"), "+447911123456");
	assert_string_equal(norm("+1 (415) 555-0100"), "+14155550100");
	assert_string_equal(norm("+86 21 5555 0000"), "+862155550000");
	assert_string_equal(norm("+12345678"), "+12345678");     /* 8 digits */
	assert_string_equal(norm("+1234567"), "ERR");             /* 7 */
	assert_string_equal(norm("+1234567890123456"), "ERR");    /* 16 */
	assert_string_equal(norm("+0123456789"), "ERR");
	assert_string_equal(norm("+44 79x1"), "ERR");
	assert_string_equal(norm("4471234567"), "ERR");           /* no + */
	assert_string_equal(norm("++4412345678"), "ERR");
	assert_string_equal(norm(""), "ERR");
}

static void test_phone_mask(void **state)
{
	char out[32];

	phone_mask("13812345678", out, sizeof out);
	assert_string_equal(out, "138****5678");
	phone_mask("+447911123456", out, sizeof out);
	assert_string_equal(out, "+44******3456");
	phone_mask("1234567", out, sizeof out);
	assert_string_equal(out, "1234567");
}

static const char *ini(const char *name)
{
	static char out[64];

	name_initials(name, out, sizeof out);
	return out;
}

static void test_initials(void **state)
{
	assert_string_equal(ini("王小明"), "wxm");
	assert_string_equal(ini("张三"), "zs");
	assert_string_equal(ini("李四"), "ls");
	assert_string_equal(ini("陈静"), "cj");
	assert_string_equal(ini("刘德华"), "ldh");
	assert_string_equal(ini("欧阳娜娜"), "oynn");
	assert_string_equal(ini("阿"), "a");   /* the first of level 1 */
	assert_string_equal(ini("座"), "z");   /* the last of level 1 */
	assert_string_equal(ini("Anna Lee-Smith"), "als");
	assert_string_equal(ini("David 王"), "dw");
	assert_string_equal(ini("王 2号"), "wh");
	assert_string_equal(ini(""), "");
	assert_string_equal(ini("😀"), "");
	/* Truncated to the buffer. */
	char small[3];
	name_initials("王小明", small, sizeof small);
	assert_string_equal(small, "wx");
}

static void test_luhn(void **state)
{
	assert_int_equal(member_code_check_digit("7992739871"), 3);
	assert_true(member_code_luhn_ok("79927398713"));
	assert_false(member_code_luhn_ok("79927398710"));
	assert_false(member_code_luhn_ok("7992739871a"));
	assert_false(member_code_luhn_ok("1"));
	/* Every single-digit error is caught. */
	char code[13] = "12345678901";
	code[11] = (char)('0' + member_code_check_digit(code));
	code[12] = '\0';
	assert_true(member_code_luhn_ok(code));
	for (int i = 0; i < 12; i++) {
		char bad[13];
		memcpy(bad, code, sizeof bad);
		bad[i] = (char)('0' + (bad[i] - '0' + 1) % 10);
		assert_false(member_code_luhn_ok(bad));
	}
}

/* NTILE by its definition: bucket sizes n/b, the first n%b one larger,
 * filled in order. */
static void test_ntile_definition(void **state)
{
	for (int buckets = 1; buckets <= 7; buckets++) {
		for (int64_t n = 0; n <= 60; n++) {
			int64_t i = 0;
			for (int b = 1; b <= buckets; b++) {
				int64_t size = n / buckets + (b <= n % buckets ? 1 : 0);
				for (int64_t k = 0; k < size; k++, i++)
					assert_int_equal(ntile(i, n, buckets), b);
			}
			assert_int_equal(i, n);
			assert_int_equal(ntile(n, n, buckets), 0);
			assert_int_equal(ntile(-1, n, buckets), 0);
		}
	}
	/* Fewer rows than buckets: one row each, from 1. */
	assert_int_equal(ntile(0, 3, 5), 1);
	assert_int_equal(ntile(2, 3, 5), 3);
	/* 7 rows in 5: sizes 2,2,1,1,1. */
	int want[] = {1, 1, 2, 2, 3, 4, 5};
	for (int k = 0; k < 7; k++)
		assert_int_equal(ntile(k, 7, 5), want[k]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phone_mainland),
		cmocka_unit_test(test_phone_e164),
		cmocka_unit_test(test_phone_mask),
		cmocka_unit_test(test_initials),
		cmocka_unit_test(test_luhn),
		cmocka_unit_test(test_ntile_definition),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
