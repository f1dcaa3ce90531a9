/* test_receipt.c: receipt layout — column widths with CJK text, wrapping
 * and truncation, HTML escaping, the order of the totals, both papers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "domain/pos/receipt.h"

static const char SALE[] =
	"{\"id\":7,\"number\":\"SH01-20261127-0042\",\"store_id\":1,\"customer_id\":null,"
	"\"cashier_id\":2,\"status\":\"completed\",\"at\":\"2026-11-27T06:55:03Z\","
	"\"subtotal\":3198,\"discount_total\":160,\"rounding\":8,\"vat_total\":350,"
	"\"total\":3038,\"paid\":3030,\"change_due\":1970,\"points_earned\":0,"
	"\"points_redeemed\":0,\"refunded_total\":0,"
	"\"lines\":["
	"{\"id\":1,\"name\":\"有机鲜牛奶 1L 超长的商品名称会被折行显示在小票上\",\"sku\":\"M1\","
	"\"quantity\":2,\"unit_price\":1299,\"gross\":2598,\"discount\":130,\"total\":2468,"
	"\"is_gift\":false,\"returned_quantity\":0,\"refunded\":0,"
	"\"discounts\":[{\"source\":\"manual\",\"source_id\":null,\"amount\":130}]},"
	"{\"id\":2,\"name\":\"Apples\",\"sku\":\"A1\",\"quantity\":0.75,\"unit_price\":800,"
	"\"gross\":600,\"discount\":30,\"total\":570,\"is_gift\":false,"
	"\"returned_quantity\":0,\"refunded\":0,"
	"\"discounts\":[{\"source\":\"promotion\",\"source_id\":12,\"amount\":30}]}],"
	"\"payments\":[{\"method\":\"wechat\",\"amount\":1000},{\"method\":\"cash\",\"amount\":4000}],"
	"\"returns\":[]}";

static json_t *load(const char *text)
{
	json_error_t je;
	json_t *v = json_loads(text, 0, &je);
	if (!v)
		fail_msg("bad test JSON: %s", je.text);
	return v;
}

static struct receipt_info info_en(void)
{
	return (struct receipt_info){
		.company_name = "Tersa Retail", .header = "Welcome\n\n  Open 8-22  ",
		.footer = "Thank you!", .store_name = "Nanjing Road",
		.store_address = "1 Nanjing Rd, Shanghai", .cashier = "Alice",
		.local_time = "2026-11-27 14:55:03", .currency = "CNY", .locale = "en",
		.points_balance = -1};
}

/* Renders and returns the malloc'd output (fails the test on error). */
static char *render(const json_t *sale, const struct receipt_info *info,
		    enum receipt_format fmt, int paper)
{
	struct buf b;
	struct err e;
	buf_init(&b, 0);
	err_init(&e);
	assert_int_equal(receipt_render(sale, info, fmt, paper, &b, &e), 0);
	return buf_detach(&b, NULL);
}

/* Every line of a text receipt fits the paper; returns the line count. */
static int check_widths(const char *text, size_t cols)
{
	int n = 0;
	char *copy = strdup(text), *save = NULL;
	assert_true(strlen(text) > 0 && text[strlen(text) - 1] == '\n');
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (receipt_text_width(l) > cols)
			fail_msg("line wider than %zu columns: [%s]", cols, l);
		if (l[strlen(l) - 1] == ' ')
			fail_msg("trailing space: [%s]", l);
		n++;
	}
	free(copy);
	return n;
}

/* The line that starts with prefix, copied into out (fails if none). */
static void find_line(const char *text, const char *prefix, char *out, size_t n)
{
	const char *p = text;
	while (*p) {
		size_t len = strcspn(p, "\n");
		if (strncmp(p, prefix, strlen(prefix)) == 0) {
			snprintf(out, n, "%.*s", (int)len, p);
			return;
		}
		p += len + (p[len] == '\n');
	}
	fail_msg("no line starts with [%s] in:\n%s", prefix, text);
}

