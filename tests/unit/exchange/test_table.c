/* test_table.c: spreadsheet reading for imports: CSV in UTF-8, UTF-8 with a
 * BOM and GBK (detected), line numbers of records, quoting, and the first
 * sheet of an XLSX workbook (one written by the export, read back). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/table.h"
#include "http/export.h"

static void test_utf8_lines_quotes(void **state)
{
	(void)state;
	const char *csv = "sku, name ,price\r\n"
			  "A1,\"可乐, 罐装\",3.50\r\n"
			  "\r\n"
			  "A2,\"two\nlines\",\"1\"\"2\"\n"
			  ",,\n"
			  "A3,last,9";
	struct table t;
	char msg[200];
	assert_int_equal(table_read(csv, strlen(csv), &t, msg, sizeof msg), 0);
	assert_string_equal(t.format, "csv");
	assert_string_equal(t.encoding, "utf-8");
	assert_int_equal(t.nrows, 4); /* blank and all-empty rows skipped */
	assert_string_equal(table_cell(&t.rows[0], 1), "name");
	assert_int_equal(t.rows[1].line, 2);
	assert_string_equal(table_cell(&t.rows[1], 1), "可乐, 罐装");
	assert_int_equal(t.rows[2].line, 4);
	assert_string_equal(table_cell(&t.rows[2], 1), "two\nlines");
	assert_string_equal(table_cell(&t.rows[2], 2), "1\"2");
	assert_int_equal(t.rows[3].line, 7);
	assert_string_equal(table_cell(&t.rows[3], 2), "9");
	assert_string_equal(table_cell(&t.rows[3], 7), ""); /* past the row */
	table_free(&t);
}

static void test_bom_and_gbk(void **state)
{
	(void)state;
	struct table t;
	char msg[200];
	const char *bom = "\xEF\xBB\xBF" "姓名,手机\n张三,13800138000\n";
	assert_int_equal(table_read(bom, strlen(bom), &t, msg, sizeof msg), 0);
	assert_string_equal(t.encoding, "utf-8-bom");
	assert_string_equal(table_cell(&t.rows[0], 0), "姓名");
	table_free(&t);

	/* 姓名,手机\n张三,1\n in GBK */
	const char gbk[] = "\xD0\xD5\xC3\xFB,\xCA\xD6\xBB\xFA\n\xD5\xC5\xC8\xFD,1\n";
	assert_int_equal(table_read(gbk, sizeof gbk - 1, &t, msg, sizeof msg), 0);
	assert_string_equal(t.encoding, "gbk");
	assert_string_equal(table_cell(&t.rows[0], 0), "姓名");
	assert_string_equal(table_cell(&t.rows[0], 1), "手机");
	assert_string_equal(table_cell(&t.rows[1], 0), "张三");
	table_free(&t);

	/* neither UTF-8 nor GBK */
	const char bad[] = "a\n\xFF\xFF\n";
	assert_int_equal(table_read(bad, sizeof bad - 1, &t, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "GBK"));
	table_free(&t);

	/* a BOM followed by bytes that are not UTF-8 is refused */
	char *out;
	size_t n;
	int b;
	assert_int_equal(table_to_utf8("\xEF\xBB\xBF\xD5\xC5", 5, &out, &n, &b), -1);
}

static void test_unterminated_quote(void **state)
{
	(void)state;
	struct table t;
	char msg[200];
	const char *csv = "a,b\n\"open,1\n";
	assert_int_equal(table_read(csv, strlen(csv), &t, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "quote"));
	table_free(&t);
}

/* An XLSX written by the export is read back: header, text, numbers. */
static void test_xlsx_round_trip(void **state)
{
	(void)state;
	json_t *items = json_pack("[{s:s,s:s,s:i,s:f},{s:s,s:s,s:i,s:n}]", "sku", "X1", "name",
				  "鲜牛奶", "price", 1299, "quantity", 2.5, "sku", "X2", "name",
				  "=1+1", "price", -5, "quantity");
	size_t len;
	char *x = export_xlsx(items, "products", &len);
	json_decref(items);
	assert_non_null(x);
	struct table t;
	char msg[200];
	assert_int_equal(table_read(x, len, &t, msg, sizeof msg), 0);
	free(x);
	assert_string_equal(t.format, "xlsx");
	assert_int_equal(t.nrows, 3);
	assert_string_equal(table_cell(&t.rows[0], 0), "sku");
	assert_string_equal(table_cell(&t.rows[0], 3), "quantity");
	assert_int_equal(t.rows[1].line, 2);
	assert_string_equal(table_cell(&t.rows[1], 1), "鲜牛奶");
	assert_string_equal(table_cell(&t.rows[1], 2), "12.99"); /* money in yuan */
	assert_string_equal(table_cell(&t.rows[1], 3), "2.5");
	assert_string_equal(table_cell(&t.rows[2], 1), "'=1+1");
	assert_string_equal(table_cell(&t.rows[2], 2), "-0.05");
	assert_string_equal(table_cell(&t.rows[2], 3), "");
	table_free(&t);

	assert_int_equal(table_read("PK\x03\x04junk", 8, &t, msg, sizeof msg), -1);
	table_free(&t);
}

static void test_serial_day(void **state)
{
	(void)state;
	char d[16];
	assert_int_equal(table_serial_day("33010", d, sizeof d), 0);
	assert_string_equal(d, "1990-05-17");
	assert_int_equal(table_serial_day("45292.75", d, sizeof d), 0);
	assert_string_equal(d, "2024-01-01");
	assert_int_equal(table_serial_day("61", d, sizeof d), 0);
	assert_string_equal(d, "1900-03-01");
	assert_int_equal(table_serial_day("1990-05-17", d, sizeof d), -1);
	assert_int_equal(table_serial_day("", d, sizeof d), -1);
	assert_int_equal(table_serial_day("12", d, sizeof d), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_lines_quotes), cmocka_unit_test(test_bom_and_gbk),
		cmocka_unit_test(test_unterminated_quote), cmocka_unit_test(test_xlsx_round_trip),
		cmocka_unit_test(test_serial_day),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
