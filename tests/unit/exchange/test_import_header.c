/* test_import_header.c: import columns matched by header name in Chinese or
 * English (case, spaces, '_' and a unit in brackets ignored), missing and
 * doubled columns reported on the header's line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "domain/exchange/import.h"

static struct table_row row(int line, int n, char **cells)
{
	return (struct table_row){line, n, cells};
}

static void test_products_chinese_and_english(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	struct import_result res = {0};
	char *h[] = {"商品编码", "Name", "零售价(元)", " 条码 ", "*成本", "分类", "备注", "VAT_Rate"};
	struct table_row hdr = row(1, 8, h);
	int col[IMPORT_MAX_FIELDS];
	assert_int_equal(import_match_header(IMPORT_PRODUCTS, &hdr, col, a, &res), 0);
	int n;
	const struct import_field *f = import_fields(IMPORT_PRODUCTS, &n);
	int want[][2] = {{0, 0}, {1, 1}, {3, 2}, {2, 3}, {4, 4}, {5, 5}};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		assert_int_equal(col[want[i][1]], want[i][0]);
	for (int i = 0; i < n; i++)
		if (strcmp(f[i].name, "vat") == 0)
			assert_int_equal(col[i], 7);
		else if (strcmp(f[i].name, "brand") == 0 || strcmp(f[i].name, "unit") == 0)
			assert_int_equal(col[i], -1);
	arena_free(a);
}

static void test_missing_and_doubled(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	struct import_result res = {0};
	char *h[] = {"手机号", "mobile", "email"};
	struct table_row hdr = row(1, 3, h);
	int col[IMPORT_MAX_FIELDS];
	assert_int_equal(import_match_header(IMPORT_CUSTOMERS, &hdr, col, a, &res), 2);
	assert_int_equal(res.errors[0].line, 1);
	assert_string_equal(res.errors[0].column, "mobile");
	assert_non_null(strstr(res.errors[0].message, "手机号"));
	assert_string_equal(res.errors[1].column, "name");
	assert_string_equal(res.errors[1].message, "the column is missing");

	/* stock needs a sku or a barcode column */
	struct import_result r2 = {0};
	char *s[] = {"门店编码", "数量"};
	hdr = row(3, 2, s);
	assert_int_equal(import_match_header(IMPORT_STOCK, &hdr, col, a, &r2), 1);
	assert_int_equal(r2.errors[0].line, 3);
	assert_string_equal(r2.errors[0].column, "sku");
	char *s2[] = {"store code", "Barcode", "QTY", "unit cost"};
	hdr = row(1, 4, s2);
	struct import_result r3 = {0};
	assert_int_equal(import_match_header(IMPORT_STOCK, &hdr, col, a, &r3), 0);
	assert_int_equal(col[0], 0);
	assert_int_equal(col[1], -1);
	assert_int_equal(col[2], 1);
	assert_int_equal(col[3], 2);
	assert_int_equal(col[4], 3);
	arena_free(a);
}

static void test_kinds(void **state)
{
	(void)state;
	assert_int_equal(import_kind_parse("products"), IMPORT_PRODUCTS);
	assert_int_equal(import_kind_parse("customers"), IMPORT_CUSTOMERS);
	assert_int_equal(import_kind_parse("stock"), IMPORT_STOCK);
	assert_int_equal(import_kind_parse("suppliers"), IMPORT_SUPPLIERS);
	assert_int_equal(import_kind_parse("orders"), -1);
	assert_int_equal(import_kind_parse(NULL), -1);
	/* every kind's aliases are unique across its fields */
	for (int k = 0; k < 4; k++) {
		int n;
		const struct import_field *f = import_fields(k, &n);
		assert_true(n > 0 && n <= IMPORT_MAX_FIELDS);
		for (int i = 0; i < n; i++)
			for (int j = i + 1; j < n; j++)
				for (int x = 0; f[i].aliases[x]; x++)
					for (int y = 0; f[j].aliases[y]; y++)
						assert_true(strcmp(f[i].aliases[x], f[j].aliases[y]) != 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_products_chinese_and_english),
		cmocka_unit_test(test_missing_and_doubled),
		cmocka_unit_test(test_kinds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
