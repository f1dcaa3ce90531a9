/* test_outbox_send.c: the sender's pure parts: the retry backoff and when
 * quiet hours end. Instants computed with `date -u -d ... +%s`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/marketing/outbox_send.h"

/* 1, 2, 4, 8, 16 times the base, at most 60 times it. */
static void test_backoff(void **state)
{
	(void)state;
	assert_int_equal(outbox_backoff_ms(0, 60000), 60000);
	assert_int_equal(outbox_backoff_ms(1, 60000), 60000);
	assert_int_equal(outbox_backoff_ms(2, 60000), 120000);
	assert_int_equal(outbox_backoff_ms(5, 60000), 960000);
	assert_int_equal(outbox_backoff_ms(6, 60000), 1920000);
	assert_int_equal(outbox_backoff_ms(7, 60000), 3600000); /* 64 min capped at 60 */
	assert_int_equal(outbox_backoff_ms(60, 60000), 3600000);
	assert_int_equal(outbox_backoff_ms(3, 150), 600);
}

#define T_1400Z 1796652000000LL /* 2026-12-07T14:00:00Z = 22:00 in UTC+8 */
#define T_0000Z 1796688000000LL /* 2026-12-08T00:00:00Z = 08:00 in UTC+8 */
#define H (3600 * 1000LL)

static void test_quiet(void **state)
{
	(void)state;
	const int64_t cn = 8 * 3600;
	int q21 = 21 * 60, q08 = 8 * 60;
	/* 22:00 local, quiet 21:00-08:00 (past midnight): until 08:00. */
	assert_int_equal(outbox_quiet_until(T_1400Z, cn, q21, q08), T_0000Z);
	assert_int_equal(outbox_quiet_until(T_1400Z + 1234, cn, q21, q08), T_0000Z);
	/* 02:00 local the next day: the same end. */
	assert_int_equal(outbox_quiet_until(T_1400Z + 4 * H, cn, q21, q08), T_0000Z);
	/* 21:00 sharp is quiet; 08:00 sharp is not. */
	assert_int_equal(outbox_quiet_until(T_1400Z - H, cn, q21, q08), T_0000Z);
	assert_int_equal(outbox_quiet_until(T_0000Z, cn, q21, q08), 0);
	/* 11:00 local: not quiet. */
	assert_int_equal(outbox_quiet_until(T_0000Z + 3 * H, cn, q21, q08), 0);
	/* A range within the day, 12:00-14:00: 13:00 waits until 14:00. */
	assert_int_equal(outbox_quiet_until(T_0000Z + 5 * H, cn, 12 * 60, 14 * 60), T_0000Z + 6 * H);
	assert_int_equal(outbox_quiet_until(T_0000Z + 6 * H, cn, 12 * 60, 14 * 60), 0);
	/* Equal ends: no quiet hours; a bad end: none either. */
	assert_int_equal(outbox_quiet_until(T_1400Z, cn, q21, q21), 0);
	assert_int_equal(outbox_quiet_until(T_1400Z, cn, -1, q08), 0);
	/* In UTC the same instant is 14:00: not quiet. */
	assert_int_equal(outbox_quiet_until(T_1400Z, 0, q21, q08), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_quiet),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
