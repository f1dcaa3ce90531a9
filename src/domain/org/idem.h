/* idem.h: idempotency keys, scoped to the acting user. A key is claimed in
 * the caller's write transaction and its answer stored in the same
 * transaction, so a refused request (rolled back) leaves no trace and a
 * crash after the commit still replays. */
#ifndef TERSA_IDEM_H
#define TERSA_IDEM_H

#include <jansson.h>

#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

/* Looks the key up for this user inside the caller's write transaction.
 * 0: new (a row now reserves it); 1: replay (*out gets the stored answer,
 * caller owns it); ERR_IDEMPOTENCY_CONFLICT when the key was used with
 * another request hash. */
int idem_claim(struct db *db, const struct actor *who, const char *key,
	       const char *hash, json_t **out, struct err *e);

/* Looks the key up without claiming it (a replay check before the work):
 * 1 with *out (caller owns it), 0 when unknown, ERR_IDEMPOTENCY_CONFLICT. */
int idem_peek(struct db *db, const struct actor *who, const char *key,
	      const char *hash, json_t **out, struct err *e);

/* Stores resp (borrowed) as the answer for a key claimed in this
 * transaction. 0 or negative. */
int idem_store(struct db *db, const struct actor *who, const char *key,
	       json_t *resp, struct err *e);

/* Keys are kept at least this long (API.md: 30 days), then pruned. */
#define IDEM_KEEP_MS (31LL * 24 * 3600 * 1000)

/* Deletes up to limit keys created before `before` (Unix ms), oldest first,
 * in one write; *deleted gets how many. 0 or negative. */
int idem_prune(struct db *db, int64_t before, int limit, int64_t *deleted, struct err *e);

#endif
