/* commission_calc.h: the commission arithmetic of a plan's rules, pure (no
 * database): a line's rate by discount depth and margin gate, its split
 * between the store pool and the salespeople, the attainment tier bonus,
 * and the rules JSON read and checked. Every sum is checked money
 * arithmetic: an overflow is an error, never a wrapped figure. */
#ifndef TERSA_COMMISSION_CALC_H
#define TERSA_COMMISSION_CALC_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"

#define CC_MAX_BANDS 16
#define CC_MAX_LEVELS 16
#define CC_MAX_PEOPLE 64

struct cc_band {
	int64_t min_price_bp; /* paid ÷ list price at or above this ... */
	int64_t rate_bp;      /* ... earns this rate */
};

struct cc_level {
	int64_t attainment_bp;
	int64_t amount;  /* a fixed bonus (levels with amount) */
	int64_t rate_bp; /* or a rate of the period's sales (levels with rate_bp) */
};

enum cc_tier_mode { CC_TIERS_NONE, CC_TIERS_BRACKETS, CC_TIERS_LINEAR };

struct cc_rules {
	struct cc_band bands[CC_MAX_BANDS]; /* sorted by min_price_bp, highest first */
	int nbands;                        /* 0: default_rate_bp for every line */
	int64_t default_rate_bp;
	int has_margin_floor;
	int64_t margin_floor_bp;
	enum cc_tier_mode tier_mode;
	int tier_by_rate; /* levels carry rate_bp (else amount) */
	struct cc_level levels[CC_MAX_LEVELS]; /* ascending attainment_bp */
	int nlevels;
	int64_t pool_bp;       /* share of each line's commission for the store pool */
	int64_t clawback_days; /* a return this many days after its sale or fewer claws back */
	int require_training;
};

/* Reads a plan's rules object (see docs/staff.md "## Commission") into r,
 * defaults for what is absent. Problems are field errors in e named under
 * prefix ("rules.tiers.levels[1].amount"); the caller ends with
 * err_fields_done. Unknown keys are refused. */
void cc_rules_read(json_t *o, const char *prefix, struct cc_rules *r, struct err *e);
/* The rules as JSON, every key present (what a plan stores and answers). */
json_t *cc_rules_to_json(const struct cc_rules *r);

/* One sale line as commission sees it; a return line has the same shape
 * with the refund as a negative total (see cc_line_return). */
struct cc_line {
	int64_t list_amount; /* list price × quantity */
	int64_t total;       /* what the customer paid, VAT included (the base) */
	int64_t vat;
	int64_t cost;        /* unit cost × quantity */
	int untrained;       /* the training gate is closed for this line */
};

enum cc_reason {
	CC_BAND,     /* earned by its discount band */
	CC_DEFAULT,  /* no bands: the default rate */
	CC_DISCOUNT, /* sold below the lowest band: nothing */
	CC_MARGIN,   /* margin under the floor: nothing */
	CC_TRAINING, /* the course the category requires was not passed */
};
extern const char *const cc_reason_names[]; /* band default discount margin training */

struct cc_line_result {
	int64_t price_bp;  /* total × 10000 ÷ list_amount, rounded down (10000 without a list price) */
	int64_t margin_bp; /* (total − vat − cost) × 10000 ÷ (total − vat), rounded down; 0 when net is 0 */
	int64_t rate_bp;
	enum cc_reason reason;
	int64_t amount; /* total × rate, rounded half away from zero: the line's whole commission */
	int64_t pool;   /* amount × pool_bp: the store pool's part (same rounding) */
	int64_t own;    /* amount − pool: the salespeople's part */
};

/* A line's rate and commission. Band edges are inclusive: a line paid at
 * exactly min_price_bp of list earns that band; the margin gate passes a
 * margin rate equal to the floor (both compared exactly, not rounded).
 * 0 or ERR_INVALID on overflow. */
int cc_line(const struct cc_rules *r, const struct cc_line *l, struct cc_line_result *out,
	    struct err *e);
/* A return of refund (> 0) from a line that earned rate_bp: the negative
 * line at the original rate (amount, pool and own negative, the exact
 * opposite of the sale line's for a full refund). */
int cc_line_return(const struct cc_rules *r, int64_t refund, int64_t rate_bp,
		   struct cc_line_result *out, struct err *e);

/* Splits amount (either sign) over n weights (≥ 0, not all 0) exactly:
 * each part rounded toward zero, the units left over one each to the
 * largest remainders, ties to the earlier weight (so an even split gives
 * the remainder to the first). 0, or ERR_INVALID (bad weights, overflow). */
int cc_split(int64_t amount, const int64_t *weights, int n, int64_t *parts, struct err *e);

/* Attainment sales × 10000 ÷ target, rounded down (0 without a target or
 * with sales ≤ 0), and the tier bonus for it: brackets pay the highest
 * level reached, linear interpolates between the two levels around it;
 * both pay nothing below the first level and the top level's figure above
 * it. A rate level pays rate × sales (rounded half up). 0 or ERR_INVALID. */
int cc_tier(const struct cc_rules *r, int64_t sales, int64_t target, int64_t *attainment_bp,
	    int64_t *bonus, struct err *e);

#endif