static void test_columns(void **state)
{
	(void)state;
	assert_int_equal(receipt_columns(58), 32);
	assert_int_equal(receipt_columns(80), 48);
	assert_int_equal(receipt_columns(57), 0);
	assert_int_equal(receipt_columns(0), 0);
}

static void test_cp_width(void **state)
{
	(void)state;
	assert_int_equal(receipt_cp_width('A'), 1);
	assert_int_equal(receipt_cp_width(' '), 1);
	assert_int_equal(receipt_cp_width(0x4e2d), 2);  /* 中 */
	assert_int_equal(receipt_cp_width(0x3042), 2);  /* あ */
	assert_int_equal(receipt_cp_width(0x30ab), 2);  /* カ */
	assert_int_equal(receipt_cp_width(0xd55c), 2);  /* 한 */
	assert_int_equal(receipt_cp_width(0xff21), 2);  /* fullwidth A */
	assert_int_equal(receipt_cp_width(0xff0c), 2);  /* fullwidth comma */
	assert_int_equal(receipt_cp_width(0x3000), 2);  /* ideographic space */
	assert_int_equal(receipt_cp_width(0x3001), 2);  /* 、 */
	assert_int_equal(receipt_cp_width(0x20000), 2); /* CJK extension B */
	assert_int_equal(receipt_cp_width(0x1f600), 2); /* emoji */
	assert_int_equal(receipt_cp_width(0xff61), 1);  /* halfwidth katakana punctuation */
	assert_int_equal(receipt_cp_width(0x00a5), 1);  /* yen sign */
	assert_int_equal(receipt_cp_width(0x00e9), 1);  /* é */
	assert_int_equal(receipt_cp_width(0x0301), 0);  /* combining acute */
	assert_int_equal(receipt_cp_width(0x200b), 0);  /* zero width space */
	assert_int_equal(receipt_cp_width(0x07), 0);
	assert_int_equal(receipt_cp_width(0x9f), 0);
}

static void test_text_width(void **state)
{
	(void)state;
	assert_int_equal(receipt_text_width(NULL), 0);
	assert_int_equal(receipt_text_width(""), 0);
	assert_int_equal(receipt_text_width("Milk 1L"), 7);
	assert_int_equal(receipt_text_width("鲜牛奶 1L"), 9);
	assert_int_equal(receipt_text_width("ｶﾀｶﾅ"), 4);      /* halfwidth katakana */
	assert_int_equal(receipt_text_width("e\xcc\x81"), 1); /* e + combining acute */
	assert_int_equal(receipt_text_width("\xff\xfe"), 2);  /* invalid bytes: 1 each */
	assert_int_equal(receipt_text_width("\xe4\xb8"), 2);  /* truncated sequence */
}

