/* test_rfm_segments.c: every cell of the R × F grid against the published
 * ten-segment map (folded into eight as rfm_segments.h says), the codes,
 * the rules, and scores out of range. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "analytics/rfm_segments.h"

/* The expected code of each cell, row R=1..5, column F=1..5, written from
 * the ten-segment map (hibernating [1-2][1-2], at risk [1-2][3-4], can't
 * lose [1-2]5, about to sleep 3[1-2], need attention 33, loyal [3-4][4-5],
 * promising 41, new 51, potential loyalists [4-5][2-3], champions 5[4-5])
 * with lost = hibernating's R1 row, about to sleep -> hibernating, need
 * attention and promising -> potential. */
static const char *const want[5][5] = {
	{"lost", "lost", "at_risk", "at_risk", "cant_lose"},
	{"hibernating", "hibernating", "at_risk", "at_risk", "cant_lose"},
	{"hibernating", "hibernating", "potential", "loyal", "loyal"},
	{"potential", "potential", "potential", "loyal", "loyal"},
	{"new", "potential", "potential", "champions", "champions"},
};

static void test_every_cell(void **state)
{
	int seen[RFM_SEGMENTS] = {0};
	for (int r = 1; r <= 5; r++)
		for (int f = 1; f <= 5; f++) {
			int s = rfm_segment_of(r, f, 3);
			assert_true(s >= 0 && s < RFM_SEGMENTS);
			assert_string_equal(rfm_segment_code(s), want[r - 1][f - 1]);
			/* M never moves a customer */
			for (int m = 1; m <= 5; m++)
				assert_int_equal(rfm_segment_of(r, f, m), s);
			seen[s]++;
		}
	/* every segment holds at least one cell; the sizes of the grid */
	static const int cells[RFM_SEGMENTS] = {2, 4, 6, 1, 4, 2, 4, 2};
	for (int s = 0; s < RFM_SEGMENTS; s++)
		assert_int_equal(seen[s], cells[s]);
}

static void test_codes_and_rules(void **state)
{
	static const char *const codes[] = {"champions", "loyal", "potential", "new",
					    "at_risk", "cant_lose", "hibernating", "lost"};
	assert_int_equal(RFM_SEGMENTS, 8);
	for (int s = 0; s < RFM_SEGMENTS; s++) {
		assert_string_equal(rfm_segment_code(s), codes[s]);
		assert_non_null(rfm_segment_rule(s));
	}
	assert_string_equal(rfm_segment_rule(RFM_CHAMPIONS), "R 5, F 4-5");
	assert_string_equal(rfm_segment_rule(RFM_LOST), "R 1, F 1-2");
	assert_null(rfm_segment_code(-1));
	assert_null(rfm_segment_code(RFM_SEGMENTS));
	assert_null(rfm_segment_rule(RFM_SEGMENTS));
}

static void test_out_of_range(void **state)
{
	assert_int_equal(rfm_segment_of(0, 3, 3), -1); /* not scored */
	assert_int_equal(rfm_segment_of(3, 0, 3), -1);
	assert_int_equal(rfm_segment_of(6, 3, 3), -1);
	assert_int_equal(rfm_segment_of(3, 6, 3), -1);
	assert_int_equal(rfm_segment_of(-1, -1, -1), -1);
	assert_int_equal(rfm_segment_of(5, 5, 0), RFM_CHAMPIONS); /* m unused */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_cell),
		cmocka_unit_test(test_codes_and_rules),
		cmocka_unit_test(test_out_of_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
