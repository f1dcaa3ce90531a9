/* supplier.h: suppliers and the product–supplier links (the supplier's SKU,
 * cost, minimum order quantity, pack size, lead time, and at most one
 * preferred supplier per product). */
#ifndef TERSA_SUPPLIER_H
#define TERSA_SUPPLIER_H

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

#define SUPPLIER_LEAD_MAX 365

struct supplier {
	int64_t id;
	const char *code;
	const char *name;
	const char *contact;       /* may be NULL */
	const char *phone;         /* may be NULL */
	const char *email;         /* may be NULL */
	int64_t lead_time_days;
	const char *payment_terms; /* may be NULL */
	int active;
	int64_t created_at, updated_at;
};

/* For create every field is read (lead_time_days -1: the default, 7);
 * for update only those with set_* = 1. */
struct supplier_input {
	const char *code, *name, *contact, *phone, *email, *payment_terms;
	int64_t lead_time_days; /* -1 unchanged / default */
	int active;             /* -1 unchanged (create: active) */
	unsigned set_code : 1, set_name : 1, set_contact : 1, set_phone : 1,
		set_email : 1, set_payment_terms : 1;
};

struct supplier_filter {
	const char *q;  /* over code and name, case-insensitive */
	int active;     /* -1 any, 0, 1 */
	int64_t after_id;
	int limit;
};

/* 1 if s looks like an e-mail address: one '@', a non-empty local part, a
 * domain with a dot inside, no spaces or control characters. */
int supplier_email_valid(const char *s);

/* The supplier as JSON (replies and audit rows); caller owns it. */
json_t *supplier_to_json(const struct supplier *s);

/* A taken code: ERR_DUPLICATE (field "code"). Bad values: ERR_INVALID with
 * every field. */
int supplier_create(struct db *db, struct arena *a, const struct actor *who,
		    const struct supplier_input *in, struct supplier **out,
		    struct err *e);
int supplier_update(struct db *db, struct arena *a, const struct actor *who,
		    int64_t id, const struct supplier_input *in,
		    struct supplier **out, struct err *e);
/* ERR_NOT_FOUND if absent. */
int supplier_get(struct db *db, struct arena *a, int64_t id,
		 struct supplier **out, struct err *e);
int supplier_list(struct db *db, struct arena *a, const struct supplier_filter *f,
		  struct supplier ***out, int *n, int *more, struct err *e);

/* One product–supplier link. Quantities in thousandths, cost in minor
 * units. */
struct product_supplier {
	int64_t product_id, supplier_id;
	const char *supplier_code, *supplier_name;
	const char *supplier_sku; /* may be NULL */
	int64_t cost;
	int64_t min_order_qty;    /* > 0 */
	int64_t pack_size;        /* > 0 */
	int64_t lead_time_days;   /* -1: the supplier's */
	int preferred;
	int64_t created_at, updated_at;
};

/* The whole link (PUT semantics): cost required (-1 = missing),
 * min_order_qty and pack_size 0 = one unit, lead_time_days -1 = the
 * supplier's. */
struct product_supplier_input {
	const char *supplier_sku;
	int64_t cost;
	int64_t min_order_qty, pack_size;
	int64_t lead_time_days;
	int preferred;
};

json_t *product_supplier_to_json(const struct product_supplier *l);

/* Creates or replaces the link; preferred = 1 clears the product's other
 * preferred link in the same transaction. ERR_NOT_FOUND for an unknown
 * product or supplier. *created is 1 when the link is new. */
int product_supplier_put(struct db *db, struct arena *a, const struct actor *who,
			 int64_t product_id, int64_t supplier_id,
			 const struct product_supplier_input *in,
			 struct product_supplier **out, int *created,
			 struct err *e);
/* ERR_NOT_FOUND when there is no such link. */
int product_supplier_delete(struct db *db, const struct actor *who,
			    int64_t product_id, int64_t supplier_id,
			    struct err *e);
/* The product's links, preferred first, then by supplier code.
 * ERR_NOT_FOUND for an unknown product. */
int product_supplier_list(struct db *db, struct arena *a, int64_t product_id,
			  struct product_supplier ***out, int *n, struct err *e);
/* The link, or *out = NULL when there is none (not an error). */
int product_supplier_find(struct db *db, struct arena *a, int64_t product_id,
			  int64_t supplier_id, struct product_supplier **out,
			  struct err *e);

#endif
