/* insight.h: pieces shared by the inventory and customer reports — the
 * period check, one read snapshot, the category drill-down, a keyed
 * accumulator, and the rounding of their ratios. */
#ifndef TERSA_INSIGHT_H
#define TERSA_INSIGHT_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"

#define INSIGHT_MAX_DAYS 3700 /* about ten years, as the sales report */

/* The store filter and the viewer's stores of a rollup or balance query
 * over alias r: binds (store_id, store_id, scope_user_id, scope_user_id). */
#define INSIGHT_SCOPE(r)                                                       \
	" (? = 0 OR " r ".store_id = ?) AND (? = 0 OR " r ".store_id IN "            \
	"(SELECT us.store_id FROM user_stores us WHERE us.user_id = ?)) "

/* Checks from and to (business days, to inclusive, NULL or "" for the
 * default: to today, from default_days - 1 before to) into f and t (11
 * bytes each) and the number of days into *ndays. ERR_INVALID naming from
 * or to (added to e's fields; the caller ends with err_fields_done). */
int insight_period(const char *from, const char *to, int default_days, char *f, char *t,
		   int *ndays, struct err *e);
/* Days since 1970-01-01 of a valid 'YYYY-MM-DD', or INT64_MIN. */
int64_t insight_day_number(const char *day);

/* A read transaction in which every query sees the same data (PostgreSQL:
 * REPEATABLE READ READ ONLY). End it with db_rollback. */
int insight_snapshot(struct db *db, struct err *e);

/* round(num × scale / den) half away from zero into *out: 0, or -1 when
 * den <= 0 or the result does not fit. */
int insight_ratio(int64_t num, int64_t scale, int64_t den, int64_t *out);
/* qty (thousandths) × cost (minor units), the unrounded value at cost that
 * stock_round_value rounds once per group (as GET /stock/value does);
 * cost < 0 (unknown) gives 0. */
int64_t insight_value(int64_t qty, int64_t cost);
/* num / den as a JSON number rounded to 4 decimals (half away from zero),
 * or null when den <= 0. */
json_t *insight_rate_json(int64_t num, int64_t den);
/* hundredths / 100 as a JSON number, or null when ok is 0. */
json_t *insight_hundredths_json(int ok, int64_t hundredths);

/* The category drill-down: each category maps to its bucket under a
 * parent — the child of the parent on its path (with that child's
 * subtree), the parent itself for products filed directly in it, or -1
 * outside the parent's subtree. Parent 0 (the whole tree): buckets are the
 * top-level categories, and "no category" (0) is its own bucket 0. */
struct cat_tree {
	int n;
	int64_t *id, *parent; /* sorted by id */
	int64_t root;         /* the parent asked for; 0 = the whole tree */
};
/* Loads every category (ids and parents). root must exist (else
 * ERR_INVALID naming category_id). Free with cat_tree_free. */
int cat_tree_load(struct db *db, int64_t root, struct cat_tree *t, struct err *e);
void cat_tree_free(struct cat_tree *t);
/* The bucket of category c (0: none) under t->root, or -1 outside. */
int64_t cat_bucket(const struct cat_tree *t, int64_t c);
/* The label of a bucket: the category's path, "(no category)" for 0. */
const char *cat_label(struct db *db, struct arena *a, int64_t bucket);

/* A keyed accumulator: one entry per key (an id; INSIGHT_NULL_KEY for the
 * row without one), each with a label and up to 8 sums, in insertion
 * order. */
#define INSIGHT_NULL_KEY INT64_MIN
#define INSIGHT_SUMS 8
struct ins_entry {
	int64_t key;
	const char *label;
	int64_t v[INSIGHT_SUMS];
};
struct ins_acc {
	struct ins_entry *e;
	int n, cap;
	int *slot; /* open addressing over e, -1 empty */
	int nslot;
};
/* The entry of key, created (label NULL, sums 0) when new. */
struct ins_entry *ins_get(struct ins_acc *acc, int64_t key);
void ins_free(struct ins_acc *acc);
/* Sorts the entries by sum v[field] descending, then label, then key. */
void ins_sort(struct ins_acc *acc, int field);
/* The key as JSON: null for INSIGHT_NULL_KEY, else the integer. */
json_t *ins_key_json(int64_t key);

#endif
