/* test_text.c: UTF-8 counting, blankness and appending formatted text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/text.h"

static void test_utf8(void **state)
{
	(void)state;
	assert_int_equal(utf8_chars("店铺07"), 4);
	assert_true(utf8_valid("店铺", strlen("店铺")));
	assert_false(utf8_valid("\xe5\xba", 2));
	assert_true(text_blank(" \t", 2));
	assert_false(text_blank(" a", 2));
}

/* Appends, and cuts what does not fit, always NUL-terminated. */
static void test_catf(void **state)
{
	(void)state;
	char b[16] = "";
	text_catf(b, sizeof b, "min %d", 5);
	text_catf(b, sizeof b, ", max %s", "12");
	assert_string_equal(b, "min 5, max 12");
	text_catf(b, sizeof b, " and more");
	assert_string_equal(b, "min 5, max 12 a");
	text_catf(b, sizeof b, "x"); /* full: unchanged */
	assert_string_equal(b, "min 5, max 12 a");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_catf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
