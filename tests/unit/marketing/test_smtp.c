/* test_smtp.c: MIME headers and the message text. Encoded words checked by
 * hand: base64("café") = "Y2Fmw6k=" (63 61 66 C3 A9), base64("春节快乐") =
 * "5pil6IqC5b+r5LmQ" (`printf ... | base64`). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>

#include "base/buf.h"
#include "domain/marketing/smtp.h"

static char *header(const char *text, struct buf *b)
{
	buf_reset(b);
	smtp_header_text(b, text);
	return b->data ? b->data : "";
}

static void test_header_text(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	assert_string_equal(header("Spring sale", &b), "Spring sale");
	assert_string_equal(header("café", &b), "=?UTF-8?B?Y2Fmw6k=?=");
	assert_string_equal(header("春节快乐", &b), "=?UTF-8?B?5pil6IqC5b+r5LmQ?=");
	/* A line break never reaches the header (no injected Bcc:). */
	char *inj = header("Hi\r\nBcc: x@example.com", &b);
	assert_null(strchr(inj, '\n'));
	assert_non_null(strstr(inj, "=?UTF-8?B?"));
	/* "=?" in plain text is encoded too, so it cannot pose as a word. */
	assert_non_null(strstr(header("a =?x?= b", &b), "=?UTF-8?B?"));
	/* A long Chinese subject: words of at most 75 characters, folded,
	 * each whole characters (3-byte UTF-8), decoding to the text. */
	const char *s = "春节快乐！会员专享优惠券已到账，欢迎光临我们的每一家门店选购新品";
	char *h = header(s, &b), out[256] = "";
	size_t n = 0;
	for (char *w = h; w && *w;) {
		char *end = strstr(w, "\r\n ");
		size_t len = end ? (size_t)(end - w) : strlen(w);
		assert_true(len <= 75);
		assert_memory_equal(w, "=?UTF-8?B?", 10);
		assert_memory_equal(w + len - 2, "?=", 2);
		size_t got;
		assert_int_equal(sodium_base642bin((unsigned char *)out + n, sizeof out - n - 1, w + 10,
						   len - 12, NULL, &got, NULL,
						   sodium_base64_VARIANT_ORIGINAL), 0);
		assert_int_equal(got % 3, 0); /* whole characters */
		n += got;
		w = end ? end + 3 : NULL;
	}
	out[n] = 0;
	assert_string_equal(out, s);
	buf_release(&b);
}

static void test_build(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	struct mail m = {
		.from_address = "shop@example.com",
		.from_name = "Tersa 商店",
		.to = "ann@example.com",
		.subject = "Hello",
		.body = "第一行\nsecond line with enough text to need more than one line of base64 output",
		.unsubscribe_url = "https://shop.example.com/api/v1/unsubscribe?t=abc.def",
		.message_id = "<outbox-1.ab@example.com>",
		.date_ms = 1796652000000LL, /* Mon, 07 Dec 2026 14:00:00 +0000 */
	};
	smtp_build(&b, &m);
	const char *t = b.data;
	assert_non_null(strstr(t, "Date: Mon, 07 Dec 2026 14:00:00 +0000\r\n"));
	assert_non_null(strstr(t, "From: =?UTF-8?B?"));
	assert_non_null(strstr(t, "?= <shop@example.com>\r\n"));
	assert_non_null(strstr(t, "To: <ann@example.com>\r\nSubject: Hello\r\n"));
	assert_non_null(strstr(t, "Message-ID: <outbox-1.ab@example.com>\r\n"));
	assert_non_null(strstr(t, "List-Unsubscribe: <https://shop.example.com/api/v1/unsubscribe?t=abc.def>\r\n"
				  "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"));
	assert_non_null(strstr(t, "Content-Type: text/plain; charset=UTF-8\r\n"
				  "Content-Transfer-Encoding: base64\r\n\r\n"));
	/* The body: base64 lines of at most 76 characters, decoding to it. */
	const char *body = strstr(t, "\r\n\r\n") + 4;
	char dec[256];
	size_t n = 0, got;
	for (const char *l = body; *l;) {
		const char *end = strstr(l, "\r\n");
		assert_non_null(end);
		assert_true(end - l <= 76);
		assert_int_equal(sodium_base642bin((unsigned char *)dec + n, sizeof dec - n - 1, l,
						   (size_t)(end - l), NULL, &got, NULL,
						   sodium_base64_VARIANT_ORIGINAL), 0);
		n += got;
		l = end + 2;
	}
	dec[n] = 0;
	assert_string_equal(dec, m.body);
	/* Without an unsubscribe link: no List-Unsubscribe. */
	buf_reset(&b);
	m.unsubscribe_url = NULL;
	smtp_build(&b, &m);
	assert_null(strstr(b.data, "List-Unsubscribe"));
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_text),
		cmocka_unit_test(test_build),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
