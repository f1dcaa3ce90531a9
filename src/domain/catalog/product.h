/* product.h: products, with barcode checking. */
#ifndef TERSA_PRODUCT_H
#define TERSA_PRODUCT_H

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

/* 1 if s is a valid EAN-13, EAN-8 or UPC-A (12 digits) barcode with a
 * correct check digit, else 0. */
int barcode_valid(const char *s);

struct product {
	int64_t id;
	const char *sku;
	const char *barcode;  /* may be NULL */
	const char *name;
	int64_t category_id;  /* 0 = none */
	const char *brand;    /* may be NULL */
	const char *unit;
	int64_t price;
	int64_t cost;         /* -1 = unknown (null) */
	int64_t vat_rate;     /* basis points */
	int active;
	int64_t created_at, updated_at;
};

/* Create reads every field (set_price and set_vat must be 1; unit NULL is
 * "pcs"; "" barcode/brand is none); update only those with set_* = 1. */
struct product_input {
	const char *sku, *barcode, *name, *brand, *unit;
	int64_t category_id; /* 0 = none */
	int64_t price;
	int64_t cost;        /* -1 = null */
	int64_t vat_rate;
	int active;          /* -1 unchanged */
	unsigned set_sku : 1, set_barcode : 1, set_name : 1, set_brand : 1,
		set_unit : 1, set_category : 1, set_price : 1, set_cost : 1,
		set_vat : 1;
};

struct product_filter {
	const char *q;        /* over name, sku, barcode (case-insensitive) */
	const char *barcode;  /* exact */
	int64_t category_id;  /* 0 = any; includes sub-categories */
	int active;           /* -1 any, 0, 1 */
	int64_t after_id;
	int limit;
};

/* The product as JSON (replies and audit rows); caller owns it. */
json_t *product_to_json(const struct product *p);

int product_create(struct db *db, struct arena *a, const struct actor *who,
		   const struct product_input *in, struct product **out,
		   struct err *e);
int product_update(struct db *db, struct arena *a, const struct actor *who,
		   int64_t id, const struct product_input *in,
		   struct product **out, struct err *e);
/* Deletes a product without history; one with history is deactivated
 * instead (*deactivated = 1). */
int product_delete(struct db *db, const struct actor *who, int64_t id,
		   int *deactivated, struct err *e);
int product_get(struct db *db, struct arena *a, int64_t id,
		struct product **out, struct err *e);
int product_list(struct db *db, struct arena *a, const struct product_filter *f,
		 struct product ***out, int *n, int *more, struct err *e);

#endif
