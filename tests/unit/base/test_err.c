/* test_err.c: the error table and struct err (message, fields, codes). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "base/err.h"

static void test_table(void **state)
{
	assert_int_equal(ERR_OK, 0);
	assert_string_equal(err_slug(ERR_OK), "ok");
	assert_int_equal(err_status(ERR_OK), 200);

	assert_string_equal(err_slug(ERR_NOT_FOUND), "not-found");
	assert_int_equal(err_status(ERR_NOT_FOUND), 404);
	assert_string_equal(err_title(ERR_NOT_FOUND), "Not found");

	assert_string_equal(err_slug(ERR_INVALID), "validation");
	assert_int_equal(err_status(ERR_INVALID), 422);
	assert_string_equal(err_slug(ERR_MALFORMED_JSON), "malformed-json");
	assert_int_equal(err_status(ERR_MALFORMED_JSON), 400);
	assert_string_equal(err_slug(ERR_INSUFFICIENT_STOCK), "insufficient-stock");
	assert_int_equal(err_status(ERR_INSUFFICIENT_STOCK), 409);
	assert_int_equal(err_status(ERR_TOO_LARGE), 413);
	assert_int_equal(err_status(ERR_TOO_MANY), 429);
	assert_string_equal(err_slug(ERR_UNAVAILABLE), "unavailable");
	assert_int_equal(err_status(ERR_UNAVAILABLE), 503);
	assert_string_equal(err_title(ERR_IDEMPOTENCY_CONFLICT),
			    "Idempotency key reused with another request");
	/* a database failure looks like any internal error from outside */
	assert_string_equal(err_slug(ERR_DB), "internal");
	assert_int_equal(err_status(ERR_DB), 500);
}