static void test_html_escape(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	receipt_html_escape(&b, "<script>alert(\"x\")</script> & 'y'");
	assert_string_equal(b.data, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;");
	buf_reset(&b);
	receipt_html_escape(&b, "plain 中文");
	assert_string_equal(b.data, "plain 中文");
	buf_reset(&b);
	receipt_html_escape(&b, "&amp;");
	assert_string_equal(b.data, "&amp;amp;");
	buf_reset(&b);
	receipt_html_escape(&b, NULL);
	assert_true(b.len == 0);
	buf_release(&b);
}

static void test_text_layout_58(void **state)
{
	(void)state;
	json_t *sale = load(SALE);
	struct receipt_info in = info_en();
	char *t = render(sale, &in, RECEIPT_TEXT, 58);
	char l[256];
	check_widths(t, 32);
	/* Centred title and header; blank header lines dropped. */
	find_line(t, "          Tersa Retail", l, sizeof l);
	assert_string_equal(l, "          Tersa Retail");
	assert_null(strstr(t, "\n\n"));
	find_line(t, "           Open 8-22", l, sizeof l);
	assert_string_equal(l, "           Open 8-22");
	find_line(t, "--------------------------------", l, sizeof l);
	assert_int_equal(strlen(l), 32);
	/* Label left, value right, exactly 32 columns. */
	find_line(t, "No.", l, sizeof l);
	assert_string_equal(l, "No.           SH01-20261127-0042");
	find_line(t, "Time", l, sizeof l);
	assert_string_equal(l, "Time         2026-11-27 14:55:03");
	find_line(t, "Cashier", l, sizeof l);
	assert_string_equal(l, "Cashier                    Alice");
	/* A CJK name wraps at 32 columns = 16 characters, never in a
	 * character. */
	find_line(t, "有机", l, sizeof l);
	assert_int_equal(receipt_text_width(l), 32);
	assert_string_equal(l, "有机鲜牛奶 1L 超长的商品名称会被");
	find_line(t, "折行", l, sizeof l);
	assert_string_equal(l, "折行显示在小票上");
	find_line(t, "  2 x 12.99", l, sizeof l);
	assert_string_equal(l, "  2 x 12.99                25.98");
	find_line(t, "  Manual discount", l, sizeof l);
	assert_string_equal(l, "  Manual discount          -1.30");
	find_line(t, "  0.75 x 8.00", l, sizeof l);
	assert_string_equal(l, "  0.75 x 8.00               6.00");
	find_line(t, "  Promotion #12", l, sizeof l);
	assert_string_equal(l, "  Promotion #12            -0.30");
	/* Totals in order. */
	const char *order[] = {"Subtotal                   31.98", "Discounts                  -1.60",
			       "Total (CNY)                30.38", "Rounding                   -0.08",
			       "Due                        30.30", "VAT included                3.50",
			       "WeChat Pay                 10.00", "Cash                       40.00",
			       "Change                     19.70", "           Thank you!"};
	const char *at = t;
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		const char *p = strstr(at, order[i]);
		if (!p)
			fail_msg("missing or out of order: [%s] in\n%s", order[i], t);
		at = p + strlen(order[i]);
	}
	/* No points without a customer; no refund line. */
	assert_null(strstr(t, "Points"));
	assert_null(strstr(t, "Refunded"));
	free(t);
	json_decref(sale);
}

static void test_text_layout_80(void **state)
{
	(void)state;
	json_t *sale = load(SALE);
	struct receipt_info in = info_en();
	char *t = render(sale, &in, RECEIPT_TEXT, 80);
	char l[256];
	check_widths(t, 48);
	find_line(t, "Total (CNY)", l, sizeof l);
	assert_string_equal(l, "Total (CNY)                                30.38");
	/* 48 columns hold the whole name (44 columns). */
	find_line(t, "有机", l, sizeof l);
	assert_string_equal(l, "有机鲜牛奶 1L 超长的商品名称会被折行显示在小票上");
	find_line(t, "------", l, sizeof l);
	assert_int_equal(strlen(l), 48);
	free(t);
	json_decref(sale);
}

static void test_chinese_labels_and_points(void **state)
{
	(void)state;
	json_t *sale = load(SALE);
	json_object_set_new(sale, "customer_id", json_integer(17));
	json_object_set_new(sale, "points_earned", json_integer(30));
	json_object_set_new(sale, "points_redeemed", json_integer(100));
	json_object_set_new(sale, "refunded_total", json_integer(570));
	struct receipt_info in = info_en();
	in.locale = "zh-CN";
	in.points_balance = 1234;
	char *t = render(sale, &in, RECEIPT_TEXT, 58);
	char l[256];
	check_widths(t, 32);
	find_line(t, "合计", l, sizeof l);
	assert_string_equal(l, "合计 (CNY)                 30.38"); /* 合计 is 4 columns */
	find_line(t, "抹零", l, sizeof l);
	assert_string_equal(l, "抹零                       -0.08");
	find_line(t, "微信支付", l, sizeof l);
	assert_string_equal(l, "微信支付                   10.00");
	find_line(t, "本次积分", l, sizeof l);
	assert_string_equal(l, "本次积分                      30");
	find_line(t, "积分抵扣", l, sizeof l);
	assert_string_equal(l, "积分抵扣                     100");
	find_line(t, "积分余额", l, sizeof l);
	assert_string_equal(l, "积分余额                    1234");
	find_line(t, "已退款", l, sizeof l);
	assert_string_equal(l, "已退款                     -5.70");
	free(t);
	/* Without a known balance the balance line is left out. */
	in.points_balance = -1;
	t = render(sale, &in, RECEIPT_TEXT, 80);
	assert_non_null(strstr(t, "本次积分"));
	assert_null(strstr(t, "积分余额"));
	free(t);
	json_decref(sale);
}

