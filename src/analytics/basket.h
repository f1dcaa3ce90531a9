/* basket.h: market basket over the sales: association rules between the
 * products (or categories) of the same sale in a period and store scope, and
 * the products most often bought with one product. Reads sales and their
 * lines (voided sales left out); writes nothing. */
#ifndef TERSA_BASKET_H
#define TERSA_BASKET_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"

#define BASKET_MAX_LEVEL 10  /* deepest category level asked for */
#define BASKET_MAX_SIZE 3    /* items in one rule (antecedent + consequent) */
#define BASKET_MAX_LIMIT 500 /* rules or products in one answer */
#define BASKET_TOGETHER_DAYS 90

struct basket_rules_query {
	const char *from, *to; /* business days, to inclusive; NULL: last 30 */
	int64_t store_id;      /* 0 = every store in scope */
	int64_t scope_user_id; /* store-bound user: only their stores; 0 = all */
	int category_level;    /* 0 products; k >= 1 categories at depth k */
	double min_support;    /* (0, 1] */
	double min_confidence; /* [0, 1] */
	int limit;             /* 1..BASKET_MAX_LIMIT */
};

/* The rules X => Y (X ∪ Y at most BASKET_MAX_SIZE items) whose itemset
 * reaches min_support × N sales (rounded half up, at least 1) and whose
 * confidence reaches min_confidence, best first (confidence, lift, count),
 * at most limit of them, as {from, to, store_id, category_level,
 * transactions, min_support, min_count, min_confidence, items: [{antecedent:
 * [{id, name}], consequent: [...], count, support, confidence, lift}],
 * next_cursor: null}. At category level k a product counts as its category's
 * ancestor at depth k (top level = 1; a shallower category as itself);
 * products without a category are left out. Ratios are rounded to 4
 * decimals. ERR_INVALID naming from or to (added to e's fields, with any the
 * caller put there). *out is the caller's. */
int basket_rules(struct db *db, struct arena *a, const struct basket_rules_query *q, json_t **out,
                 struct err *e);

struct basket_together_query {
	int64_t product_id;
	int64_t store_id;      /* 0 = every store in scope */
	int64_t scope_user_id; /* as above */
	int limit;             /* 1..BASKET_MAX_LIMIT */
};

/* The products bought in the same sale as product_id over the last
 * BASKET_TOGETHER_DAYS business days (today included): {product_id, from,
 * to, store_id, transactions (sales in scope), count (those with the
 * product), items: [{product_id, sku, name, count, confidence, lift}],
 * next_cursor: null}, by count, then lift, descending, then product id.
 * confidence = count / count(product); lift = confidence / (count(other) /
 * transactions). ERR_NOT_FOUND when the product does not exist. */
int basket_bought_together(struct db *db, struct arena *a, const struct basket_together_query *q,
                           json_t **out, struct err *e);

#endif
