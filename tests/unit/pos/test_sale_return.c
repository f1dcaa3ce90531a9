/* test_refund.c: the refund arithmetic of returns — rounding shares over
 * lines and the cumulative proration that makes every way of returning a
 * sale in full refund exactly what was paid. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "base/money.h"
#include "domain/pos/sale_return.h"

static struct refund_line line(int64_t qty, int64_t total, int64_t rounding, int64_t returned)
{
	return (struct refund_line){.quantity = qty, .total = total, .rounding = rounding,
				    .returned = returned};
}

static void test_thirds(void **state)
{
	/* 3 units for 10.00: 3.33 + 3.34 + 3.33, the last takes the rest. */
	struct refund_line l = line(3000, 1000, 0, 0);
	struct refund_part p;
	assert_int_equal(refund_compute(&l, 1000, &p), 0);
	assert_int_equal(p.refund, 333);
	assert_int_equal(p.total, 333);
	assert_int_equal(p.rounding, 0);
	l.returned = 1000;
	assert_int_equal(refund_compute(&l, 1000, &p), 0);
	assert_int_equal(p.refund, 334);
	l.returned = 2000;
	assert_int_equal(refund_compute(&l, 1000, &p), 0);
	assert_int_equal(p.refund, 333);
	/* All at once: exactly the line. */
	l.returned = 0;
	assert_int_equal(refund_compute(&l, 3000, &p), 0);
	assert_int_equal(p.refund, 1000);
	/* Two then one: 6.67 + 3.33. */
	assert_int_equal(refund_compute(&l, 2000, &p), 0);
	assert_int_equal(p.refund, 667);
}

static void test_half_up(void **state)
{
	/* 1 of 2 units of 0.05: 2.5 fen rounds half up to 3, the rest is 2. */
	struct refund_line l = line(2000, 5, 0, 0);
	l.vat = 1;
	struct refund_part p;
	assert_int_equal(refund_compute(&l, 1000, &p), 0);
	assert_int_equal(p.refund, 3);
	assert_int_equal(p.vat, 1); /* 0.5 -> 1 */
	l.returned = 1000;
	assert_int_equal(refund_compute(&l, 1000, &p), 0);
	assert_int_equal(p.refund, 2);
	assert_int_equal(p.vat, 0);
}

static void test_parts_of_every_amount(void **state)
{
	/* 4 units, total 90.00 after 10.00 discount, 0.07 rounding, VAT 10.35,
	 * cost 60.00: one unit carries a quarter of each. */
	struct refund_line l = {.quantity = 4000, .total = 9000, .rounding = 7,
				.discount = 1000, .vat = 1035, .cost = 6000, .returned = 0};
	struct refund_part p;
	assert_int_equal(refund_compute(&l, 1000, &p), 0);
	assert_int_equal(p.refund, 2248);   /* 8993 / 4 = 2248.25 */
	assert_int_equal(p.rounding, 2);    /* 7 / 4 = 1.75 */
	assert_int_equal(p.total, 2250);    /* refund + rounding */
	assert_int_equal(p.discount, 250);
	assert_int_equal(p.vat, 259);       /* 258.75 */
	assert_int_equal(p.cost, 1500);
	/* The other three units: the remainders. */
	l.returned = 1000;
	assert_int_equal(refund_compute(&l, 3000, &p), 0);
	assert_int_equal(p.refund, 8993 - 2248);
	assert_int_equal(p.rounding, 5);
	assert_int_equal(p.total, 6750);
	assert_int_equal(p.discount, 750);
	assert_int_equal(p.vat, 1035 - 259);
	assert_int_equal(p.cost, 4500);
}

static void test_refund_never_negative(void **state)
{
	/* Proration on total and rounding separately would give the second
	 * unit a refund of -1 here; the refund is prorated itself. */
	struct refund_line l = line(4000, 2, 1, 0);
	int64_t sum_refund = 0, sum_total = 0, sum_rounding = 0;
	for (int i = 0; i < 4; i++) {
		struct refund_part p;
		l.returned = (int64_t)i * 1000;
		assert_int_equal(refund_compute(&l, 1000, &p), 0);
		assert_true(p.refund >= 0);
		assert_true(p.rounding >= 0);
		assert_int_equal(p.total, p.refund + p.rounding);
		sum_refund += p.refund;
		sum_total += p.total;
		sum_rounding += p.rounding;
	}
	assert_int_equal(sum_refund, 1);
	assert_int_equal(sum_rounding, 1);
	assert_int_equal(sum_total, 2);
}

static void test_weighed_quantities(void **state)
{
	/* 1.235 kg for 30.88; 0.5 kg back, then 0.735 kg. */
	struct refund_line l = line(1235, 3088, 0, 0);
	struct refund_part p;
	assert_int_equal(refund_compute(&l, 500, &p), 0);
	assert_int_equal(p.refund, 1250); /* 1250.2 */
	l.returned = 500;
	assert_int_equal(refund_compute(&l, 735, &p), 0);
	assert_int_equal(p.refund, 3088 - 1250);
}

