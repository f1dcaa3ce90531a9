/* test_jx.c: request JSON getters (type errors vs field errors and their
 * messages) and the reply helpers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "base/arena.h"
#include "base/jx.h"
#include "base/money.h"

static json_t *load(const char *text)
{
	json_error_t je;
	json_t *j = json_loads(text, 0, &je);

	if (!j)
		fail_msg("bad test JSON: %s", je.text);
	return j;
}

static void assert_field(const struct err *e, int i, const char *field,
			 const char *message)
{
	assert_true(i < e->nfields);
	assert_string_equal(e->fields[i].field, field);
	assert_string_equal(e->fields[i].message, message);
}

static void test_no_unknown(void **state)
{
	static const char *const allowed[] = {"name", "price", NULL};
	json_t *j = load("{\"name\":\"x\",\"colour\":1,\"price\":2,\"id\":3}");
	struct err e;

	err_init(&e);
	jx_no_unknown(j, allowed, &e);
	assert_int_equal(e.nfields, 2);
	assert_field(&e, 0, "colour", "is not allowed");
	assert_field(&e, 1, "id", "is not allowed");
	assert_false(e.type_error);
	assert_int_equal(err_fields_done(&e), ERR_INVALID);
	json_decref(j);

	j = load("{\"name\":\"x\"}");
	err_init(&e);
	jx_no_unknown(j, allowed, &e);
	assert_int_equal(e.nfields, 0);
	json_decref(j);
}

static void test_str(void **state)
{
	json_t *j = load("{\"a\":\"Tea\",\"zh\":\"乌龙茶\",\"n\":5,\"blank\":\"   \","
			 "\"wide\":\"\\u3000 \",\"empty\":\"\",\"nul\":null,"
			 "\"ctl\":\"a\\nb\",\"long\":\"abcdef\"}");
	const char *s = NULL;
	struct err e;

	err_init(&e);
	assert_int_equal(jx_str(j, "a", JX_REQUIRED, 10, &s, &e), 1);
	assert_string_equal(s, "Tea");
	/* three characters, nine bytes: fits a limit of 3 */
	assert_int_equal(jx_str(j, "zh", 0, 3, &s, &e), 1);
	assert_string_equal(s, "乌龙茶");
	assert_int_equal(jx_str(j, "empty", 0, 10, &s, &e), 1);
	assert_string_equal(s, "");
	assert_int_equal(e.nfields, 0);

	s = NULL;
	assert_int_equal(jx_str(j, "missing", 0, 10, &s, &e), 0);
	assert_int_equal(jx_str(j, "nul", 0, 10, &s, &e), 0);
	assert_null(s);
	assert_int_equal(e.nfields, 0);

	assert_int_equal(jx_str(j, "missing", JX_REQUIRED, 10, &s, &e), 0);
	assert_int_equal(jx_str(j, "nul", JX_REQUIRED, 10, &s, &e), 0);
	assert_int_equal(jx_str(j, "zh", 0, 2, &s, &e), 0);
	assert_int_equal(jx_str(j, "blank", JX_NONEMPTY, 10, &s, &e), 0);
	assert_int_equal(jx_str(j, "wide", JX_NONEMPTY, 10, &s, &e), 0);
	assert_int_equal(jx_str(j, "empty", JX_REQUIRED | JX_NONEMPTY, 10, &s,
				&e), 0);
	assert_int_equal(jx_str(j, "ctl", 0, 10, &s, &e), 0);
	assert_int_equal(jx_str(j, "long", 0, 5, &s, &e), 0);
	assert_null(s);
	assert_false(e.type_error);
	assert_field(&e, 0, "missing", "is required");
	assert_field(&e, 1, "nul", "is required");
	assert_field(&e, 2, "zh", "must be at most 2 characters");
	assert_field(&e, 3, "blank", "must not be empty");
	assert_field(&e, 4, "wide", "must not be empty");
	assert_field(&e, 5, "empty", "must not be empty");
	assert_field(&e, 6, "ctl", "must not contain control characters");
	assert_field(&e, 7, "long", "must be at most 5 characters");
	assert_int_equal(err_fields_done(&e), ERR_INVALID);

	err_init(&e);
	assert_int_equal(jx_str(j, "n", JX_REQUIRED, 10, &s, &e), 0);
	assert_true(e.type_error);
	assert_field(&e, 0, "n", "must be a string");
	assert_int_equal(err_fields_done(&e), ERR_BAD_REQUEST);

	/* a string with an embedded NUL */
	json_object_set_new(j, "zero", json_stringn("ab\0cd", 5));
	err_init(&e);
	assert_int_equal(jx_str(j, "zero", 0, 10, &s, &e), 0);
	assert_field(&e, 0, "zero", "must not contain control characters");

	/* not an object at all: absent */
	err_init(&e);
	assert_int_equal(jx_str(NULL, "a", 0, 10, &s, &e), 0);
	assert_int_equal(e.nfields, 0);
	json_decref(j);
}

