/* service_level.h: the service levels (per store and/or category) that set
 * the safety stock of reorder points computed from the demand forecast,
 * and the rule that picks one for a store's product. */
#ifndef TERSA_SERVICE_LEVEL_H
#define TERSA_SERVICE_LEVEL_H

#include <stdint.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

/* Levels are percent × 1000: 95000 = 95%. */
#define SERVICE_LEVEL_DEFAULT 95000
#define SERVICE_LEVEL_MIN 50000
#define SERVICE_LEVEL_MAX 99900

struct service_level {
	int64_t store_id;    /* 0 = every store */
	int64_t category_id; /* 0 = every category */
	int64_t level;
	int64_t created_at, updated_at;
};

/*
 * The level for a product of category_id in store_id among rows (n, any
 * order): the most specific match wins — the row for this store and this
 * category, else the row for this category in every store, else the row
 * for this store and every category, else the company row (0, 0), else
 * SERVICE_LEVEL_DEFAULT. Only the product's own category is matched (not
 * its parents). Pure.
 */
int64_t service_level_pick(const struct service_level *rows, int n,
			   int64_t store_id, int64_t category_id);

/* The rows that apply to store_id (its own and the company-wide ones,
 * store_id 0), into *out (n rows, in arena a). 0 or negative. */
int service_level_for_store(struct db *db, struct arena *a, int64_t store_id,
			    struct service_level **out, int *n, struct err *e);

/* Every row the user sees (u NULL: all; a store-bound user: the
 * company-wide rows and those of their stores), ordered by store and
 * category. 0 or negative. */
int service_level_list(struct db *db, struct arena *a, const struct user *u,
		       struct service_level **out, int *n, struct err *e);

/* Checks a row: store_id and category_id >= 0, level in 50%..99.9%. Field
 * errors "store_id", "category_id", "level". */
void service_level_check(const struct service_level *in, struct err *e);

/* Creates or replaces the row of (in->store_id, in->category_id) with an
 * audit row (entity "service_level", id = category_id, store = store_id).
 * ERR_INVALID with field errors for a store or category that does not
 * exist or a bad value; ERR_FORBIDDEN for a company-wide row (store 0) set
 * by a store-bound user, ERR_NOT_FOUND for another store. *created 1 when
 * new. *out in arena a. */
int service_level_put(struct db *db, struct arena *a, const struct actor *who,
		      const struct service_level *in, struct service_level **out,
		      int *created, struct err *e);

/* Removes a row, with an audit row. ERR_NOT_FOUND when there is none (or
 * it is another store's); ERR_FORBIDDEN for a company-wide row removed by a
 * store-bound user. */
int service_level_delete(struct db *db, const struct actor *who, int64_t store_id,
			 int64_t category_id, struct err *e);

json_t *service_level_to_json(const struct service_level *s); /* caller owns */

#endif
