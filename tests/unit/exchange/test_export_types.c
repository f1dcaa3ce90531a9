/* test_export_types.c: the export's column typing (one table of key names
 * and JSON types), flattening one level, widths with CJK counted double,
 * date serials, and formula neutralisation in CSV. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/timeutil.h"
#include "http/export.h"

static void test_classes(void **state)
{
	(void)state;
	static const struct {
		const char *key;
		enum export_class cls;
	} cases[] = {
		{"id", EXPORT_ID}, {"store_id", EXPORT_ID}, {"revenue", EXPORT_MONEY},
		{"cost", EXPORT_MONEY}, {"unit_cost", EXPORT_MONEY}, {"discount", EXPORT_MONEY},
		{"discount_total", EXPORT_MONEY}, {"gross_margin", EXPORT_MONEY},
		{"avg_basket", EXPORT_MONEY}, {"value", EXPORT_MONEY}, {"stock_value", EXPORT_MONEY},
		{"amount", EXPORT_MONEY}, {"total", EXPORT_MONEY}, {"price", EXPORT_MONEY},
		{"refunded", EXPORT_MONEY}, {"balance", EXPORT_MONEY}, {"lifetime_spend", EXPORT_MONEY},
		{"previous.revenue", EXPORT_MONEY}, {"points_balance", EXPORT_AUTO},
		{"points", EXPORT_AUTO}, {"quantity", EXPORT_QTY}, {"units", EXPORT_QTY},
		{"on_hand", EXPORT_QTY}, {"margin_pct", EXPORT_PCT}, {"member_share_pct", EXPORT_PCT},
		{"return_rate", EXPORT_RATE}, {"vat_rate", EXPORT_RATE}, {"discount_bp", EXPORT_BP},
		{"day", EXPORT_DATE}, {"date", EXPORT_DATE}, {"first_day", EXPORT_DATE},
		{"birthday", EXPORT_DATE}, {"starts_on", EXPORT_DATE}, {"created_at", EXPORT_DATETIME},
		{"at", EXPORT_DATETIME}, {"name", EXPORT_AUTO}, {"orders", EXPORT_AUTO},
		{"before", EXPORT_JSON}, {"after", EXPORT_JSON},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (export_class_of(cases[i].key) != cases[i].cls)
			fail_msg("%s: class %d, want %d", cases[i].key, export_class_of(cases[i].key),
				 cases[i].cls);
	}
}

static void test_kinds(void **state)
{
	(void)state;
	json_t *i = json_integer(1300), *r = json_real(0.25), *s = json_string("2026-12-07"),
	       *t = json_string("2026-12-07T02:00:00Z"), *x = json_string("soon"), *b = json_true();
	assert_int_equal(export_kind_of(EXPORT_MONEY, i), EXPORT_K_MONEY);
	assert_int_equal(export_kind_of(EXPORT_MONEY, x), EXPORT_K_TEXT);
	assert_int_equal(export_kind_of(EXPORT_RATE, i), EXPORT_K_BP); /* vat_rate 1300 */
	assert_int_equal(export_kind_of(EXPORT_RATE, r), EXPORT_K_RATE);
	assert_int_equal(export_kind_of(EXPORT_DATE, s), EXPORT_K_DATE);
	assert_int_equal(export_kind_of(EXPORT_DATE, x), EXPORT_K_TEXT);
	assert_int_equal(export_kind_of(EXPORT_DATETIME, t), EXPORT_K_DATETIME);
	assert_int_equal(export_kind_of(EXPORT_DATETIME, s), EXPORT_K_TEXT);
	assert_int_equal(export_kind_of(EXPORT_AUTO, b), EXPORT_K_BOOL);
	assert_int_equal(export_kind_of(EXPORT_AUTO, r), EXPORT_K_NUMBER);
	assert_int_equal(export_kind_of(EXPORT_QTY, r), EXPORT_K_QTY);
	assert_int_equal(export_kind_of(EXPORT_PCT, r), EXPORT_K_PCT);
	assert_int_equal(export_kind_of(EXPORT_AUTO, NULL), EXPORT_K_EMPTY);
	assert_int_equal(export_kind_of(EXPORT_AUTO, json_null()), EXPORT_K_EMPTY);
	json_decref(i), json_decref(r), json_decref(s), json_decref(t), json_decref(x);
	json_decref(b);
}

static void test_width_and_serials(void **state)
{
	(void)state;
	assert_int_equal(export_text_width("abc"), 3);
	assert_int_equal(export_text_width("鲜牛奶"), 6);
	assert_int_equal(export_text_width("1L 鲜奶"), 7);
	assert_int_equal(export_text_width("ＡＢ"), 4); /* full-width forms */
	double d;
	assert_int_equal(export_date_serial("1970-01-01", &d), 0);
	assert_true(d == 25569);
	assert_int_equal(export_date_serial("2024-02-29", &d), 0);
	assert_true(d == 45351);
	assert_int_equal(export_date_serial("2023-02-29", &d), -1);
	assert_int_equal(export_date_serial("12-07", &d), -1);
	ts_set_zone("Asia/Shanghai");
	/* 16:00Z is midnight in Shanghai: the next day, 0.0 into it */
	assert_int_equal(export_datetime_serial("2023-12-31T16:00:00Z", &d), 0);
	assert_true(d == 45292);
	assert_int_equal(export_datetime_serial("2024-01-01T06:00:30+08:00", &d), 0);
	assert_true(d > 45292.2503 && d < 45292.2504);
	assert_int_equal(export_datetime_serial("2024-01-01", &d), -1);
	assert_int_equal(export_datetime_serial("yesterday", &d), -1);
}

static void test_csv_typed_flattened_neutralised(void **state)
{
	(void)state;
	json_t *items = json_pack(
		"[{s:s,s:i,s:f,s:{s:i,s:f},s:s,s:i,s:s},"
		"{s:s,s:i,s:f,s:{s:i,s:f},s:s,s:i,s:s}]",
		"key", "=cmd|' /C calc'!A0", "revenue", 1299, "quantity", -2.5,
		"previous", "revenue", 1000, "margin_pct", 12.5, "day", "2026-12-07", "discount", -300,
		"note", "\tx",
		"key", "@SUM(1)", "revenue", -5, "quantity", 1.0,
		"previous", "revenue", -1, "margin_pct", -3.0, "day", "+8 days", "discount", 0,
		"note", "\rcr");
	size_t len;
	char *csv = export_csv(items, &len);
	json_decref(items);
	const char *want = "\xEF\xBB\xBF"
			   "key,revenue,quantity,previous.revenue,previous.margin_pct,day,discount,note\r\n"
			   "\"'=cmd|' /C calc'!A0\",12.99,-2.5,10.00,12.5,2026-12-07,-3.00,\"'\tx\"\r\n"
			   "\"'@SUM(1)\",-0.05,1,-0.01,-3,\"'+8 days\",0.00,\"'\rcr\"\r\n";
	assert_string_equal(csv, want);
	free(csv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classes), cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_width_and_serials),
		cmocka_unit_test(test_csv_typed_flattened_neutralised),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
