/* crm_check.h: checks shared by contacts, tasks and opportunities: the store
 * a write names (it exists, and a store-bound actor holds it), the user a
 * task or deal is given to, and the store a store-bound actor works in. */
#ifndef TERSA_CRM_CHECK_H
#define TERSA_CRM_CHECK_H

#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

/* The store a write defaults to: a store-bound actor's first store, else 0
 * (none). */
int64_t crm_default_store(const struct actor *who);

/* A store named by a write: ERR_FORBIDDEN (returned) when who is store-bound
 * and store_id is not one of its stores; a field error on `field` (noted,
 * 0 returned) when no such store exists; ERR_DB. store_id 0: nothing to
 * check. */
int crm_check_store(struct db *db, const struct actor *who, const char *field,
		    int64_t store_id, struct err *e);

/* A user a task is assigned to or a deal is owned by: a field error on
 * `field` (noted, 0 returned) when the user does not exist or is inactive,
 * or is store-bound and store_id (when not 0) is not one of its stores.
 * 0 or ERR_DB. */
int crm_check_user(struct db *db, struct arena *a, const char *field, int64_t user_id,
		   int64_t store_id, struct err *e);

/* The SQL of a store-scoped read: "? = 0 OR <col> IN (the stores of user ?)"
 * is written beside each query; this gives its two values: (0, 0) for an
 * actor that sees every store, (1, user id) for a store-bound one. */
void crm_scope(const struct actor *who, int64_t *scoped, int64_t *user_id);

#endif
