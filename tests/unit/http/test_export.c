/* test_export.c: CSV rendering of list replies (quoting, BOM, formulas). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "http/export.h"

static void test_csv(void **state)
{
	(void)state;
	json_t *items = json_pack("[{s:i,s:s,s:n,s:b},{s:i,s:s,s:s,s:b}]",
				  "id", 1, "name", "鲜牛奶, 1L", "brand", "ok", 1,
				  "id", 2, "name", "say \"hi\"", "brand", "=SUM(A1)", "ok", 0);
	size_t len;
	char *csv = export_csv(items, &len);
	json_decref(items);
	const char *want = "\xEF\xBB\xBF"
			   "id,name,brand,ok\r\n"
			   "1,\"鲜牛奶, 1L\",,true\r\n"
			   "2,\"say \"\"hi\"\"\",\"'=SUM(A1)\",false\r\n";
	assert_int_equal(len, strlen(want));
	assert_string_equal(csv, want);
	free(csv);
}

static void test_csv_empty_and_nested(void **state)
{
	(void)state;
	size_t len;
	json_t *none = json_array();
	char *csv = export_csv(none, &len);
	assert_string_equal(csv, "\xEF\xBB\xBF");
	free(csv);
	json_decref(none);

	json_t *items = json_pack("[{s:[i,i],s:i}]", "store_ids", 1, 2, "n", -5);
	csv = export_csv(items, &len);
	/* nested values as JSON text; a negative number is a number, not a formula */
	assert_string_equal(csv, "\xEF\xBB\xBF" "store_ids,n\r\n\"[1,2]\",-5\r\n");
	free(csv);
	json_decref(items);
}

static void test_xlsx(void **state)
{
	(void)state;
	json_t *items = json_pack("[{s:i,s:s}]", "id", 1, "name", "上海店");
	size_t len;
	char *x = export_xlsx(items, "stores", &len);
	json_decref(items);
	assert_non_null(x);
	assert_true(len > 1000);
	assert_memory_equal(x, "PK\x03\x04", 4); /* a zip container */
	free(x);
}

/* Rows written one at a time give the same file as the whole list. */
static void test_writer(void **state)
{
	(void)state;
	json_t *items = json_pack("[{s:i,s:s},{s:i,s:n}]", "id", 1, "name", "a,b", "id", 2,
				  "name");
	size_t len1, len2;
	char *whole = export_csv(items, &len1);
	struct export_writer *w = export_begin(0, NULL);
	for (size_t i = 0; i < json_array_size(items); i++)
		export_row(w, json_array_get(items, i));
	char *rows = export_end(w, &len2);
	assert_int_equal(len1, len2);
	assert_memory_equal(whole, rows, len1);
	free(whole);
	free(rows);
	w = export_begin(1, "t");
	export_row(w, json_array_get(items, 0));
	char *x = export_end(w, &len2);
	assert_non_null(x);
	assert_memory_equal(x, "PK\x03\x04", 4);
	free(x);
	json_decref(items);
}

/* A report of several tables: CSV one after another with a blank line and
 * each its own header; XLSX a sheet each. */
static void test_tables(void **state)
{
	(void)state;
	json_t *a = json_pack("{s:s,s:i}", "group", "target", "members", 6);
	json_t *b = json_pack("{s:s,s:i}", "day", "2026-12-01", "target_converted", 2);
	size_t len;
	struct export_writer *w = export_begin(0, NULL);
	export_row(w, a);
	export_table(w, "daily");
	export_row(w, b);
	export_row(w, b);
	export_table(w, "empty"); /* a table without rows adds a blank line only */
	char *csv = export_end(w, &len);
	assert_string_equal(csv, "\xEF\xBB\xBF"
				 "group,members\r\ntarget,6\r\n\r\n"
				 "day,target_converted\r\n2026-12-01,2\r\n2026-12-01,2\r\n\r\n");
	free(csv);
	w = export_begin(1, "groups");
	export_row(w, a);
	export_table(w, "daily");
	export_row(w, b);
	char *x = export_end(w, &len);
	assert_non_null(x);
	assert_memory_equal(x, "PK\x03\x04", 4);
	/* the zip names its parts in the clear: two worksheets */
	assert_non_null(memmem(x, len, "xl/worksheets/sheet1.xml", 24));
	assert_non_null(memmem(x, len, "xl/worksheets/sheet2.xml", 24));
	free(x);
	json_decref(a);
	json_decref(b);
}

/* No more than EXPORT_MAX_RUNNING exports at once; a slot given back can
 * be taken again. */
static void test_slots(void **state)
{
	(void)state;
	for (int i = 0; i < EXPORT_MAX_RUNNING; i++)
		assert_true(export_slot_take());
	assert_false(export_slot_take());
	export_slot_give();
	assert_true(export_slot_take());
	assert_false(export_slot_take());
	for (int i = 0; i < EXPORT_MAX_RUNNING; i++)
		export_slot_give();
	assert_true(export_slot_take());
	export_slot_give();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_csv_empty_and_nested),
		cmocka_unit_test(test_xlsx),
		cmocka_unit_test(test_slots),
		cmocka_unit_test(test_writer),
		cmocka_unit_test(test_tables),
	};
	return cmocka_run_group_tests_name("export", tests, NULL, NULL);
}
