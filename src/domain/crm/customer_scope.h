/* customer_scope.h: which customers an actor sees. Store-bound roles
 * (store_manager, sales) see the customers linked to one of their stores in
 * customer_stores (the home store, and every store the customer bought in);
 * other roles see every customer. Every route under /customers/{id} and
 * every write naming a customer checks this first. */
#ifndef TERSA_CUSTOMER_SCOPE_H
#define TERSA_CUSTOMER_SCOPE_H

#include <stdint.h>

#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

/* 0 when the customer exists, is not erased, and who sees it; ERR_NOT_FOUND
 * (message "customer N not found") when it does not exist or is out of
 * who's stores; ERR_DB. */
int customer_visible(struct db *db, const struct actor *who, int64_t customer_id,
		     struct err *e);

/* Links the customer to a store (idempotent): done by a sale, a top-up, a
 * new profile's home store. 0 or ERR_DB. */
int customer_link_store(struct db *db, int64_t customer_id, int64_t store_id, struct err *e);

#endif
