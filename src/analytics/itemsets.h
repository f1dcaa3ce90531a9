/* itemsets.h: market basket on plain arrays: frequent itemsets by FP-growth
 * over transactions of integer item ids, and association rules (support,
 * confidence, lift) from them. No SQL, no HTTP; the caller maps its names or
 * product ids to ints and owns every result (free it with the _free call). */
#ifndef TERSA_ITEMSETS_H
#define TERSA_ITEMSETS_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* Transactions in compressed rows: transaction t holds
 * items[off[t]] .. items[off[t + 1] - 1] (off has ntx + 1 entries, off[0] =
 * 0, non-decreasing). Ids are >= 0, in any order; an id repeated within one
 * transaction counts once. An empty transaction still counts in N. */
struct itemset_input {
	const int32_t *items;
	const size_t *off;
	size_t ntx;
};

struct itemset_opts {
	int64_t min_count; /* a set is frequent when its count >= this; >= 1 */
	int max_size;      /* largest itemset listed; 0 = no limit */
};

struct itemset {
	const int32_t *items; /* size ids, ascending */
	int size;             /* >= 1 */
	int64_t count;        /* transactions holding every item */
};

/* Every frequent itemset, ordered by size, then by ids lexicographically. */
struct itemset_list {
	struct itemset *sets;
	size_t n;
	int64_t ntx;      /* N, the number of transactions mined */
	int32_t *storage; /* the ids sets point into */
};

/* The least count of a frequent set at min_support (0..1] over ntx
 * transactions, as Weka's Apriori computes it: S × N rounded half up, at
 * least 1. */
int64_t itemsets_min_count(double min_support, int64_t ntx);

/* Mines every itemset whose count reaches o->min_count, up to o->max_size
 * items, into *out (which the caller frees with itemset_list_free(), also
 * after an error). 0, or ERR_INVALID (fields "min_count", "max_size",
 * "items" named in e, which may be NULL) for bad options or a negative id
 * or decreasing offsets. No input gives an empty list. Allocation failure
 * aborts. Memory is pooled: a few growing arrays, no allocation per node. */
int itemsets_mine(const struct itemset_input *in, const struct itemset_opts *o,
                  struct itemset_list *out, struct err *e);

void itemset_list_free(struct itemset_list *l);

/* Count of one itemset (ids ascending) in a list, or 0 when not listed. */
int64_t itemset_list_count(const struct itemset_list *l, const int32_t *items, int size);

struct rule_opts {
	double min_confidence; /* 0 = every rule */
	double min_lift;       /* 0 = every rule */
	int max_consequent;    /* items after "=>"; 0 = no limit */
};

/* antecedent => consequent, both non-empty, disjoint, ids ascending.
 * support = count / N; confidence = count / count(antecedent);
 * lift = confidence / (count(consequent) / N). All finite: counts are >= 1
 * and N >= 1 whenever a rule exists. */
struct assoc_rule {
	const int32_t *lhs;
	int nlhs;
	const int32_t *rhs;
	int nrhs;
	int64_t count; /* transactions holding lhs and rhs */
	double support, confidence, lift;
};

/* Ordered by confidence, then lift, then count (all descending), then lhs
 * and rhs by ids. */
struct rule_list {
	struct assoc_rule *rules;
	size_t n;
	int32_t *storage;
};

/* Every rule X => Y from the sets of size >= 2 in sets (X ∪ Y a listed set)
 * meeting o's minimums. Antecedent and consequent counts are read from the
 * list itself, which holds every subset of a listed set. Itemsets larger
 * than 20 items give no rules (2^20 splits). 0, or ERR_INVALID for a
 * negative minimum. The caller frees *out with rule_list_free(). */
int itemsets_rules(const struct itemset_list *sets, const struct rule_opts *o,
                   struct rule_list *out, struct err *e);

void rule_list_free(struct rule_list *l);

#endif
