/* test_itemsets.c: frequent itemsets and association rules on a hand-checked
 * basket, the edge cases (empty, one transaction, repeats, limits, bad
 * options) and a brute-force count of every subset on random small data. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/itemsets.h"
#include "base/err.h"

/* this cmocka has no assert_double_equal */
#define assert_near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))

/* The hand-checked basket, N = 6 (1 bread, 2 milk, 3 butter, 4 beer, 7 jam):
 *   T1 1 2 3     T2 1 2     T3 1 3 7
 *   T4 2 4       T5 1 2 3 4 T6 1 2 2 (milk twice: counts once)
 * Counts, by hand:
 *   {1}: T1 T2 T3 T5 T6 = 5     {2}: T1 T2 T4 T5 T6 = 5
 *   {3}: T1 T3 T5 = 3           {4}: T4 T5 = 2           {7}: T3 = 1
 *   {1,2}: T1 T2 T5 T6 = 4      {1,3}: T1 T3 T5 = 3      {1,4}: T5 = 1
 *   {2,3}: T1 T5 = 2            {2,4}: T4 T5 = 2         {3,4}: T5 = 1
 *   {1,2,3}: T1 T5 = 2          {1,2,4} {1,3,4} {2,3,4}: T5 = 1 each
 *   every set with 7: 1 (T3);   {1,2,3,4}: 1
 * At min count 2: {1}5 {2}5 {3}3 {4}2 {1,2}4 {1,3}3 {2,3}2 {2,4}2 {1,2,3}2. */
static const int32_t hand_items[] = {1, 2, 3, 1, 2, 1, 3, 7, 2, 4, 1, 2, 3, 4, 1, 2, 2};
static const size_t hand_off[] = {0, 3, 5, 8, 10, 14, 17};
static const struct itemset_input hand = {hand_items, hand_off, 6};

struct want {
	int size;
	int32_t items[4];
	int64_t count;
};

static void check_list(const struct itemset_list *l, const struct want *w, size_t n)
{
	assert_int_equal(l->n, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(l->sets[i].size, w[i].size);
		for (int k = 0; k < w[i].size; k++)
			assert_int_equal(l->sets[i].items[k], w[i].items[k]);
		assert_int_equal(l->sets[i].count, w[i].count);
	}
}

static void test_hand(void **state)
{
	static const struct want w[] = {
	    {1, {1}, 5},    {1, {2}, 5},    {1, {3}, 3},    {1, {4}, 2},       {2, {1, 2}, 4},
	    {2, {1, 3}, 3}, {2, {2, 3}, 2}, {2, {2, 4}, 2}, {3, {1, 2, 3}, 2},
	};
	struct itemset_list l;
	struct itemset_opts o = {2, 0};
	assert_int_equal(itemsets_mine(&hand, &o, &l, NULL), 0);
	assert_int_equal(l.ntx, 6);
	check_list(&l, w, 9);
	int32_t q[] = {1, 2};
	assert_int_equal(itemset_list_count(&l, q, 2), 4);
	int32_t q2[] = {1, 4};
	assert_int_equal(itemset_list_count(&l, q2, 2), 0);
	itemset_list_free(&l);

	/* min count 3: only {1} {2} {3} {1,2} {1,3} */
	static const struct want w3[] = {
	    {1, {1}, 5}, {1, {2}, 5}, {1, {3}, 3}, {2, {1, 2}, 4}, {2, {1, 3}, 3},
	};
	o.min_count = 3;
	assert_int_equal(itemsets_mine(&hand, &o, &l, NULL), 0);
	check_list(&l, w3, 5);
	itemset_list_free(&l);

	/* min count 1 lists every set that occurs: 5 singles ({7} too), pairs
	 * {1,2} {1,3} {1,4} {1,7} {2,3} {2,4} {3,4} {3,7}, triples {1,2,3}
	 * {1,2,4} {1,3,4} {1,3,7} {2,3,4}, and {1,2,3,4}: 19 */
	o.min_count = 1;
	assert_int_equal(itemsets_mine(&hand, &o, &l, NULL), 0);
	assert_int_equal(l.n, 19);
	assert_int_equal(l.sets[18].size, 4);
	assert_int_equal(l.sets[18].count, 1);
	int32_t q3[] = {1, 3, 7};
	assert_int_equal(itemset_list_count(&l, q3, 3), 1);
	itemset_list_free(&l);
}

