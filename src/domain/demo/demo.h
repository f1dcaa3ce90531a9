/* demo.h: the demo company — stores, staff, a category tree of branded
 * products, suppliers, customers and (at scale small or full) years of sales
 * with their returns, voids, points, stored value, purchase orders, stock and
 * journal — generated from a seed, the same for the same seed and end day. */
#ifndef TERSA_DEMO_H
#define TERSA_DEMO_H

#include <stdint.h>

#include "base/err.h"
#include "db/db.h"

#define DEMO_PASSWORD "tersa-demo-2026"

enum demo_scale {
	DEMO_MASTER, /* stores, staff, categories, products, opening stock only */
	DEMO_SMALL,  /* 3 stores, about 300 products, a month of sales (tests) */
	DEMO_FULL,   /* 20 stores, 2,000 products, 50,000 customers, two years */
};

/* Progress of a long generation: stage names the step, done of total. */
typedef void (*demo_progress_fn)(void *arg, const char *stage, int64_t done, int64_t total);

struct demo_opts {
	enum demo_scale scale;
	uint64_t seed;
	int nproducts;        /* DEMO_MASTER only: how many products (default 2000) */
	const char *end_day;  /* the last day of sales, YYYY-MM-DD; NULL = today */
	demo_progress_fn progress; /* may be NULL */
	void *progress_arg;
};

/* What was made. */
struct demo_stats {
	int64_t stores, products, customers, sales, lines, returns, voids;
};

/* 1 when the company has no stores yet (demo_generate would fill it), 0
 * when it has, negative on a database error. */
int demo_company_empty(struct db *db);

/* Fills an empty company (no stores yet); does nothing (0, stats all 0) when
 * stores exist. Staff users get the password DEMO_PASSWORD. Days are the
 * company's (settings time zone). Master data goes through the domain
 * functions; the history is written in bulk, in transactions of about a
 * month each, with every rollup summed as the sales would add them up. 0
 * or negative ERR_* with e filled (a failure may leave part of a company). */
int demo_generate(struct db *db, const struct demo_opts *o, struct demo_stats *out,
		  struct err *e);

#endif
