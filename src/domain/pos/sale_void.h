/* sale_void.h: the void of a sale of the still-open shift — a full
 * reversal of its stock moves and rollups, journaled and audited in one
 * transaction. */
#ifndef TERSA_SALE_VOID_H
#define TERSA_SALE_VOID_H

#include <jansson.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

/* Voids sale_id: only a completed sale (no returns) of a shift that is
 * still open (else ERR_STATE). Puts every line's stock back, takes the
 * sale's contributions off its day's rollups, marks it voided with who,
 * when and why (reason: field "reason", 1-200 characters). *out is the
 * sale as sale_get renders it (caller owns it). */
int sale_void(struct db *db, struct arena *a, const struct actor *who, int64_t sale_id,
	      const char *reason, json_t **out, struct err *e);

#endif