static void test_max_size(void **state)
{
	struct itemset_list l;
	struct itemset_opts o = {2, 2};
	assert_int_equal(itemsets_mine(&hand, &o, &l, NULL), 0);
	assert_int_equal(l.n, 8); /* the 9 above without {1,2,3} */
	assert_int_equal(l.sets[7].size, 2);
	itemset_list_free(&l);
	o.max_size = 1;
	assert_int_equal(itemsets_mine(&hand, &o, &l, NULL), 0);
	assert_int_equal(l.n, 4);
	itemset_list_free(&l);
}

/* Rules from the min-count-2 list, by hand (N = 6):
 *  X => Y        count  conf        lift = conf / (count(Y)/6)
 *  3 => 1        3      3/3 = 1     1 / (5/6) = 1.2
 *  2,3 => 1      2      2/2 = 1     1.2
 *  4 => 2        2      2/2 = 1     1.2
 *  1 => 2        4      4/5 = .8    .8 / (5/6) = .96
 *  2 => 1        4      .8          .96
 *  3 => 1,2      2      2/3         (2/3) / (4/6) = 1
 *  1,3 => 2      2      2/3         (2/3) / (5/6) = .8
 *  3 => 2        2      2/3         .8
 *  1 => 3        3      3/5 = .6    .6 / (3/6) = 1.2
 *  1,2 => 3      2      2/4 = .5    .5 / .5 = 1
 *  1 => 2,3      2      2/5 = .4    .4 / (2/6) = 1.2
 *  2 => 4        2      .4          .4 / (2/6) = 1.2
 *  2 => 1,3      2      .4          .4 / (3/6) = .8
 *  2 => 3        2      .4          .8
 * in that order (confidence, lift, count descending, then X, then Y). */
struct want_rule {
	int nl;
	int32_t l[2];
	int nr;
	int32_t r[2];
	int64_t count;
	double conf, lift;
};

static const struct want_rule hand_rules[] = {
    {1, {3}, 1, {1}, 3, 1.0, 1.2},        {2, {2, 3}, 1, {1}, 2, 1.0, 1.2},
    {1, {4}, 1, {2}, 2, 1.0, 1.2},        {1, {1}, 1, {2}, 4, 0.8, 0.96},
    {1, {2}, 1, {1}, 4, 0.8, 0.96},       {1, {3}, 2, {1, 2}, 2, 2.0 / 3, 1.0},
    {2, {1, 3}, 1, {2}, 2, 2.0 / 3, 0.8}, {1, {3}, 1, {2}, 2, 2.0 / 3, 0.8},
    {1, {1}, 1, {3}, 3, 0.6, 1.2},        {2, {1, 2}, 1, {3}, 2, 0.5, 1.0},
    {1, {1}, 2, {2, 3}, 2, 0.4, 1.2},     {1, {2}, 1, {4}, 2, 0.4, 1.2},
    {1, {2}, 2, {1, 3}, 2, 0.4, 0.8},     {1, {2}, 1, {3}, 2, 0.4, 0.8},
};

static void check_rule(const struct assoc_rule *r, const struct want_rule *w)
{
	assert_int_equal(r->nlhs, w->nl);
	assert_int_equal(r->nrhs, w->nr);
	for (int k = 0; k < w->nl; k++)
		assert_int_equal(r->lhs[k], w->l[k]);
	for (int k = 0; k < w->nr; k++)
		assert_int_equal(r->rhs[k], w->r[k]);
	assert_int_equal(r->count, w->count);
	assert_near(r->support, (double)w->count / 6, 1e-12);
	assert_near(r->confidence, w->conf, 1e-12);
	assert_near(r->lift, w->lift, 1e-12);
}

static void test_rules(void **state)
{
	struct itemset_list l;
	struct itemset_opts o = {2, 0};
	assert_int_equal(itemsets_mine(&hand, &o, &l, NULL), 0);

	struct rule_list rl;
	struct rule_opts ro = {0, 0, 0};
	assert_int_equal(itemsets_rules(&l, &ro, &rl, NULL), 0);
	assert_int_equal(rl.n, 14);
	for (size_t i = 0; i < 14; i++)
		check_rule(&rl.rules[i], &hand_rules[i]);
	rule_list_free(&rl);

	/* confidence >= .6 and lift >= 1.1: rows 1, 2, 3 and 9 */
	ro = (struct rule_opts){0.6, 1.1, 0};
	assert_int_equal(itemsets_rules(&l, &ro, &rl, NULL), 0);
	assert_int_equal(rl.n, 4);
	check_rule(&rl.rules[0], &hand_rules[0]);
	check_rule(&rl.rules[1], &hand_rules[1]);
	check_rule(&rl.rules[2], &hand_rules[2]);
	check_rule(&rl.rules[3], &hand_rules[8]);
	rule_list_free(&rl);

	/* one item after "=>": rows 6, 11 and 13 go */
	ro = (struct rule_opts){0, 0, 1};
	assert_int_equal(itemsets_rules(&l, &ro, &rl, NULL), 0);
	assert_int_equal(rl.n, 11);
	for (size_t i = 0; i < rl.n; i++)
		assert_int_equal(rl.rules[i].nrhs, 1);
	rule_list_free(&rl);

	struct err e;
	err_init(&e);
	ro = (struct rule_opts){-0.5, -1, -1};
	assert_int_equal(itemsets_rules(&l, &ro, &rl, &e), ERR_INVALID);
	assert_int_equal(e.nfields, 3);
	assert_string_equal(e.fields[0].field, "min_confidence");
	assert_string_equal(e.fields[1].field, "min_lift");
	assert_string_equal(e.fields[2].field, "max_consequent");
	rule_list_free(&rl);
	itemset_list_free(&l);
}

