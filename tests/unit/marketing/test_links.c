/* test_links.c: signed links and unsubscribe tokens: they open with their
 * key only, and any change to the payload or the signature is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/arena.h"
#include "domain/marketing/links.h"

static unsigned char key[LINK_KEY_BYTES], other[LINK_KEY_BYTES];

static void test_signed_link(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	char out[LINK_PAYLOAD_MAX + 1];
	char *t = signed_link(a, key, "survey:12:345");
	assert_non_null(t);
	/* base64url("survey:12:345") = "c3VydmV5OjEyOjM0NQ" (no padding). */
	assert_memory_equal(t, "c3VydmV5OjEyOjM0NQ.", 19);
	assert_int_equal(strlen(t), 19 + 22); /* 16 signature bytes: 22 characters */
	assert_int_equal(signed_link_open(key, t, out, sizeof out), 0);
	assert_string_equal(out, "survey:12:345");
	assert_int_equal(signed_link_open(other, t, out, sizeof out), -1);
	/* Each character of the signature changed: refused. */
	for (size_t i = 19; i < strlen(t); i++) {
		char *c = arena_strdup(a, t);
		c[i] = c[i] == 'A' ? 'B' : 'A';
		assert_int_equal(signed_link_open(key, c, out, sizeof out), -1);
	}
	/* Another payload with this signature. */
	char *forged = arena_printf(a, "c3VydmV5OjEyOjM0Ng%s", strchr(t, '.'));
	assert_int_equal(signed_link_open(key, forged, out, sizeof out), -1);
	assert_int_equal(signed_link_open(key, "", out, sizeof out), -1);
	assert_int_equal(signed_link_open(key, ".", out, sizeof out), -1);
	assert_int_equal(signed_link_open(key, "abc", out, sizeof out), -1);
	assert_int_equal(signed_link_open(key, t, out, 5), -1); /* no room */
	assert_null(signed_link(a, key, "a.b"));
	assert_null(signed_link(a, key, ""));
	arena_free(a);
}

static void test_unsubscribe_token(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	int64_t id;
	const char *ch;
	char *t = unsubscribe_token(a, key, 42, "email");
	assert_int_equal(unsubscribe_token_open(key, t, &id, &ch), 0);
	assert_int_equal(id, 42);
	assert_string_equal(ch, "email");
	assert_int_equal(unsubscribe_token_open(other, t, &id, &ch), -1);
	/* Signed, but not an unsubscribe payload. */
	assert_int_equal(unsubscribe_token_open(key, signed_link(a, key, "u:42:fax"), &id, &ch), -1);
	assert_int_equal(unsubscribe_token_open(key, signed_link(a, key, "u:0:sms"), &id, &ch), -1);
	assert_int_equal(unsubscribe_token_open(key, signed_link(a, key, "s:42:sms"), &id, &ch), -1);
	assert_int_equal(unsubscribe_token_open(key, signed_link(a, key, "u:x:sms"), &id, &ch), -1);
	arena_free(a);
}

int main(void)
{
	memset(key, 7, sizeof key);
	memset(other, 8, sizeof other);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signed_link),
		cmocka_unit_test(test_unsubscribe_token),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