static void test_table_complete(void **state)
{
	/* every code maps to its own row, none falls through to internal */
#define X(n, s, h, t)                                              \
	assert_int_equal(ERR_##n, -ERRI_##n);                      \
	assert_string_equal(err_slug(ERR_##n), s);                 \
	assert_int_equal(err_status(ERR_##n), h);                  \
	assert_string_equal(err_title(ERR_##n), t);
	ERR_MAP(X)
#undef X
}

static void test_unknown_code(void **state)
{
	assert_string_equal(err_slug(-ERRI__COUNT), "internal");
	assert_int_equal(err_status(-1000), 500);
	assert_string_equal(err_title(5), "Internal error");
	assert_int_equal(err_status(1), 500);
}

static void test_set(void **state)
{
	struct err e;
	char longmsg[600];

	err_init(&e);
	assert_int_equal(e.code, 0);
	assert_int_equal(e.nfields, 0);
	assert_int_equal(err_set(&e, ERR_NOT_FOUND, "no product %lld", 42LL),
			 ERR_NOT_FOUND);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_string_equal(e.msg, "no product 42");
	assert_int_equal(err_set(NULL, ERR_STATE, "ignored"), ERR_STATE);

	memset(longmsg, 'm', sizeof(longmsg) - 1);
	longmsg[sizeof(longmsg) - 1] = '\0';
	err_set(&e, ERR_INVALID, "%s", longmsg);
	assert_int_equal(strlen(e.msg), sizeof(e.msg) - 1);

	/* truncation never leaves half a UTF-8 character: 85 × 3 bytes + 1 */
	{
		char zh[400] = "x";
		for (int i = 0; i < 100; i++)
			memcpy(zh + 1 + 3 * i, "价", 4);
		err_set(&e, ERR_INVALID, "%s", zh);
		assert_int_equal(strlen(e.msg), 253);
		assert_memory_equal(e.msg + 250, "价", 3);
	}
}

static void test_fields(void **state)
{
	struct err e;

	err_init(&e);
	assert_int_equal(err_fields_done(&e), 0);
	assert_int_equal(e.code, 0);

	err_field(&e, "name", "must be at most %d characters", 120);
	err_field(&e, "price", "must be at least 0");
	assert_int_equal(e.code, 0);  /* not until err_fields_done */
	assert_int_equal(err_fields_done(&e), ERR_INVALID);
	assert_int_equal(e.code, ERR_INVALID);
	assert_false(e.type_error);
	assert_string_equal(e.msg, "2 fields are invalid");
	assert_int_equal(e.nfields, 2);
	assert_string_equal(e.fields[0].field, "name");
	assert_string_equal(e.fields[0].message, "must be at most 120 characters");
	assert_string_equal(e.fields[1].field, "price");
	assert_string_equal(e.fields[1].message, "must be at least 0");

	err_init(&e);
	err_field(&e, "sku", "is required");
	assert_int_equal(err_fields_done(&e), ERR_INVALID);
	assert_string_equal(e.msg, "1 field is invalid");

	/* a message set earlier is kept */
	err_init(&e);
	err_set(&e, ERR_INVALID, "check the lines");
	err_field(&e, "lines", "is required");
	assert_int_equal(err_fields_done(&e), ERR_INVALID);
	assert_string_equal(e.msg, "check the lines");

	/* no fields: the code set by err_set stands */
	err_init(&e);
	err_set(&e, ERR_CONFLICT, "busy");
	assert_int_equal(err_fields_done(&e), ERR_CONFLICT);

	err_field(NULL, "x", "ignored");
	err_type(NULL, "x", "a string");
	assert_int_equal(err_fields_done(NULL), 0);
}

static void test_type_error(void **state)
{
	struct err e;

	err_init(&e);
	err_field(&e, "price", "must be at least 0");
	err_type(&e, "name", "a string");
	assert_true(e.type_error);
	assert_int_equal(e.nfields, 2);
	assert_string_equal(e.fields[1].field, "name");
	assert_string_equal(e.fields[1].message, "must be a string");
	assert_int_equal(err_fields_done(&e), ERR_BAD_REQUEST);
	assert_int_equal(err_status(e.code), 400);
	assert_string_equal(e.msg, "2 fields are invalid");
}

static void test_field_limits(void **state)
{
	struct err e;
	char name[200];

	err_init(&e);
	for (int i = 0; i < ERR_MAX_FIELDS + 8; i++) {
		snprintf(name, sizeof name, "f%d", i);
		err_field(&e, name, "number %d", i);
	}
	assert_int_equal(e.nfields, ERR_MAX_FIELDS);
	assert_string_equal(e.fields[0].message, "number 0");
	assert_string_equal(e.fields[ERR_MAX_FIELDS - 1].message, "number 31");
	assert_int_equal(err_fields_done(&e), ERR_INVALID);
	assert_string_equal(e.msg, "32 fields are invalid");

	/* a second problem with the same field keeps the first message */
	err_init(&e);
	err_field(&e, "price", "must be an integer");
	err_field(&e, "price", "is required");
	assert_int_equal(e.nfields, 1);
	assert_string_equal(e.fields[0].message, "must be an integer");

	/* an over-long field name (a client's unknown key) is cut safely,
	 * at a UTF-8 boundary: 1 + 20 × 3 bytes fit in 63 */
	err_init(&e);
	name[0] = 'k';
	for (int i = 0; i < 40; i++)
		memcpy(name + 1 + 3 * i, "名", 4);
	err_field(&e, name, "is not allowed");
	assert_int_equal(strlen(e.fields[0].field), 61);
	assert_memory_equal(e.fields[0].field + 58, "名", 3);
	err_field(&e, NULL, "%s", "whole");
	assert_string_equal(e.fields[1].field, "");

	memset(name, 'v', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	err_field(&e, "x", "%s", name);
	assert_int_equal(strlen(e.fields[2].message),
			 sizeof(e.fields[2].message) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_table_complete),
		cmocka_unit_test(test_unknown_code),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_type_error),
		cmocka_unit_test(test_field_limits),
	};

	return cmocka_run_group_tests_name("err", tests, NULL, NULL);
}