static void test_empty(void **state)
{
	struct itemset_list l;
	struct itemset_opts o = {1, 0};
	struct itemset_input none = {NULL, NULL, 0};
	assert_int_equal(itemsets_mine(&none, &o, &l, NULL), 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(l.ntx, 0);
	int32_t q[] = {1};
	assert_int_equal(itemset_list_count(&l, q, 1), 0);
	struct rule_list rl;
	struct rule_opts ro = {0, 0, 0};
	assert_int_equal(itemsets_rules(&l, &ro, &rl, NULL), 0);
	assert_int_equal(rl.n, 0);
	rule_list_free(&rl);
	itemset_list_free(&l);

	/* three empty transactions: N = 3, no itemset */
	static const size_t off[] = {0, 0, 0, 0};
	struct itemset_input blank = {NULL, off, 3};
	assert_int_equal(itemsets_mine(&blank, &o, &l, NULL), 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(l.ntx, 3);
	itemset_list_free(&l);
}

static void test_single(void **state)
{
	/* one transaction {9, 1000000000, 9}: {9} {1e9} {9,1e9}, count 1 */
	static const int32_t items[] = {1000000000, 9, 9};
	static const size_t off[] = {0, 3};
	struct itemset_input in = {items, off, 1};
	static const struct want w[] = {{1, {9}, 1}, {1, {1000000000}, 1}, {2, {9, 1000000000}, 1}};
	struct itemset_list l;
	struct itemset_opts o = {1, 0};
	assert_int_equal(itemsets_mine(&in, &o, &l, NULL), 0);
	check_list(&l, w, 3);
	struct rule_list rl;
	struct rule_opts ro = {0, 0, 0};
	assert_int_equal(itemsets_rules(&l, &ro, &rl, NULL), 0);
	assert_int_equal(rl.n, 2); /* 9 => 1e9 and back: confidence 1, lift 1 */
	assert_near(rl.rules[0].lift, 1.0, 1e-12);
	assert_near(rl.rules[1].confidence, 1.0, 1e-12);
	rule_list_free(&rl);
	itemset_list_free(&l);
	o.min_count = 2;
	assert_int_equal(itemsets_mine(&in, &o, &l, NULL), 0);
	assert_int_equal(l.n, 0);
	itemset_list_free(&l);
}

static void test_bad(void **state)
{
	struct itemset_list l;
	struct itemset_opts o = {0, -1};
	struct err e;
	err_init(&e);
	assert_int_equal(itemsets_mine(&hand, &o, &l, &e), ERR_INVALID);
	assert_int_equal(e.nfields, 2);
	assert_string_equal(e.fields[0].field, "min_count");
	assert_string_equal(e.fields[1].field, "max_size");
	itemset_list_free(&l);

	static const int32_t items[] = {1, -2};
	static const size_t off[] = {0, 2};
	struct itemset_input in = {items, off, 1};
	o = (struct itemset_opts){1, 0};
	err_init(&e);
	assert_int_equal(itemsets_mine(&in, &o, &l, &e), ERR_INVALID);
	assert_string_equal(e.fields[0].field, "items");
	itemset_list_free(&l);
	static const size_t off2[] = {0, 2, 1};
	struct itemset_input in2 = {items, off2, 2};
	err_init(&e);
	assert_int_equal(itemsets_mine(&in2, &o, &l, &e), ERR_INVALID);
	itemset_list_free(&l);
}

static void test_min_count(void **state)
{
	/* Weka: (int)(S × N + 0.5), at least 1 */
	assert_int_equal(itemsets_min_count(0.1, 4627), 463);  /* 462.7 */
	assert_int_equal(itemsets_min_count(0.15, 4627), 694); /* 694.05 */
	assert_int_equal(itemsets_min_count(0.5, 3), 2);       /* 1.5 half up */
	assert_int_equal(itemsets_min_count(0.25, 2), 1);      /* 0.5 half up */
	assert_int_equal(itemsets_min_count(0.001, 10), 1);    /* 0.01: at least 1 */
	assert_int_equal(itemsets_min_count(1.0, 6), 6);
	assert_int_equal(itemsets_min_count(0.5, 0), 1);
}

/* deterministic generator (xorshift64*) */
static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint32_t next(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 2685821657736338717u) >> 32);
}