static void test_int(void **state)
{
	json_t *j = load("{\"i\":42,\"neg\":-3,\"r\":12.5,\"whole\":5.0,"
			 "\"s\":\"42\",\"b\":true,\"big\":9223372036854775807}");
	int64_t v = 0;
	struct err e;

	err_init(&e);
	assert_int_equal(jx_int(j, "i", JX_REQUIRED, 0, 100, &v, &e), 1);
	assert_int_equal(v, 42);
	assert_int_equal(jx_int(j, "big", 0, 0, INT64_MAX, &v, &e), 1);
	assert_true(v == INT64_MAX);
	assert_int_equal(jx_int(j, "absent", 0, 0, 100, &v, &e), 0);
	assert_int_equal(e.nfields, 0);

	v = 7;
	assert_int_equal(jx_int(j, "neg", 0, 0, 100, &v, &e), 0);
	assert_int_equal(jx_int(j, "i", 0, 0, 10, &v, &e), 0);
	assert_int_equal(jx_int(j, "r", 0, 0, 100, &v, &e), 0);
	assert_int_equal(jx_int(j, "whole", 0, 0, 100, &v, &e), 0);
	assert_int_equal(v, 7);
	assert_false(e.type_error);
	assert_field(&e, 0, "neg", "must be at least 0");
	assert_field(&e, 1, "i", "must be at most 10");
	assert_field(&e, 2, "r", "must be an integer");
	assert_field(&e, 3, "whole", "must be an integer");
	assert_int_equal(err_fields_done(&e), ERR_INVALID);

	err_init(&e);
	assert_int_equal(jx_int(j, "s", 0, 0, 100, &v, &e), 0);
	assert_int_equal(jx_int(j, "b", 0, 0, 100, &v, &e), 0);
	assert_true(e.type_error);
	assert_field(&e, 0, "s", "must be an integer");
	assert_field(&e, 1, "b", "must be an integer");
	assert_int_equal(err_fields_done(&e), ERR_BAD_REQUEST);
	json_decref(j);
}

static void test_money(void **state)
{
	json_t *j = load("{\"price\":1299,\"frac\":12.99,\"neg\":-1,"
			 "\"max\":10000000000000,\"over\":10000000000001}");
	int64_t v = 0;
	struct err e;

	err_init(&e);
	assert_int_equal(jx_money(j, "price", JX_REQUIRED, 0, &v, &e), 1);
	assert_int_equal(v, 1299);
	assert_int_equal(jx_money(j, "max", 0, 0, &v, &e), 1);
	assert_true(v == MONEY_MAX);
	assert_int_equal(jx_money(j, "neg", 0, -MONEY_MAX, &v, &e), 1);
	assert_int_equal(v, -1);
	assert_int_equal(e.nfields, 0);

	assert_int_equal(jx_money(j, "frac", 0, 0, &v, &e), 0);
	assert_int_equal(jx_money(j, "neg", 0, 0, &v, &e), 0);
	assert_int_equal(jx_money(j, "over", 0, 0, &v, &e), 0);
	assert_field(&e, 0, "frac", "must be an integer");
	assert_field(&e, 1, "neg", "must be at least 0");
	assert_field(&e, 2, "over", "must be at most 10000000000000");
	assert_false(e.type_error);
	json_decref(j);
}

