/* program.h: the points program (one row): how many points a yuan paid
 * earns, what a point is worth, when points expire, how much of a sale
 * points may pay, rounding, and which part of stored value is spent first. */
#ifndef TERSA_PROGRAM_H
#define TERSA_PROGRAM_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

struct loyalty_program {
	int64_t points_per_yuan;   /* points per ¥1 (100 minor units) paid, 0..1000 */
	int64_t point_value;       /* minor units one point is worth, 0..10000 */
	int64_t expiry_days;       /* days until an earning lapses; 0 = never */
	int64_t max_redeem_bp;     /* the most of a sale's total points may pay */
	int64_t min_redeem;        /* the fewest points one sale may redeem */
	int64_t max_redeem_points; /* the most points one sale may redeem; 0 = no limit */
	const char *rounding;      /* "floor" | "half_up": earned points */
	const char *sv_bonus_spent; /* "first" | "last": the bonus part of stored value */
	int64_t updated_at;
};

extern const char *const program_roundings[];   /* floor half_up */
extern const char *const program_bonus_orders[]; /* first last */

/* The program (texts are static strings). 0 or ERR_DB. */
int program_get(struct db *db, struct loyalty_program *out, struct err *e);
/* Replaces the program after checking every field (field errors name
 * them), audited as an update of "loyalty_program" 1 with the old and new
 * values, in a transaction of its own. *out gets what is stored. */
int program_put(struct db *db, const struct actor *who, const struct loyalty_program *in,
		struct loyalty_program *out, struct err *e);
/* The program as the API answers it; caller owns it. */
json_t *program_to_json(const struct loyalty_program *p);

/* Points earned on base (minor units paid in money): base / 100 x
 * points_per_yuan x multiplier_bp / 10000, rounded down or half up as the
 * program says; never negative. */
int64_t program_points_for(const struct loyalty_program *p, int64_t base, int64_t multiplier_bp);

/* The instant an earning made at `at` expires (0 = never). */
int64_t program_expiry(const struct loyalty_program *p, int64_t at);

#endif