/* Random baskets over 10 items (ids 3k + 5, so not dense), repeats allowed;
 * every one of the 1023 subsets counted by brute force and compared with
 * the mined list, at several min counts and size limits; every rule's
 * confidence and lift recomputed from the brute-force counts. */
static void test_brute_force(void **state)
{
	enum { NI = 10, MAXTX = 60 };
	int32_t items[MAXTX * 12];
	size_t off[MAXTX + 1];
	unsigned masks[MAXTX];
	int64_t brute[1 << NI];

	for (int round = 0; round < 120; round++) {
		int ntx = 1 + (int)(next() % MAXTX);
		size_t n = 0;
		off[0] = 0;
		for (int t = 0; t < ntx; t++) {
			int len = (int)(next() % 12);
			masks[t] = 0;
			for (int k = 0; k < len; k++) {
				/* skewed: low items more frequent */
				int it = (int)(next() % NI);
				if (next() % 2)
					it = it / 2;
				items[n++] = 3 * it + 5;
				masks[t] |= 1u << it;
			}
			off[t + 1] = n;
		}
		for (unsigned s = 0; s < (1u << NI); s++) {
			brute[s] = 0;
			for (int t = 0; t < ntx; t++)
				brute[s] += (masks[t] & s) == s;
		}
		struct itemset_input in = {items, off, (size_t)ntx};
		struct itemset_opts o = {1 + (int64_t)(next() % 6), (int)(next() % 5)};
		struct itemset_list l;
		assert_int_equal(itemsets_mine(&in, &o, &l, NULL), 0);
		size_t expect = 0;
		for (unsigned s = 1; s < (1u << NI); s++) {
			int size = __builtin_popcount(s);
			int32_t ids[NI];
			int k = 0;
			for (int it = 0; it < NI; it++)
				if (s & (1u << it))
					ids[k++] = 3 * it + 5;
			int listed = brute[s] >= o.min_count && (!o.max_size || size <= o.max_size);
			expect += listed;
			assert_int_equal(itemset_list_count(&l, ids, size), listed ? brute[s] : 0);
		}
		assert_int_equal(l.n, expect);
		for (size_t i = 1; i < l.n; i++) /* ordered by size, then ids */
			assert_true(l.sets[i - 1].size < l.sets[i].size ||
			            (l.sets[i - 1].size == l.sets[i].size &&
			             memcmp(l.sets[i - 1].items, l.sets[i].items,
			                    (size_t)l.sets[i].size * 4) != 0));

		struct rule_list rl;
		struct rule_opts ro = {0, 0, 0};
		assert_int_equal(itemsets_rules(&l, &ro, &rl, NULL), 0);
		size_t nrules = 0;
		for (size_t i = 0; i < l.n; i++)
			if (l.sets[i].size >= 2)
				nrules += (1u << l.sets[i].size) - 2;
		assert_int_equal(rl.n, nrules);
		for (size_t i = 0; i < rl.n; i++) {
			const struct assoc_rule *r = &rl.rules[i];
			unsigned ml = 0, mr = 0;
			for (int k = 0; k < r->nlhs; k++)
				ml |= 1u << ((r->lhs[k] - 5) / 3);
			for (int k = 0; k < r->nrhs; k++)
				mr |= 1u << ((r->rhs[k] - 5) / 3);
			assert_int_equal(ml & mr, 0);
			assert_int_equal(r->count, brute[ml | mr]);
			double conf = (double)brute[ml | mr] / (double)brute[ml];
			assert_near(r->confidence, conf, 1e-12);
			assert_near(r->lift, conf / ((double)brute[mr] / ntx), 1e-9);
			assert_near(r->support, (double)brute[ml | mr] / ntx, 1e-12);
			if (i)
				assert_true(rl.rules[i - 1].confidence >= r->confidence);
		}
		rule_list_free(&rl);
		itemset_list_free(&l);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hand),      cmocka_unit_test(test_max_size),
	    cmocka_unit_test(test_rules),     cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_single),    cmocka_unit_test(test_bad),
	    cmocka_unit_test(test_min_count), cmocka_unit_test(test_brute_force),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