static void test_qty(void **state)
{
	json_t *j = load("{\"two\":2,\"half\":0.5,\"tenth\":0.1,\"neg\":-1.5,"
			 "\"fine\":1.0005,\"tiny\":0.0001,\"huge\":1000000001,"
			 "\"hugeR\":1e12,\"max\":1000000000,\"s\":\"2\","
			 "\"minus\":-1000000001}");
	int64_t q = 0;
	struct err e;

	err_init(&e);
	assert_int_equal(jx_qty(j, "two", JX_REQUIRED, &q, &e), 1);
	assert_int_equal(q, 2000);
	assert_int_equal(jx_qty(j, "half", 0, &q, &e), 1);
	assert_int_equal(q, 500);
	assert_int_equal(jx_qty(j, "tenth", 0, &q, &e), 1);
	assert_int_equal(q, 100);
	assert_int_equal(jx_qty(j, "neg", 0, &q, &e), 1);
	assert_int_equal(q, -1500);
	assert_int_equal(jx_qty(j, "max", 0, &q, &e), 1);
	assert_true(q == QTY_MAX);
	assert_int_equal(e.nfields, 0);

	q = 3;
	assert_int_equal(jx_qty(j, "fine", 0, &q, &e), 0);
	assert_int_equal(jx_qty(j, "tiny", 0, &q, &e), 0);
	assert_int_equal(jx_qty(j, "huge", 0, &q, &e), 0);
	assert_int_equal(jx_qty(j, "hugeR", 0, &q, &e), 0);
	assert_int_equal(jx_qty(j, "minus", 0, &q, &e), 0);
	assert_int_equal(jx_qty(j, "absent", JX_REQUIRED, &q, &e), 0);
	assert_int_equal(q, 3);
	assert_false(e.type_error);
	assert_field(&e, 0, "fine", "has more than 3 decimals");
	assert_field(&e, 1, "tiny", "has more than 3 decimals");
	assert_field(&e, 2, "huge", "must be at most 1000000000");
	assert_field(&e, 3, "hugeR", "must be at most 1000000000");
	assert_field(&e, 4, "minus", "must be at least -1000000000");
	assert_field(&e, 5, "absent", "is required");

	assert_int_equal(jx_qty(j, "s", 0, &q, &e), 0);
	assert_true(e.type_error);
	assert_field(&e, 6, "s", "must be a number");
	json_decref(j);
}

static void test_bool_enum_day_array(void **state)
{
	static const char *const genders[] = {"female", "male", "other", NULL};
	json_t *j = load("{\"t\":true,\"f\":false,\"one\":1,\"g\":\"male\","
			 "\"gx\":\"Male\",\"gn\":3,\"d\":\"2024-02-29\","
			 "\"dx\":\"2026-02-29\",\"dn\":20260227,\"arr\":[1,2],"
			 "\"obj\":{}}");
	const char *s = NULL;
	json_t *a = NULL;
	int b = -1;
	struct err e;

	err_init(&e);
	assert_int_equal(jx_bool(j, "t", JX_REQUIRED, &b, &e), 1);
	assert_int_equal(b, 1);
	assert_int_equal(jx_bool(j, "f", 0, &b, &e), 1);
	assert_int_equal(b, 0);
	assert_int_equal(jx_enum(j, "g", JX_REQUIRED, genders, &s, &e), 1);
	assert_ptr_equal(s, genders[1]);
	assert_int_equal(jx_day(j, "d", 0, &s, &e), 1);
	assert_string_equal(s, "2024-02-29");
	assert_int_equal(jx_array(j, "arr", 0, &a, &e), 1);
	assert_int_equal(json_array_size(a), 2);
	assert_int_equal(e.nfields, 0);

	assert_int_equal(jx_enum(j, "gx", 0, genders, &s, &e), 0);
	assert_int_equal(jx_day(j, "dx", 0, &s, &e), 0);
	assert_false(e.type_error);
	assert_field(&e, 0, "gx", "must be one of: female, male, other");
	assert_field(&e, 1, "dx", "is not a valid date (YYYY-MM-DD)");
	assert_int_equal(err_fields_done(&e), ERR_INVALID);

	err_init(&e);
	assert_int_equal(jx_bool(j, "one", 0, &b, &e), 0);
	assert_int_equal(jx_enum(j, "gn", 0, genders, &s, &e), 0);
	assert_int_equal(jx_day(j, "dn", 0, &s, &e), 0);
	assert_int_equal(jx_array(j, "obj", 0, &a, &e), 0);
	assert_true(e.type_error);
	assert_field(&e, 0, "one", "must be true or false");
	assert_field(&e, 1, "gn", "must be a string");
	assert_field(&e, 2, "dn", "must be a string");
	assert_field(&e, 3, "obj", "must be an array");
	assert_int_equal(err_fields_done(&e), ERR_BAD_REQUEST);
	json_decref(j);
}

