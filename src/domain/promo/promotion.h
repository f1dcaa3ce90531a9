/* promotion.h: promotions as stored (create, change, read, list,
 * deactivate, with every parameter checked per kind), the loader that
 * turns the active ones into engine rules for a sale, and the preview that
 * prices lines from the catalog and runs the engine. */
#ifndef TERSA_PROMOTION_H
#define TERSA_PROMOTION_H

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"
#include "domain/promo/promo_engine.h"

#define PROMOTION_NAME_MAX 100
#define PROMOTION_MAX_IDS 1000 /* per scope list */
#define PROMOTION_TIER_MAX 32  /* characters of a tier name */
#define PROMOTION_MAX_TIERS 20 /* customer tiers per promotion */

/* A stored promotion: the engine rule (id, name, kind, parameters, scope,
 * priority, exclusive) plus its state. Everything lives in the arena it
 * was loaded into. */
struct promotion {
	struct promo_rule rule;
	int active;
	int64_t created_at, updated_at;
};

/* For create every field is read (unset lists are empty, unset bounds
 * open); for update only those with set_* = 1. */
struct promotion_input {
	const char *name;
	const char *kind; /* one of promo_kinds */
	json_t *params;   /* a JSON object, borrowed */
	const int64_t *store_ids;
	int nstore_ids;
	const int64_t *product_ids;
	int nproduct_ids;
	const int64_t *category_ids;
	int ncategory_ids;
	const char *const *tiers; /* customer tiers */
	int ntiers;
	const char *starts_on, *ends_on; /* NULL = open */
	unsigned weekdays;               /* bits 1 (Monday) .. 7 (Sunday); 0 = every day */
	int hour_from, hour_to;          /* minutes of the day; -1 = none */
	int64_t priority;
	int exclusive; /* -1 unchanged (create: 0) */
	int active;    /* -1 unchanged (create: 1) */
	unsigned set_name : 1, set_kind : 1, set_params : 1, set_store_ids : 1, set_product_ids : 1,
	    set_category_ids : 1, set_tiers : 1, set_starts_on : 1, set_ends_on : 1,
	    set_weekdays : 1, set_hour_from : 1, set_hour_to : 1, set_priority : 1;
};

/* Create and update check every field (params per kind, as
 * promo_rule_check, with field names "params.<key>"; a wrong JSON type in
 * params is a type error), and that the stores, products, categories and
 * the gift product named exist; all bad fields in one ERR_INVALID. Both
 * write an audit row in the same transaction. */
int promotion_create(struct db *db, struct arena *a, const struct actor *who,
                     const struct promotion_input *in, struct promotion **out, struct err *e);
/* Changing the kind needs params for the new kind. */
int promotion_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
                     const struct promotion_input *in, struct promotion **out, struct err *e);
/* Sets active = 0 (audited); already inactive is a no-op. ERR_NOT_FOUND. */
int promotion_deactivate(struct db *db, struct arena *a, const struct actor *who, int64_t id,
                         struct err *e);
/* ERR_NOT_FOUND if absent. Scoping is the caller's (promotion_visible). */
int promotion_get(struct db *db, struct arena *a, int64_t id, struct promotion **out,
                  struct err *e);

struct promotion_filter {
	int active;    /* -1 any, 0, 1 */
	const char *q; /* over the name, case-insensitive */
	int64_t after_id;
	int limit;
};
/* Promotions by id; for a store-bound user only those for every store or
 * for one of the user's stores. */
int promotion_list(struct db *db, struct arena *a, const struct user *u,
                   const struct promotion_filter *f, struct promotion ***out, int *n, int *more,
                   struct err *e);

/* 1 if u may see p: not store-bound, p for every store, or one of u's. */
int promotion_visible(const struct promotion *p, const struct user *u);

/* The promotion as JSON (replies and audit rows); caller owns it. */
json_t *promotion_to_json(const struct promotion *p);

/* The rules that may apply to a sale on day ('YYYY-MM-DD'): active and
 * within their dates, in no particular order (the engine orders them and
 * checks the store, tier, weekday and hours). Gift rules whose product is
 * gone or inactive are left out. *rules (in a) and *n; 0 or negative. */
int promotion_load_active(struct db *db, struct arena *a, const char *day,
                          struct promo_rule **rules, int *n, struct err *e);

/* A category and its ancestors (for promo_line.category_ids), in a; 0
 * gives none. 0 or negative. */
int promotion_category_chain(struct db *db, struct arena *a, int64_t category_id, int64_t **ids,
                             int *n, struct err *e);

struct promotion_preview_line {
	int64_t product_id;
	int64_t quantity; /* thousandths */
};

struct promotion_preview_input {
	int64_t store_id;
	const char *customer_tier; /* NULL = none */
	int64_t at;                /* ms; 0 = now */
	const struct promotion_preview_line *lines;
	int nlines;
};

/* Prices the lines at the catalog price and runs the active promotions at
 * `at` in the company zone. ERR_INVALID naming store_id, lines[i].product_id
 * (absent or inactive) or lines[i].quantity. *out (caller owns):
 * {store_id, customer_tier, at, day, weekday, time, lines:[{product_id,
 * quantity, unit_price, subtotal, discount, total, promotion_id,
 * discounts:[{promotion_id, name, amount}]}], gifts:[{promotion_id,
 * product_id, quantity}], promotions:[{id, name, kind, amount, gift}],
 * subtotal, discount_total, total}. */
int promotion_preview(struct db *db, struct arena *a, const struct promotion_preview_input *in,
                      json_t **out, struct err *e);

#endif