static void test_wrapping_and_truncation(void **state)
{
	(void)state;
	json_t *sale = load(SALE);
	json_t *line = json_array_get(json_object_get(sale, "lines"), 1);
	/* A long word is cut between characters; an odd column left over
	 * before a wide character stays empty. */
	json_object_set_new(line, "name", json_string("Supercalifragilisticexpialidocious-Apples-Deluxe 中中中中中中中中中中中中中中中中中中"));
	json_object_set_new(json_array_get(json_object_get(sale, "lines"), 0), "name",
			    json_string("Milk\x1b[31m red\ttab\nnewline"));
	struct receipt_info in = info_en();
	in.cashier = "An extraordinarily long cashier display name that cannot fit";
	in.store_name = "a中中中中中中中中中中中中中中中中中中";
	char *t = render(sale, &in, RECEIPT_TEXT, 58);
	char l[256];
	check_widths(t, 32);
	find_line(t, "Supercal", l, sizeof l);
	assert_string_equal(l, "Supercalifragilisticexpialidocio");
	find_line(t, "us-Apples", l, sizeof l);
	assert_string_equal(l, "us-Apples-Deluxe 中中中中中中中"); /* 31 columns: no half character */
	assert_int_equal(receipt_text_width(l), 31);
	find_line(t, "中中中中", l, sizeof l);
	assert_string_equal(l, "中中中中中中中中中中中");
	/* Centred wrapped store name: 1 + 15×2 = 31 columns, then the rest. */
	find_line(t, "a中", l, sizeof l);
	assert_int_equal(receipt_text_width(l), 31);
	/* Control characters dropped, tabs and line breaks become spaces. */
	find_line(t, "Milk", l, sizeof l);
	assert_string_equal(l, "Milk[31m red tab newline");
	/* A value too wide to sit beside its label goes below it, right-aligned. */
	find_line(t, "Cashier", l, sizeof l);
	assert_string_equal(l, "Cashier");
	assert_non_null(strstr(t, "\n An extraordinarily long cashier\n"));
	assert_non_null(strstr(t, "\n    display name that cannot fit\n"));
	free(t);
	json_decref(sale);
}

