/* store.h: stores (terminals) and their settings. */
#ifndef TERSA_STORE_H
#define TERSA_STORE_H

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

extern const char *const store_channels[]; /* direct franchise distributor online */

struct store {
	int64_t id;
	const char *code;
	const char *name;
	const char *channel;
	const char *region; /* may be NULL */
	const char *city;
	const char *address;
	int active;
	int allow_negative_stock;
	int64_t cash_rounding; /* 1, 10 or 100 minor units */
	int64_t created_at, updated_at;
};

/* For create every field is read; for update only those with set_* = 1. */
struct store_input {
	const char *code, *name, *channel, *region, *city, *address;
	int allow_negative_stock; /* -1 unchanged */
	int64_t cash_rounding;    /* 0 unchanged */
	int active;               /* -1 unchanged */
	unsigned set_code : 1, set_name : 1, set_channel : 1, set_region : 1,
		set_city : 1, set_address : 1;
};

int store_create(struct db *db, struct arena *a, const struct actor *who,
		 const struct store_input *in, struct store **out, struct err *e);
int store_update(struct db *db, struct arena *a, const struct actor *who,
		 int64_t id, const struct store_input *in, struct store **out,
		 struct err *e);
/* ERR_NOT_FOUND if absent. Scoping is the caller's (user_sees_store). */
int store_get(struct db *db, struct arena *a, int64_t id, struct store **out,
	      struct err *e);
/* Lists stores visible to `u` (NULL: all), q over code/name/city. */
int store_list(struct db *db, struct arena *a, const struct user *u,
	       const char *q, int64_t after_id, int limit, struct store ***out,
	       int *n, int *more, struct err *e);
/* 1 if a store with this id exists, 0 if not, negative on error. */
int store_exists(struct db *db, int64_t id, struct err *e);

/* The store as a JSON object (replies and audit rows); caller owns it. */
json_t *store_to_json(const struct store *s);

#endif