/* A two-part cursor: both parts bounded, each part's minimum applied. */
static void test_cursor_pair(void **state)
{
	(void)state;
	int64_t a = 0, b = 0;
	assert_int_equal(jx_cursor_pair("1733550000000:42", INT64_MIN, 1, &a, &b), 0);
	assert_int_equal(a, 1733550000000);
	assert_int_equal(b, 42);
	assert_int_equal(jx_cursor_pair("-5:0", INT64_MIN, 0, &a, &b), 0);
	assert_int_equal(a, -5);
	assert_int_equal(b, 0);
	static const char *const bad[] = {"", "12", ":3", "3:", "a:b", "1:x", "1:0",
					  "-1:1", "1:2:3", "123456789012345678901234:1",
					  "1:123456789012345678901234"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(jx_cursor_pair(bad[i], 0, 1, &a, &b), -1);
	assert_int_equal(jx_cursor_pair(NULL, 0, 0, &a, &b), -1);
}

static void test_qint(void **state)
{
	static const char *const bad[] = {
		"abc", "1.5", " 1", "1 ", "+1", "-", "0x10", "1e3",
		"9223372036854775808", "-9223372036854775809",
		"99999999999999999999999",
	};
	int64_t v = 0;
	struct err e;

	err_init(&e);
	assert_int_equal(jx_qint(NULL, "store_id", 1, 100, &v, &e), 0);
	assert_int_equal(jx_qint("", "store_id", 1, 100, &v, &e), 0);
	assert_int_equal(jx_qint("3", "store_id", 1, 100, &v, &e), 1);
	assert_int_equal(v, 3);
	assert_int_equal(jx_qint("-12", "delta", -100, 100, &v, &e), 1);
	assert_int_equal(v, -12);
	assert_int_equal(jx_qint("9223372036854775807", "n", INT64_MIN,
				 INT64_MAX, &v, &e), 1);
	assert_true(v == INT64_MAX);
	assert_int_equal(jx_qint("-9223372036854775808", "n", INT64_MIN,
				 INT64_MAX, &v, &e), 1);
	assert_true(v == INT64_MIN);
	assert_int_equal(e.nfields, 0);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_init(&e);
		v = 5;
		if (jx_qint(bad[i], "n", INT64_MIN, INT64_MAX, &v, &e) != -1)
			fail_msg("jx_qint accepted \"%s\"", bad[i]);
		assert_int_equal(v, 5);
		assert_int_equal(e.nfields, 1);
	}
	err_init(&e);
	assert_int_equal(jx_qint("0", "store_id", 1, 100, &v, &e), -1);
	assert_int_equal(jx_qint("101", "store_id", 1, 100, &v, &e), -1);
	assert_field(&e, 0, "store_id", "must be an integer between 1 and 100");
	assert_int_equal(e.nfields, 1); /* one message per field */
	assert_int_equal(err_fields_done(&e), ERR_INVALID);
}

