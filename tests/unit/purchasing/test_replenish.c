/* test_replenish.c: the replenishment rule (order up to max, rounded to the
 * order multiple, the pack size and the minimum order quantity) and the
 * grouping of suggestions by supplier. Pure functions: no database. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "domain/purchasing/replenish.h"

#define U(n) ((int64_t)(n) * 1000) /* whole units in thousandths */

static int64_t suggest(int64_t min, int64_t max, int64_t safety, int64_t multiple,
		       int64_t on_hand, int64_t on_order, int64_t pack, int64_t moq,
		       char *reason)
{
	struct replenish_rule rule = {min, max, safety, multiple};
	struct replenish_terms terms = {pack, moq};
	char buf[REPLENISH_REASON_MAX];
	int64_t q = -7;

	assert_int_equal(replenish_suggest(&rule, on_hand, on_order, &terms, &q,
					   reason ? reason : buf, REPLENISH_REASON_MAX), 0);
	return q;
}

static void test_above_min_orders_nothing(void **state)
{
	char why[REPLENISH_REASON_MAX];

	assert_int_equal(suggest(U(5), U(20), 0, U(1), U(6), 0, U(1), U(1), why), 0);
	assert_non_null(strstr(why, "above min 5"));
	assert_non_null(strstr(why, "on hand 6 + on order 0 = 6"));
}

static void test_at_min_orders_up_to_max(void **state)
{
	char why[REPLENISH_REASON_MAX];

	/* At min exactly counts ("at or below"). */
	assert_int_equal(suggest(U(5), U(20), 0, U(1), U(5), 0, U(1), U(1), why), U(15));
	assert_non_null(strstr(why, "at or below min 5"));
	assert_non_null(strstr(why, "up to max 20 needs 15"));
	/* Below min. */
	assert_int_equal(suggest(U(5), U(20), 0, U(1), U(2), 0, U(1), U(1), NULL), U(18));
}

static void test_zero_and_negative_stock(void **state)
{
	assert_int_equal(suggest(U(5), U(20), 0, U(1), 0, 0, U(1), U(1), NULL), U(20));
	/* Negative stock (sales allowed below zero) must be made good too. */
	assert_int_equal(suggest(U(5), U(20), 0, U(1), U(-4), 0, U(1), U(1), NULL), U(24));
	/* min 0: only an empty (or negative) shelf orders. */
	assert_int_equal(suggest(0, U(10), 0, U(1), 0, 0, 0, 0, NULL), U(10));
	assert_int_equal(suggest(0, U(10), 0, U(1), U(1), 0, 0, 0, NULL), 0);
}

static void test_already_on_order(void **state)
{
	char why[REPLENISH_REASON_MAX];

	/* On hand 2 + 10 on order is above min 5: nothing more. */
	assert_int_equal(suggest(U(5), U(20), 0, U(1), U(2), U(10), U(1), U(1), why), 0);
	assert_non_null(strstr(why, "on order 10"));
	/* 2 + 3 = 5 is at min: order 20 - 5 = 15, not 18. */
	assert_int_equal(suggest(U(5), U(20), 0, U(1), U(2), U(3), U(1), U(1), why), U(15));
	/* On order covering a negative balance. */
	assert_int_equal(suggest(U(5), U(20), 0, U(1), U(-3), U(6), U(1), U(1), NULL), U(17));
}

static void test_rounded_up_to_order_multiple(void **state)
{
	char why[REPLENISH_REASON_MAX];

	/* 17 needed, multiple 6: 18. */
	assert_int_equal(suggest(U(5), U(20), 0, U(6), U(3), 0, U(1), U(1), why), U(18));
	assert_non_null(strstr(why, "multiple of 6: 18"));
	/* Already a multiple: unchanged, and not mentioned. */
	assert_int_equal(suggest(U(5), U(20), 0, U(6), U(2), 0, U(1), U(1), why), U(18));
	assert_null(strstr(why, "multiple"));
	/* Weighed goods: 9.75 kg needed, multiple 0.5 kg: 10 kg. */
	assert_int_equal(suggest(1500, U(10), 0, 500, 250, 0, 0, 0, why), U(10));
	assert_non_null(strstr(why, "needs 9.75"));
	/* No multiple (0) leaves the quantity as it is. */
	assert_int_equal(suggest(1500, U(10), 0, 0, 250, 0, 0, 0, NULL), 9750);
}

