/* test_webhook.c: the webhook signature and its check. The expected HMAC
 * was computed with node: crypto.createHmac('sha256', 's3cret')
 * .update('1700000000.{"id":1}').digest('hex'). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "domain/marketing/webhook.h"

#define SIG "sha256=ee0658aa4e37018df69c24227df01e0f680eb3b87c7f1f9bd936e283cfe01d9b"

static void test_signature(void **state)
{
	(void)state;
	char sig[WEBHOOK_SIG_LEN];
	const char *body = "{\"id\":1}";
	webhook_signature("s3cret", 1700000000, body, strlen(body), sig);
	assert_string_equal(sig, SIG);
}

static void test_verify(void **state)
{
	(void)state;
	const char *body = "{\"id\":1}";
	size_t n = strlen(body);
	assert_int_equal(webhook_verify("s3cret", "1700000000", SIG, body, n, 1700000000), 0);
	/* Up to five minutes either way. */
	assert_int_equal(webhook_verify("s3cret", "1700000000", SIG, body, n, 1700000300), 0);
	assert_int_equal(webhook_verify("s3cret", "1700000000", SIG, body, n, 1700000301), -1);
	assert_int_equal(webhook_verify("s3cret", "1700000000", SIG, body, n, 1699999699), -1);
	/* Another secret, body or timestamp; a malformed header. */
	assert_int_equal(webhook_verify("other", "1700000000", SIG, body, n, 1700000000), -1);
	assert_int_equal(webhook_verify("s3cret", "1700000000", SIG, "{\"id\":2}", n, 1700000000), -1);
	assert_int_equal(webhook_verify("s3cret", "1700000001", SIG, body, n, 1700000000), -1);
	assert_int_equal(webhook_verify("s3cret", "17e8", SIG, body, n, 1700000000), -1);
	assert_int_equal(webhook_verify("s3cret", "1700000000", SIG "0", body, n, 1700000000), -1);
	assert_int_equal(webhook_verify("s3cret", NULL, SIG, body, n, 1700000000), -1);
	assert_int_equal(webhook_verify("", "1700000000", SIG, body, n, 1700000000), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signature),
		cmocka_unit_test(test_verify),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
