/* promo.h: the promotion engine, a pure function of (basket, rules, customer,
 * time) to the discount on each line, each part naming the rule that gave
 * it, and the gift lines. No database, clock or global state: the caller
 * loads the rules (promotion_load_active) and computes the local time. */
#ifndef TERSA_PROMO_H
#define TERSA_PROMO_H

#include <stdint.h>

#include "base/err.h"

/*
 * How the rules run
 * -----------------
 * Order: priority descending, then id ascending. Each basket line keeps its
 * current net value (gross minus the discounts given so far); a rule works
 * on that value, so a stackable rule that runs later discounts the price
 * already reduced by earlier ones.
 *
 * Rule scope: the rule runs only when the sale's store is in store_ids, the
 * customer's tier in customer_tiers, the day within [starts_on, ends_on],
 * the weekday in weekdays and the minute of day within [minute_from,
 * minute_to); an empty list or an open bound means "any". A customer
 * without a tier matches only rules with no tiers listed.
 * Line scope: a line is eligible when product_ids and category_ids are both
 * empty, or its product is listed, or its category or one of the
 * category's ancestors is listed ("Food" matches "Food / Dairy / Milk"), and
 * the line is not locked (below).
 *
 * Exclusive rules: a rule applies when it gives a discount or a gift. When
 * an exclusive rule applies, every line it touched is locked: no later rule
 * discounts it or counts it (toward a threshold, a group, a trigger). A
 * line is touched when the rule discounted it, put any of its units in a
 * buy-X-get-Y or bundle group, or counted it toward a spend threshold or a
 * gift's trigger. Lines it did not touch stay open to later rules. An
 * exclusive rule itself still applies to lines discounted by earlier
 * stackable rules: to make it win outright, give it the higher priority.
 *
 * Kinds (amounts in minor units, percentages in basis points, 10000 = 100%):
 *   percent_off      every eligible line: net × percent, rounded half up.
 *   amount_off       per unit: amount × quantity (thousandths / 1000,
 *                    rounded half up: ¥1 off per kg takes ¥0.50 off 0.5 kg);
 *                    per line: amount once per eligible line. Never more
 *                    than the line's net.
 *   buy_x_get_y      whole units of the eligible lines (fractions of a
 *                    weighed line do not count) form g = units / (X+Y)
 *                    groups; the g×Y cheapest units (by current unit net)
 *                    get percent off (10000: free). 第二件半价 is X=1, Y=1,
 *                    percent 5000. The groups are the g×(X+Y) cheapest
 *                    units. Each line's discount is rounded half up.
 *   spend_threshold  on the eligible subtotal S (sum of net): repeating,
 *                    floor(S / every) × off, at most max_off when set (满
 *                    300 减 50 repeating); or tiers, the best off among the
 *                    tiers whose threshold S reaches. The discount is
 *                    prorated over the eligible lines by their net value,
 *                    each share rounded down, the remainder on the largest
 *                    line (the first of equals; past its net, the next
 *                    largest), so the lines add up to the discount exactly.
 *   bundle_price     any `size` whole units of the eligible lines for
 *                    `price`, as many times as pays: units are taken most
 *                    expensive first, size at a time, while a group costs
 *                    more than the price. This gives the customer the
 *                    largest saving (taking the dearest units maximises the
 *                    value bundled; groups get cheaper as they go, so the
 *                    first one that does not save ends it). The saving
 *                    (bundled value − groups × price) is prorated over the
 *                    bundled units' value per line, as for thresholds.
 *   gift             when at least one line is eligible, the eligible
 *                    subtotal reaches min_spend and the eligible quantity
 *                    reaches min_quantity: one gift line (product,
 *                    quantity) for the caller to add at price 0 and move
 *                    out of stock. Once per sale.
 *
 * Every amount is >= 0 and no line's discount exceeds its gross. Money
 * arithmetic is checked: an overflow answers ERR_INVALID with a message.
 */

enum promo_kind {
	PROMO_PERCENT_OFF = 1,
	PROMO_AMOUNT_OFF,
	PROMO_BUY_X_GET_Y,
	PROMO_SPEND_THRESHOLD,
	PROMO_BUNDLE_PRICE,
	PROMO_GIFT,
};
/* "percent_off", "amount_off", "buy_x_get_y", "spend_threshold",
 * "bundle_price", "gift"; entry k-1 names kind k; NULL-terminated. */
extern const char *const promo_kinds[];
const char *promo_kind_name(enum promo_kind k);  /* NULL if unknown */
enum promo_kind promo_kind_parse(const char *s); /* 0 if unknown */

enum promo_per { PROMO_PER_UNIT = 1, PROMO_PER_LINE = 2 };

#define PROMO_MAX_TIERS 20   /* spend threshold tiers */
#define PROMO_MAX_GROUP 1000 /* buy, get, bundle size */
#define PROMO_MAX_PRIORITY 1000000
#define PROMO_MINUTES_PER_DAY 1440

struct promo_tier {
	int64_t threshold; /* eligible subtotal reached, > 0, ascending */
	int64_t off;       /* 0 < off < threshold */
};

struct promo_rule {
	int64_t id;
	const char *name;
	enum promo_kind kind;