static void test_refused_input(void **state)
{
	struct refund_part p;
	struct refund_line l = line(2000, 100, 0, 0);
	assert_int_equal(refund_compute(&l, 0, &p), -1);
	assert_int_equal(refund_compute(&l, -1000, &p), -1);
	assert_int_equal(refund_compute(&l, 2001, &p), -1);
	l.returned = 1500;
	assert_int_equal(refund_compute(&l, 1000, &p), -1); /* only 0.5 left */
	assert_int_equal(refund_compute(&l, 500, &p), 0);
	l.returned = 2000;
	assert_int_equal(refund_compute(&l, 1, &p), -1); /* nothing left */
	l = line(0, 100, 0, 0);
	assert_int_equal(refund_compute(&l, 1, &p), -1);
	l = line(1000, 100, 101, 0); /* rounding above the line */
	assert_int_equal(refund_compute(&l, 1000, &p), -1);
	l = line(1000, -1, 0, 0);
	assert_int_equal(refund_compute(&l, 1000, &p), -1);
	l = line(1000, MONEY_MAX + 1, 0, 0);
	assert_int_equal(refund_compute(&l, 1000, &p), -1);
}

static void test_large_values(void **state)
{
	/* Products of amount and quantity beyond int64 stay exact. */
	struct refund_line l = line(QTY_MAX, MONEY_MAX, 0, 0);
	struct refund_part p;
	assert_int_equal(refund_compute(&l, QTY_MAX / 2, &p), 0);
	assert_true(p.refund == MONEY_MAX / 2);
	l.returned = QTY_MAX / 2;
	assert_int_equal(refund_compute(&l, QTY_MAX / 2, &p), 0);
	assert_true(p.refund == MONEY_MAX / 2);
}

static void test_rounding_shares(void **state)
{
	int64_t s[5];
	const int64_t t1[2] = {333, 667};
	/* 2.331 and 4.669: the larger fraction takes the unit left. */
	assert_int_equal(refund_rounding_shares(7, t1, 2, s), 0);
	assert_int_equal(s[0], 2);
	assert_int_equal(s[1], 5);

	/* Five lines of 0.01 and 0.04 off: never more than a line's total
	 * (ties go to the earlier lines). */
	const int64_t t2[5] = {1, 1, 1, 1, 1};
	assert_int_equal(refund_rounding_shares(4, t2, 5, s), 0);
	assert_int_equal(s[0], 1);
	assert_int_equal(s[1], 1);
	assert_int_equal(s[2], 1);
	assert_int_equal(s[3], 1);
	assert_int_equal(s[4], 0);

	/* A gift line (total 0) takes no share. */
	const int64_t t3[3] = {0, 995, 5};
	assert_int_equal(refund_rounding_shares(9, t3, 3, s), 0);
	assert_int_equal(s[0], 0);
	assert_int_equal(s[1] + s[2], 9);
	assert_int_equal(s[2], 0); /* 0.045 -> 0; 8.955 -> 9 */

	/* Nothing to share, and no lines with nothing to share. */
	assert_int_equal(refund_rounding_shares(0, t1, 2, s), 0);
	assert_int_equal(s[0], 0);
	assert_int_equal(s[1], 0);
	assert_int_equal(refund_rounding_shares(0, t1, 0, s), 0);
	const int64_t zero[2] = {0, 0};
	assert_int_equal(refund_rounding_shares(0, zero, 2, s), 0);
	assert_int_equal(s[0] + s[1], 0);

	/* Refused: above the total, negative, a negative line. */
	assert_int_equal(refund_rounding_shares(1001, t1, 2, s), -1);
	assert_int_equal(refund_rounding_shares(-1, t1, 2, s), -1);
	assert_int_equal(refund_rounding_shares(1, zero, 2, s), -1);
	const int64_t neg[2] = {5, -1};
	assert_int_equal(refund_rounding_shares(1, neg, 2, s), -1);
}

/* xorshift64: a fixed sequence, so a failure repeats. */
static uint64_t rng = 0x9e3779b97f4a7c15u;
static int64_t rnd(int64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (int64_t)(rng % (uint64_t)n);
}

/* Random sales returned in random pieces: every piece is within what is
 * left, and the pieces of each line add up to its amounts, so the refunds
 * of a sale returned in full add up to exactly what was paid. */