static void test_rounded_up_to_pack_size(void **state)
{
	char why[REPLENISH_REASON_MAX];

	/* 17 needed in packs of 12: 24. */
	assert_int_equal(suggest(U(5), U(20), 0, U(1), U(3), 0, U(12), U(1), why), U(24));
	assert_non_null(strstr(why, "in packs of 12: 24"));
	/* Multiple first (17 -> 20), then the pack (20 -> 24). */
	assert_int_equal(suggest(U(5), U(20), 0, U(5), U(3), 0, U(12), U(1), why), U(24));
	assert_non_null(strstr(why, "multiple of 5: 20"));
	/* Exactly a pack: unchanged. */
	assert_int_equal(suggest(U(8), U(20), 0, U(1), U(8), 0, U(12), 0, NULL), U(12));
}

static void test_minimum_order_quantity(void **state)
{
	char why[REPLENISH_REASON_MAX];

	/* 3 needed, MOQ 10: 10. */
	assert_int_equal(suggest(U(2), U(5), 0, U(1), U(2), 0, U(1), U(10), why), U(10));
	assert_non_null(strstr(why, "minimum order: 10"));
	/* MOQ 10 in packs of 4: 12, still a multiple of the pack. */
	assert_int_equal(suggest(U(2), U(5), 0, U(1), U(2), 0, U(4), U(10), why), U(12));
	assert_non_null(strstr(why, "minimum order 10 in packs of 4: 12"));
	assert_int_equal(U(12) % U(4), 0);
	/* A quantity above the MOQ is left alone. */
	assert_int_equal(suggest(U(5), U(40), 0, U(1), 0, 0, U(1), U(10), NULL), U(40));
	/* Every rule together: 17 -> multiple 3 -> 18 -> packs of 4 -> 20;
	 * the MOQ of 30 in packs of 4 -> 32. */
	assert_int_equal(suggest(U(5), U(20), 0, U(3), U(3), 0, U(4), U(30), why), U(32));
}

static void test_without_supplier_terms(void **state)
{
	struct replenish_rule rule = {U(5), U(20), 0, U(4)};
	char why[REPLENISH_REASON_MAX];
	int64_t q;

	assert_int_equal(replenish_suggest(&rule, U(3), 0, NULL, &q, why, sizeof why), 0);
	assert_int_equal(q, U(20)); /* 17 -> multiple of 4 -> 20 */
}

static void test_max_leaves_nothing(void **state)
{
	char why[REPLENISH_REASON_MAX];

	/* min = max = on hand: at min, but nothing to fill. */
	assert_int_equal(suggest(U(5), U(5), 0, U(1), U(5), 0, U(1), U(1), why), 0);
	assert_non_null(strstr(why, "nothing to order"));
}

static void test_safety_stock_is_named_not_added(void **state)
{
	char why[REPLENISH_REASON_MAX];

	/* The target stays max: safety stock is not added to the quantity. */
	assert_int_equal(suggest(U(5), U(20), U(3), U(1), U(2), 0, U(1), U(1), why), U(18));
	assert_non_null(strstr(why, "urgent"));
	assert_non_null(strstr(why, "safety stock 3"));
	assert_int_equal(suggest(U(5), U(20), U(3), U(1), U(4), 0, U(1), U(1), why), U(16));
	assert_null(strstr(why, "urgent"));
}

static void test_overflow_is_refused(void **state)
{
	struct replenish_rule rule = {INT64_MAX - 5, INT64_MAX, 0, U(1)};
	struct replenish_rule neg = {0, INT64_MAX, 0, U(1)};
	struct replenish_terms pack = {INT64_MAX / 2 + 1, 0};
	char why[REPLENISH_REASON_MAX];
	int64_t q = 99;

	assert_int_equal(replenish_suggest(&rule, INT64_MAX, 1, NULL, &q, why, sizeof why), -1);
	assert_int_equal(q, 0);
	/* max - (-1) does not fit. */
	assert_int_equal(replenish_suggest(&neg, -1, 0, NULL, &q, why, sizeof why), -1);
	/* Rounding up to a huge pack does not fit. */
	neg.max = INT64_MAX / 2 + 2;
	assert_int_equal(replenish_suggest(&neg, 0, 0, &pack, &q, why, sizeof why), -1);
}