static char *dump(json_t *j)
{
	char *s = json_dumps(j, JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));

	json_decref(j);
	assert_non_null(s);
	return s;
}

static void check_dump(json_t *j, const char *want)
{
	char *s = dump(j);

	assert_string_equal(s, want);
	free(s);
}

static void test_reply_helpers(void **state)
{
	check_dump(jx_strn(NULL), "null");
	check_dump(jx_strn("乌龙茶"), "\"乌龙茶\"");
	check_dump(jx_strn("a\"b"), "\"a\\\"b\"");
	/* bytes that are not UTF-8 are replaced, never dropped silently */
	check_dump(jx_strn("ab\xff" "c"), "\"ab\xEF\xBF\xBD" "c\"");
	check_dump(jx_strn("\xE4\xB9"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");

	check_dump(jx_time(0), "null");
	check_dump(jx_time(INT64_C(1795762500000)), "\"2026-11-27T06:55:00Z\"");
	check_dump(jx_time(INT64_C(1795762500123)),
		   "\"2026-11-27T06:55:00.123Z\"");

	json_t *q = jx_qty_value(2000);
	assert_true(json_is_integer(q));
	check_dump(q, "2");
	q = jx_qty_value(750);
	assert_true(json_is_real(q));
	check_dump(q, "0.75");
	check_dump(jx_qty_value(100), "0.1");
	check_dump(jx_qty_value(-1500), "-1.5");
	check_dump(jx_qty_value(-3000), "-3");
	check_dump(jx_qty_value(QTY_MAX - 1), "999999999.999");
}

static void test_present_null(void **state)
{
	(void)state;
	json_t *o = load("{\"a\": null, \"b\": 1}");
	assert_true(jx_present(o, "a"));
	assert_true(jx_null(o, "a"));
	assert_true(jx_present(o, "b"));
	assert_false(jx_null(o, "b"));
	assert_false(jx_present(o, "c"));
	assert_false(jx_null(o, "c"));
	json_decref(o);
}

static void test_nullable(void **state)
{
	(void)state;
	struct err e;
	int64_t v = 7;
	json_t *o = load("{\"id\": null, \"n\": 5, \"bad\": 0, \"cost\": null, \"c2\": 12}");
	err_init(&e);
	assert_int_equal(jx_int_null(o, "id", 1, 100, 0, &v, &e), 1);
	assert_int_equal(v, 0);
	assert_int_equal(jx_int_null(o, "n", 1, 100, 0, &v, &e), 1);
	assert_int_equal(v, 5);
	assert_int_equal(jx_int_null(o, "absent", 1, 100, 0, &v, &e), 0);
	assert_int_equal(v, 0);
	assert_int_equal(e.nfields, 0);
	/* sent but out of range: the key counts as sent, the value is noted */
	assert_int_equal(jx_int_null(o, "bad", 1, 100, -1, &v, &e), 1);
	assert_int_equal(v, -1);
	assert_int_equal(e.nfields, 1);
	assert_string_equal(e.fields[0].field, "bad");
	assert_int_equal(jx_money_null(o, "cost", -1, &v, &e), 1);
	assert_int_equal(v, -1);
	assert_int_equal(jx_money_null(o, "c2", -1, &v, &e), 1);
	assert_int_equal(v, 12);
	json_decref(o);
}

static void test_ids(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	struct err e;
	int64_t *ids;
	int n;
	json_t *o = load("{\"ok\": [3, 1], \"empty\": [], \"dup\": [1, 2, 1],"
			 " \"neg\": [0], \"str\": [\"1\"], \"long\": [1, 2, 3], \"nul\": null}");
	err_init(&e);
	assert_int_equal(jx_ids(o, "ok", 0, 10, a, &ids, &n, &e), 1);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], 3);
	assert_int_equal(ids[1], 1);
	assert_int_equal(jx_ids(o, "empty", 0, 10, a, &ids, &n, &e), 1);
	assert_int_equal(n, 0);
	assert_int_equal(jx_ids(o, "nul", 0, 10, a, &ids, &n, &e), 0);
	assert_int_equal(jx_ids(o, "absent", 0, 10, a, &ids, &n, &e), 0);
	assert_int_equal(e.nfields, 0);
	assert_int_equal(jx_ids(o, "dup", 0, 10, a, &ids, &n, &e), 0);
	assert_field(&e, 0, "dup", "lists 1 twice");
	assert_int_equal(jx_ids(o, "neg", 0, 10, a, &ids, &n, &e), 0);
	assert_field(&e, 1, "neg", "must hold positive ids");
	assert_int_equal(jx_ids(o, "long", 0, 2, a, &ids, &n, &e), 0);
	assert_field(&e, 2, "long", "must have at most 2 ids");
	assert_false(e.type_error);
	assert_int_equal(jx_ids(o, "str", 0, 10, a, &ids, &n, &e), 0);
	assert_true(e.type_error);
	assert_int_equal(jx_ids(o, "absent", JX_REQUIRED, 10, a, &ids, &n, &e), 0);
	assert_string_equal(e.fields[e.nfields - 1].field, "absent");
	json_decref(o);
	arena_free(a);
}