static void test_html(void **state)
{
	(void)state;
	json_t *sale = load(SALE);
	json_object_set_new(json_array_get(json_object_get(sale, "lines"), 1), "name",
			    json_string("<img src=x onerror=alert(1)>"));
	json_object_set_new(sale, "number", json_string("N<1>&\"'"));
	struct receipt_info in = info_en();
	in.store_name = "<b>Shop</b> & \"Co\" 'x'";
	in.company_name = "</title><script>alert(1)</script>";
	in.footer = "<i>bye</i>";
	char *h = render(sale, &in, RECEIPT_HTML, 58);
	assert_non_null(strstr(h, "<!DOCTYPE html>"));
	assert_non_null(strstr(h, "@page{size:58mm auto"));
	assert_non_null(strstr(h, "font-family:\"Courier New\""));
	assert_non_null(strstr(h, "<div class=\"c\">&lt;b&gt;Shop&lt;/b&gt; &amp; &quot;Co&quot; &#39;x&#39;</div>"));
	assert_non_null(strstr(h, "&lt;img src=x onerror=alert(1)&gt;"));
	assert_non_null(strstr(h, "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(h, "<title>Receipt N&lt;1&gt;&amp;&quot;&#39;</title>"));
	assert_non_null(strstr(h, "&lt;i&gt;bye&lt;/i&gt;"));
	/* No markup from the data survived. */
	assert_null(strstr(h, "<script"));
	assert_null(strstr(h, "<img"));
	assert_null(strstr(h, "<b>"));
	assert_null(strstr(h, "<i>"));
	/* Rows: a pair, the strong total, the tender. */
	assert_non_null(strstr(h, "<div class=\"r\"><span>No.</span><span>N&lt;1&gt;&amp;&quot;&#39;</span></div>"));
	assert_non_null(strstr(h, "<div class=\"r b\"><span>Total (CNY)</span><span>30.38</span></div>"));
	assert_non_null(strstr(h, "<div class=\"r i\"><span>Promotion #12</span><span>-0.30</span></div>"));
	assert_non_null(strstr(h, "<span>WeChat Pay</span><span>10.00</span>"));
	assert_non_null(strstr(h, "</body>\n</html>\n"));
	free(h);
	/* The language attribute is escaped as well; zh labels. */
	in.locale = "zh-CN\"><script>";
	h = render(sale, &in, RECEIPT_HTML, 80);
	assert_non_null(strstr(h, "@page{size:80mm auto"));
	assert_non_null(strstr(h, "body{width:80mm"));
	assert_non_null(strstr(h, "<html lang=\"zh-CN&quot;&gt;&lt;script&gt;\">"));
	assert_non_null(strstr(h, "<title>购物小票 N&lt;1&gt;&amp;&quot;&#39;</title>"));
	assert_non_null(strstr(h, "<div class=\"r b\"><span>合计 (CNY)</span><span>30.38</span></div>"));
	assert_null(strstr(h, "<script"));
	free(h);
	json_decref(sale);
}

static void test_voided_and_gift(void **state)
{
	(void)state;
	json_t *sale = load(SALE);
	json_object_set_new(sale, "status", json_string("voided"));
	json_t *l1 = json_array_get(json_object_get(sale, "lines"), 1);
	json_object_set_new(l1, "is_gift", json_true());
	json_object_set_new(l1, "returned_quantity", json_real(0.5));
	json_object_set_new(l1, "refunded", json_integer(380));
	struct receipt_info in = info_en();
	char *t = render(sale, &in, RECEIPT_TEXT, 58);
	char l[256];
	check_widths(t, 32);
	find_line(t, "             VOIDED", l, sizeof l);
	find_line(t, "Apples (gift)", l, sizeof l);
	find_line(t, "  Returned 0.5", l, sizeof l);
	assert_string_equal(l, "  Returned 0.5             -3.80");
	free(t);
	json_decref(sale);
}

static void test_bad_input(void **state)
{
	(void)state;
	json_t *sale = load(SALE);
	struct receipt_info in = info_en();
	struct buf b;
	struct err e;
	buf_init(&b, 0);
	err_init(&e);
	assert_int_equal(receipt_render(sale, &in, RECEIPT_TEXT, 60, &b, &e), ERR_INVALID);
	err_init(&e);
	assert_int_equal(receipt_render(sale, &in, (enum receipt_format)9, 58, &b, &e), ERR_INVALID);
	json_t *bare = load("{\"number\":\"X\"}");
	err_init(&e);
	assert_int_equal(receipt_render(bare, &in, RECEIPT_TEXT, 58, &b, &e), ERR_INVALID);
	assert_true(b.len == 0);
	/* Only the number and lines are needed; every info string may be NULL. */
	json_t *min = load("{\"number\":\"X-1\",\"lines\":[]}");
	struct receipt_info none = {.points_balance = -1};
	err_init(&e);
	assert_int_equal(receipt_render(min, &none, RECEIPT_TEXT, 58, &b, &e), 0);
	assert_non_null(strstr(b.data, "No.                          X-1\n"));
	buf_release(&b);
	json_decref(min);
	json_decref(bare);
	json_decref(sale);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_columns),
		cmocka_unit_test(test_cp_width),
		cmocka_unit_test(test_text_width),
		cmocka_unit_test(test_html_escape),
		cmocka_unit_test(test_text_layout_58),
		cmocka_unit_test(test_text_layout_80),
		cmocka_unit_test(test_chinese_labels_and_points),
		cmocka_unit_test(test_wrapping_and_truncation),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_voided_and_gift),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests_name("receipt", tests, NULL, NULL);
}