static void test_reason_fits_small_buffers(void **state)
{
	struct replenish_rule rule = {U(5), U(20), U(3), U(3)};
	struct replenish_terms terms = {U(4), U(30)};
	char why[24];
	int64_t q;

	memset(why, 'x', sizeof why);
	assert_int_equal(replenish_suggest(&rule, U(2), 0, &terms, &q, why, sizeof why), 0);
	assert_int_equal(q, U(32));
	assert_true(memchr(why, '\0', sizeof why) != NULL);
}

/* ---- grouping ---------------------------------------------------------- */

static struct replenish_line line(int64_t product, int64_t supplier, const char *sname,
				  const char *sku, int64_t total)
{
	struct replenish_line l = {0};

	l.product_id = product;
	l.supplier_id = supplier;
	l.supplier_name = sname;
	l.sku = sku;
	l.total = total;
	return l;
}

static void test_grouping_by_supplier(void **state)
{
	struct replenish_line lines[] = {
		line(1, 7, "Beta", "B-2", 500),
		line(2, 0, NULL, "Z-1", -1),
		line(3, 3, "Alpha", "A-9", 100),
		line(4, 7, "Beta", "B-1", 250),
		line(5, 3, "Alpha", "A-1", -1), /* cost unknown: not in the total */
		line(6, 0, NULL, "C-1", 40),
		line(7, 9, "Alpha", "X-1", 1),  /* same name, other supplier */
	};
	struct replenish_group groups[7];
	struct replenish_line *un;
	int nun, ng;

	ng = replenish_group(lines, 7, groups, &un, &nun);
	assert_int_equal(ng, 3);
	assert_int_equal(nun, 2);
	assert_string_equal(un[0].sku, "C-1");
	assert_string_equal(un[1].sku, "Z-1");

	assert_int_equal(groups[0].supplier_id, 3);
	assert_string_equal(groups[0].supplier_name, "Alpha");
	assert_int_equal(groups[0].nlines, 2);
	assert_string_equal(groups[0].lines[0].sku, "A-1");
	assert_string_equal(groups[0].lines[1].sku, "A-9");
	assert_int_equal(groups[0].total, 100);

	assert_int_equal(groups[1].supplier_id, 9);
	assert_int_equal(groups[1].nlines, 1);
	assert_int_equal(groups[1].total, 1);

	assert_int_equal(groups[2].supplier_id, 7);
	assert_int_equal(groups[2].nlines, 2);
	assert_int_equal(groups[2].lines[0].product_id, 4);
	assert_int_equal(groups[2].lines[1].product_id, 1);
	assert_int_equal(groups[2].total, 750);
}

static void test_grouping_empty_and_only_unassigned(void **state)
{
	struct replenish_line lines[] = {line(1, 0, NULL, "A", 10)};
	struct replenish_group groups[1];
	struct replenish_line *un = NULL;
	int nun = -1;

	assert_int_equal(replenish_group(NULL, 0, groups, &un, &nun), 0);
	assert_int_equal(nun, 0);
	assert_int_equal(replenish_group(lines, 1, groups, &un, &nun), 0);
	assert_int_equal(nun, 1);
	assert_ptr_equal(un, lines);
}

static void test_grouping_total_overflow(void **state)
{
	struct replenish_line lines[] = {
		line(1, 4, "S", "A", INT64_MAX - 1),
		line(2, 4, "S", "B", 2),
	};
	struct replenish_group groups[2];
	struct replenish_line *un;
	int nun;

	assert_int_equal(replenish_group(lines, 2, groups, &un, &nun), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_above_min_orders_nothing),
		cmocka_unit_test(test_at_min_orders_up_to_max),
		cmocka_unit_test(test_zero_and_negative_stock),
		cmocka_unit_test(test_already_on_order),
		cmocka_unit_test(test_rounded_up_to_order_multiple),
		cmocka_unit_test(test_rounded_up_to_pack_size),
		cmocka_unit_test(test_minimum_order_quantity),
		cmocka_unit_test(test_without_supplier_terms),
		cmocka_unit_test(test_max_leaves_nothing),
		cmocka_unit_test(test_safety_stock_is_named_not_added),
		cmocka_unit_test(test_overflow_is_refused),
		cmocka_unit_test(test_reason_fits_small_buffers),
		cmocka_unit_test(test_grouping_by_supplier),
		cmocka_unit_test(test_grouping_empty_and_only_unassigned),
		cmocka_unit_test(test_grouping_total_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
