/* tier.h: tiers by spend over the last 365 days (net of returns, voided
 * sales left out): a discount at the till and a points multiplier each. A
 * customer without a tier is in the active tier with the lowest min_spend
 * (none defined: no tier). The sale that crosses a threshold upgrades the
 * customer inside its transaction; a nightly job downgrades those whose
 * rolling spend fell below their tier; each move is kept in
 * customer_tier_history with its reason. */
#ifndef TERSA_TIER_H
#define TERSA_TIER_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

#define TIER_WINDOW_MS (365LL * 86400000)

struct tier {
	int64_t id;
	const char *code, *name; /* in the caller's arena, or borrowed */
	int64_t min_spend, discount_bp, points_multiplier_bp;
	int active;
};

/* Every tier, lowest min_spend first, as JSON. */
int tier_list(struct db *db, json_t **out, struct err *e);

/* A new tier or a change: fields not to change have their has_ flag 0.
 * Field errors name code (1-32 characters, unique: ERR_DUPLICATE), name
 * (1-100), min_spend (>= 0), discount_bp (0-10000), points_multiplier_bp
 * (0-100000). Audited; *out the tier as JSON. */
struct tier_input {
	const char *code, *name;
	int64_t min_spend, discount_bp, points_multiplier_bp;
	int active;
	int has_code, has_name, has_min_spend, has_discount_bp, has_multiplier, has_active;
};
int tier_create(struct db *db, const struct actor *who, const struct tier_input *in,
		json_t **out, struct err *e);
int tier_update(struct db *db, const struct actor *who, int64_t id, const struct tier_input *in,
		json_t **out, struct err *e);

/* The tier a customer with tier_id (0 = none) is in now: that tier when
 * active, else the active tier with the lowest min_spend. *found 0 when no
 * tier applies (texts of out then unset). */
int tier_effective(struct db *db, int64_t tier_id, struct tier *out, int *found, struct err *e);

/* The customer's spend over (now - 365 days, now]: what the sales paid
 * less what was refunded, voided sales left out. */
int tier_spend(struct db *db, int64_t customer_id, int64_t now, int64_t *spend, struct err *e);

/* Inside a sale's transaction, after the sale is written: moves the
 * customer up to the highest tier its rolling spend reaches, if higher
 * than its tier now (history reason "upgrade", with the sale). */
int tier_upgrade_after_sale(struct db *db, int64_t customer_id, int64_t sale_id, int64_t now,
			    struct err *e);

/* The nightly downgrade at now: each customer with a tier whose rolling
 * spend fell below it (or whose tier was deactivated) moves to the tier
 * the spend reaches (history reason "downgrade"). A transaction per
 * customer. *moved (may be NULL) gets the count. */
int tier_downgrade_run(struct db *db, int64_t now, int64_t *moved, struct err *e);

/* A customer's tier history, newest first, as a keyset page of JSON. */
int tier_history_page(struct db *db, int64_t customer_id, int64_t before_id, int limit,
		      json_t **out, int *more, int64_t *last_id, struct err *e);

#endif