	/* Parameters: only the member of the rule's kind is read. */
	struct {
		int64_t bp; /* 1..10000 */
	} percent;          /* percent_off */
	struct {
		int64_t value;      /* > 0, minor units */
		enum promo_per per; /* per unit (scaled by quantity) or line */
	} amount;                   /* amount_off */
	struct {
		int64_t buy, get; /* whole units, 1..PROMO_MAX_GROUP */
		int64_t bp;       /* off the cheapest `get` units, 1..10000 */
	} bxgy;                   /* buy_x_get_y */
	struct {
		int64_t every, off; /* repeating: off < every; both 0: tiers */
		int64_t max_off;    /* cap for repeating, 0 = none */
		const struct promo_tier *tiers;
		int ntiers; /* 1..PROMO_MAX_TIERS when every is 0 */
	} spend;            /* spend_threshold */
	struct {
		int64_t size;  /* units per group, 2..PROMO_MAX_GROUP */
		int64_t price; /* > 0, minor units per group */
	} bundle;              /* bundle_price */
	struct {
		int64_t product_id;   /* the gift */
		int64_t quantity;     /* thousandths, > 0 */
		int64_t min_spend;    /* eligible subtotal, >= 0 */
		int64_t min_quantity; /* eligible quantity, thousandths, >= 0 */
	} gift;                       /* gift */

	/* Scope: empty lists and 0/NULL bounds mean "any". */
	const int64_t *store_ids;
	int nstore_ids;
	const int64_t *product_ids;
	int nproduct_ids;
	const int64_t *category_ids;
	int ncategory_ids;
	const char *const *customer_tiers;
	int ncustomer_tiers;
	const char *starts_on, *ends_on; /* 'YYYY-MM-DD' inclusive, or NULL */
	unsigned weekdays;               /* bit d (1 Monday .. 7 Sunday) set; 0 = every day */
	int minute_from;                 /* [from, to) in minutes of the local day; */
	int minute_to;                   /* both -1 = all day; else 0 <= from < to <= 1440 */

	int priority;  /* higher runs first */
	int exclusive; /* 1: locks the lines it touches (see above) */
};

/* One basket line. gross = unit_price × quantity / 1000, rounded half up. */
struct promo_line {
	int64_t product_id;
	int64_t category_id;         /* 0 = none */
	const int64_t *category_ids; /* the category and all its ancestors */
	int ncategory_ids;           /* (category_id itself may be omitted) */
	int64_t quantity;            /* thousandths, 1..QTY_MAX */
	int64_t unit_price;          /* minor units, 0..MONEY_MAX */
};

struct promo_basket {
	const struct promo_line *lines;
	int nlines;
};

/* The sale's customer and local time, computed by the caller in the company
 * zone (ts_local). */
struct promo_context {
	int64_t store_id;
	const char *customer_tier; /* NULL: no customer or no tier */
	char day[11];              /* 'YYYY-MM-DD' */
	int weekday;               /* 1 Monday .. 7 Sunday */
	int minute;                /* 0..1439 */
};

/* One rule's share of a line's discount. */
struct promo_part {
	int64_t rule_id;
	int64_t amount; /* > 0 */
};

struct promo_line_result {
	int64_t gross;            /* unit_price × quantity, rounded */
	int64_t discount;         /* sum of parts, 0..gross */
	int64_t total;            /* gross - discount */
	int64_t rule_id;          /* the largest part's rule (first of
	                             equals), 0 = none */
	struct promo_part *parts; /* in the order the rules ran */
	int nparts;
};

struct promo_gift {
	int64_t rule_id;
	int64_t product_id;
	int64_t quantity; /* thousandths */
};

/* A rule that applied, with what it gave in total. */
struct promo_applied {
	int64_t rule_id;
	int64_t amount; /* discount over all lines (0 for gifts) */
	int gift;       /* 1 when it added a gift line */
};

struct promo_result {
	struct promo_line_result *lines; /* nlines, same order as the basket */
	int nlines;
	struct promo_gift *gifts;
	int ngifts;
	struct promo_applied *applied; /* in the order the rules ran */
	int napplied;
	int64_t subtotal;       /* sum of gross */
	int64_t discount_total; /* sum of line discounts */
	int64_t total;          /* subtotal - discount_total */
};

/* Checks one rule's kind, parameters and scope fields (not whether the ids
 * it names exist). Adds a field error per bad value, named as in the API
 * ("params.percent", "params.tiers[1].off", "ends_on", "hour_to",
 * "weekdays", "priority"); returns err_fields_done(e). */
int promo_rule_check(const struct promo_rule *r, struct err *e);

/* 1 if the rule's store, tier, date, weekday and hour scope admit ctx. */
int promo_rule_in_scope(const struct promo_rule *r, const struct promo_context *ctx);

/* Runs the rules over the basket. rules need not be sorted. On success
 * fills *out (release it with promo_result_release) and returns 0. Errors:
 * ERR_INVALID for a bad line (fields "lines[i].quantity",
 * "lines[i].unit_price"), a rule failing promo_rule_check (message names
 * the rule) or an overflow (message); *out is then empty. */
int promo_apply(const struct promo_basket *b, const struct promo_rule *rules, int nrules,
                const struct promo_context *ctx, struct promo_result *out, struct err *e);

/* Frees what promo_apply allocated in r and empties it; safe on an empty
 * or zeroed result. */
void promo_result_release(struct promo_result *r);

#endif