struct line { int64_t id, qty; };

static void read_line(json_t *it, void *elem, void *ctx, struct err *ie)
{
	static const char *const fields[] = {"id", "qty", NULL};
	struct line *l = elem;
	(*(int *)ctx)++;
	jx_no_unknown(it, fields, ie);
	jx_int(it, "id", JX_REQUIRED, 1, 100, &l->id, ie);
	jx_qty(it, "qty", JX_REQUIRED, &l->qty, ie);
}

static void test_objects(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	struct err e;
	void *out;
	int calls = 0;
	json_t *o = load("{\"lines\": [{\"id\": 1, \"qty\": 2.5}, {\"id\": 0, \"qty\": 1, \"x\": 1},"
			 " {\"qty\": 1}], \"bad\": [1], \"long\": [{}, {}, {}]}");
	err_init(&e);
	assert_int_equal(jx_objects(o, "lines", JX_REQUIRED, 10, a, sizeof(struct line), &out,
				    read_line, &calls, &e), 3);
	assert_int_equal(calls, 3);
	struct line *l = out;
	assert_int_equal(l[0].id, 1);
	assert_int_equal(l[0].qty, 2500);
	assert_int_equal(e.nfields, 3);
	assert_string_equal(e.fields[0].field, "lines[1].x");
	assert_string_equal(e.fields[1].field, "lines[1].id");
	assert_string_equal(e.fields[2].field, "lines[2].id");
	assert_false(e.type_error);
	/* an item that is not an object: a type error naming it */
	assert_int_equal(jx_objects(o, "bad", 0, 10, a, sizeof(struct line), &out, read_line,
				    &calls, &e), 1);
	assert_true(e.type_error);
	assert_string_equal(e.fields[3].field, "bad[0]");
	assert_int_equal(jx_objects(o, "long", 0, 2, a, sizeof(struct line), &out, read_line,
				    &calls, &e), -1);
	assert_field(&e, 4, "long", "must have at most 2 lines");
	assert_int_equal(jx_objects(o, "absent", 0, 2, a, sizeof(struct line), &out, read_line,
				    &calls, &e), -1);
	assert_int_equal(e.nfields, 5);
	json_decref(o);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_unknown),
		cmocka_unit_test(test_str),
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_money),
		cmocka_unit_test(test_qty),
		cmocka_unit_test(test_bool_enum_day_array),
		cmocka_unit_test(test_qint),
		cmocka_unit_test(test_reply_helpers),
		cmocka_unit_test(test_present_null),
		cmocka_unit_test(test_nullable),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_cursor_pair),
		cmocka_unit_test(test_objects),
	};

	return cmocka_run_group_tests_name("jx", tests, NULL, NULL);
}
