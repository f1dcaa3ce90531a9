/* demo_internal.h: what the parts of the demo generator share — the seeded
 * random numbers, the bulk inserter and the company being built. */
#ifndef TERSA_DEMO_INTERNAL_H
#define TERSA_DEMO_INTERNAL_H

#include <stdint.h>

#include "domain/demo/demo.h"
#include "domain/loyalty/program.h"

/* splitmix64: small, fast, and the same everywhere for a seed. */
struct rng {
	uint64_t s;
};
uint64_t rng_next(struct rng *r);
/* Uniform in [0, n) (n > 0). */
int64_t rng_below(struct rng *r, int64_t n);
/* Uniform in [0, 1). */
double rng_unit(struct rng *r);

/* Multi-row INSERTs: rows are gathered and written `per` at a time with one
 * cached statement (values always bound), the rest one row at a time. */
struct bulk;
struct bulk *bulk_new(struct db *db, const char *table_and_columns, int ncols);
void bulk_int(struct bulk *b, int64_t v);
void bulk_text(struct bulk *b, const char *s); /* NULL = SQL NULL; copied */
void bulk_null(struct bulk *b);
/* v, or SQL NULL when v is 0 (an absent id or time). */
void bulk_opt_int(struct bulk *b, int64_t v);
/* Rows wait for bulk_flush instead of being written as a batch fills
 * (so that the caller orders parents before children). */
void bulk_hold(struct bulk *b);
/* Ends a row (exactly ncols values); may write. 0 or negative. */
int bulk_row(struct bulk *b, struct err *e);
int bulk_flush(struct bulk *b, struct err *e);
void bulk_free(struct bulk *b);

/* A product as the history needs it. */
struct demo_product {
	int64_t id, category_id, price, cost, vat_rate, supplier_id;
	const char *brand; /* static text */
	int top;       /* index of its top-level category */
	int leaf;      /* index of its category among the leaves */
	int weighed;   /* sold by the kg */
	double weight; /* popularity */
};

struct demo_store {
	int64_t id, cash_rounding, manager_id;
	int64_t staff[4];
	int nstaff;
	const char *code;
	int online;
	double size;
};

struct demo_co {
	struct db *db;
	struct rng r;
	const struct demo_opts *o;
	struct demo_stats *stats;
	struct demo_store *stores;
	int nstores;
	struct demo_product *products;
	int nproducts;
	int64_t top_category_ids[8];
	int ntop;
	struct loyalty_program prog;
	int64_t tier_ids[4];
	int64_t start_ms, end_ms, now_ms; /* first day's start, end of the last day */
	char start_day[11], end_day[11];
	int ndays;
};

void demo_progress(struct demo_co *c, const char *stage, int64_t done, int64_t total);

/* A customer as the history builds it (customer i has id cust_base + i + 1). */
struct cust {
	int64_t created_at, points, sv, lifetime, orders, first_at, last_at, spend12;
	uint32_t stores; /* bit per store index bought in (20 stores at most) */
	int home;
	int lot_head; /* first points lot with something left (-1: none) */
	int lot_tail;
	int coupon; /* the coupon the member holds (-1: none) */
	int bucket; /* customers.bucket, 0..9999 */
	int consent_sms;
};

/* The demo's completed SMS campaign with a planted effect
 * (demo_campaign.c). The history calls demo_campaign_plan once its
 * customers are made (NULL: no history long enough), demo_campaign_pick
 * for a sale without a customer (a member to give it to, or -1),
 * demo_campaign_bought for each member's sale before it updates the
 * member's last_at, and demo_campaign_write once the customers are
 * written; demo_campaign_free at the end (NULL is fine everywhere). */
struct demo_campaign;
struct demo_campaign *demo_campaign_plan(struct demo_co *c, struct cust *cust, int ncust,
					 int64_t cust_base);
void demo_campaign_bought(struct demo_campaign *k, int cust, int64_t at);
int demo_campaign_pick(struct demo_campaign *k, int store, int64_t at);
int demo_campaign_write(struct demo_campaign *k, struct err *e);
void demo_campaign_free(struct demo_campaign *k);

/* The parts, in order. */
int demo_master(struct demo_co *c, struct err *e);
int demo_customers(struct demo_co *c, int64_t n, struct err *e);
int demo_history(struct demo_co *c, struct err *e);
/* The Chinese public holidays of the years around end_day (NULL: today)
 * into the company calendar (demo_holidays.c). */
int demo_holidays(struct db *db, const char *end_day, struct err *e);
/* The three journeys (welcome, winback 60 days with a coupon, birthday)
 * and their coupon templates (demo_journeys.c). */
int demo_journeys(struct db *db, struct err *e);
/* Revenue targets of this year and next for the direct stores and their
 * salespeople, and 120 days of footfall (demo_staff_targets.c). */
int demo_staff_targets(struct db *db, const char *end_day, struct err *e);
/* Three published courses required for sales with assignments, attempts
 * and overdue ones, the first category gated by the product course, and a
 * few recognitions (demo_staff_training.c). */
int demo_staff_training(struct db *db, struct err *e);
/* Staff: shared sales and an approved commission plan with the last three
 * months' periods, the older two closed (demo_staff_commission.c). */
int demo_staff_commission(struct db *db, const char *end_day, struct err *e);
/* Evaluation templates for sales and store managers; in up to three direct
 * stores a published evaluation of the last half-year with actions (and the
 * next one scheduled) for two salespeople and an open one of the last
 * quarter for the others; a weekly stock count per direct store with its
 * checklist; one team meeting with action items (demo_staff_evals.c). */
int demo_staff_evals(struct db *db, const char *end_day, struct err *e);

/* An EAN-13 of a GS1 China prefix, a maker code and an item: out[14]. */
void demo_ean13(int maker, int item, char *out);

#endif
