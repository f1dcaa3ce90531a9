/* test_quiz.c: the quiz scorer: score in basis points rounded down, the
 * pass mark inclusive, and a wrong number of answers refused. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain/staff/training.h"

static void test_all_right_and_all_wrong(void **state)
{
	const int64_t key[] = {0, 2, 1, 3, 0};
	const int64_t good[] = {0, 2, 1, 3, 0};
	const int64_t bad[] = {1, 0, 0, 0, 1};
	int correct[5];
	int64_t score = -1;

	assert_int_equal(training_score(key, 5, good, 5, 8000, correct, &score), 1);
	assert_int_equal(score, 10000);
	for (int i = 0; i < 5; i++)
		assert_int_equal(correct[i], 1);
	assert_int_equal(training_score(key, 5, bad, 5, 1, correct, &score), 0);
	assert_int_equal(score, 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(correct[i], 0);
}

static void test_pass_mark_is_inclusive(void **state)
{
	const int64_t key[] = {0, 1, 2, 3, 0};
	const int64_t four[] = {0, 1, 2, 3, 1}; /* 4 of 5: 8000 */
	const int64_t three[] = {0, 1, 2, 0, 1}; /* 3 of 5: 6000 */
	int correct[5];
	int64_t score;

	assert_int_equal(training_score(key, 5, four, 5, 8000, correct, &score), 1);
	assert_int_equal(score, 8000);
	assert_int_equal(correct[3], 1);
	assert_int_equal(correct[4], 0);
	assert_int_equal(training_score(key, 5, four, 5, 8001, correct, &score), 0);
	assert_int_equal(training_score(key, 5, three, 5, 8000, correct, &score), 0);
	assert_int_equal(score, 6000);
	assert_int_equal(training_score(key, 5, three, 5, 6000, correct, &score), 1);
}

static void test_rounds_down(void **state)
{
	const int64_t key[] = {0, 0, 0};
	const int64_t two[] = {0, 0, 1}; /* 2/3 = 6666.67 */
	const int64_t one[] = {0, 1, 1}; /* 1/3 = 3333.33 */
	int correct[3];
	int64_t score;

	assert_int_equal(training_score(key, 3, two, 3, 6667, correct, &score), 0);
	assert_int_equal(score, 6666);
	assert_int_equal(training_score(key, 3, two, 3, 6666, correct, &score), 1);
	training_score(key, 3, one, 3, 1, correct, &score);
	assert_int_equal(score, 3333);
}

static void test_wrong_count_refused(void **state)
{
	const int64_t key[] = {0, 1};
	const int64_t answers[] = {0, 1, 2};
	int correct[3] = {7, 7, 7};
	int64_t score = 42;

	assert_int_equal(training_score(key, 2, answers, 3, 5000, correct, &score), -1);
	assert_int_equal(training_score(key, 2, answers, 1, 5000, correct, &score), -1);
	assert_int_equal(training_score(key, 0, answers, 0, 5000, correct, &score), -1);
	assert_int_equal(score, 42);
	assert_int_equal(correct[0], 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_right_and_all_wrong),
		cmocka_unit_test(test_pass_mark_is_inclusive),
		cmocka_unit_test(test_rounds_down),
		cmocka_unit_test(test_wrong_count_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