static void test_random_sales_refund_exactly_paid(void **state)
{
	enum { LINES = 6 };
	for (int iter = 0; iter < 3000; iter++) {
		int n = 1 + (int)rnd(LINES);
		struct refund_line l[LINES];
		int64_t totals[LINES], shares[LINES], total = 0;
		for (int i = 0; i < n; i++) {
			int64_t qty = rnd(4) == 0 ? 1 + rnd(5000) : 1000 * (1 + rnd(7));
			int64_t t = rnd(10) == 0 ? 0 : rnd(200000);
			l[i] = (struct refund_line){.quantity = qty, .total = t,
						    .discount = rnd(5000), .vat = t * 13 / 113,
						    .cost = rnd(100000), .returned = 0};
			totals[i] = t;
			total += t;
		}
		int64_t unit = rnd(2) ? 10 : 100;
		int64_t rounding = total % unit;
		if (rnd(3) == 0)
			rounding = total ? rnd(total + 1) : 0; /* any rounding up to the total */
		int64_t paid = total - rounding;
		assert_int_equal(refund_rounding_shares(rounding, totals, n, shares), 0);
		int64_t share_sum = 0;
		for (int i = 0; i < n; i++) {
			assert_true(shares[i] >= 0 && shares[i] <= totals[i]);
			l[i].rounding = shares[i];
			share_sum += shares[i];
		}
		assert_int_equal(share_sum, rounding);

		int64_t refunded = 0, got[LINES][5];
		memset(got, 0, sizeof got);
		/* Returns of random pieces of random lines until all is back. */
		for (int guard = 0; guard < 10000; guard++) {
			int open = 0;
			for (int i = 0; i < n; i++)
				open += l[i].returned < l[i].quantity;
			if (!open)
				break;
			int i = (int)rnd(n);
			int64_t left = l[i].quantity - l[i].returned;
			if (left == 0)
				continue;
			int64_t q = rnd(2) ? left : 1 + rnd(left);
			struct refund_part p;
			assert_int_equal(refund_compute(&l[i], q, &p), 0);
			assert_true(p.refund >= 0);
			assert_true(p.refund <= l[i].total - l[i].rounding - got[i][0]);
			assert_int_equal(p.total, p.refund + p.rounding);
			got[i][0] += p.refund;
			got[i][1] += p.rounding;
			got[i][2] += p.discount;
			got[i][3] += p.vat;
			got[i][4] += p.cost;
			refunded += p.refund;
			l[i].returned += q;
		}
		for (int i = 0; i < n; i++) {
			assert_int_equal(l[i].returned, l[i].quantity);
			assert_int_equal(got[i][0] + got[i][1], l[i].total);
			assert_int_equal(got[i][1], l[i].rounding);
			assert_int_equal(got[i][2], l[i].discount);
			assert_int_equal(got[i][3], l[i].vat);
			assert_int_equal(got[i][4], l[i].cost);
		}
		assert_int_equal(refunded, paid);
	}
}

static void test_refund_tenders(void **state)
{
	struct refund_tender left[] = {{"card", 3000}, {"cash", 1097}};
	struct refund_tender out[3];
	int n;
	/* Back to the sale's tenders in its order. */
	assert_int_equal(refund_tenders(left, 2, 1299, NULL, out, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(out[0].method, "card");
	assert_int_equal(out[0].amount, 1299);
	assert_int_equal(refund_tenders(left, 2, 3500, NULL, out, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(out[0].amount, 3000);
	assert_string_equal(out[1].method, "cash");
	assert_int_equal(out[1].amount, 500);
	/* A tender with nothing left is skipped. */
	struct refund_tender spent[] = {{"card", 0}, {"cash", 1097}};
	assert_int_equal(refund_tenders(spent, 2, 100, NULL, out, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(out[0].method, "cash");
	/* A named tender of the sale holding enough: no override. */
	assert_int_equal(refund_tenders(left, 2, 1097, "cash", out, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].amount, 1097);
	/* More than it holds, or a tender the sale was not paid with. */
	assert_int_equal(refund_tenders(left, 2, 1098, "cash", out, &n), 1);
	assert_int_equal(refund_tenders(left, 2, 1, "wechat", out, &n), 1);
	assert_int_equal(n, 1);
	assert_string_equal(out[0].method, "wechat");
	/* Nothing to refund: no tenders. */
	assert_int_equal(refund_tenders(left, 2, 0, NULL, out, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(refund_tenders(left, 2, -1, NULL, out, &n), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_thirds),
		cmocka_unit_test(test_half_up),
		cmocka_unit_test(test_parts_of_every_amount),
		cmocka_unit_test(test_refund_never_negative),
		cmocka_unit_test(test_weighed_quantities),
		cmocka_unit_test(test_refused_input),
		cmocka_unit_test(test_large_values),
		cmocka_unit_test(test_rounding_shares),
		cmocka_unit_test(test_random_sales_refund_exactly_paid),
		cmocka_unit_test(test_refund_tenders),
	};

	return cmocka_run_group_tests_name("refund", tests, NULL, NULL);
}
