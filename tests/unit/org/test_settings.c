/* test_settings.c: company settings on a fresh migrated SQLite database. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "dbfx.h"
#include "domain/org/settings.h"

/* ---- settings --------------------------------------------------------- */

static void test_settings(void **state)
{
	struct fx *f = *state;
	struct settings *s, in;

	assert_int_equal(settings_get(f->db, f->a, &s, &f->e), 0);
	assert_string_equal(s->currency, "CNY");
	assert_string_equal(s->locale, "zh-CN");

	in = (struct settings){"特萨零售", "USD", "Europe/Berlin", "en",
			       "Welcome\nLine 2", "", 0};
	assert_int_equal(settings_put(f->db, f->a, &f->who, &in, &s, &f->e), 0);
	assert_string_equal(s->company_name, "特萨零售");
	assert_string_equal(s->currency, "USD");
	assert_string_equal(s->receipt_header, "Welcome\nLine 2");
	assert_string_equal(s->receipt_footer, "");
	assert_true(s->updated_at > 0);
	assert_string_equal(ts_zone(), "Europe/Berlin");
	assert_int_equal(audit_count(f, "settings"), 1);

	in = (struct settings){"", "usd", "Mars/Olympus", "fr", NULL, "x\001", 0};
	err_init(&f->e);
	assert_int_equal(settings_put(f->db, f->a, &f->who, &in, &s, &f->e),
			 ERR_INVALID);
	assert_int_equal(f->e.nfields, 6);
	assert_non_null(field_msg(&f->e, "time_zone"));
	assert_string_equal(ts_zone(), "Europe/Berlin");
	assert_int_equal(audit_count(f, "settings"), 1);

	in = (struct settings){"T", "CNY", "Asia/Shanghai", "zh-CN", "", "", 0};
	err_init(&f->e);
	assert_int_equal(settings_put(f->db, f->a, &f->who, &in, &s, &f->e), 0);
	assert_string_equal(ts_zone(), "Asia/Shanghai");
}

#define DBT(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

static int fx_setup(void **state)
{
	return fx_setup_named(state, "settings");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		DBT(test_settings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
