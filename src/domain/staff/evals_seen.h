/* evals_seen.h: who sees whom for evaluations and meetings until
 * src/domain/staff/staff_scope.h lands (TODO(staff_scope): replace
 * evals_person_seen with staff_person_seen and delete this file). */
#ifndef TERSA_EVALS_SEEN_H
#define TERSA_EVALS_SEEN_H

#include <stdint.h>

#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

/* 1 when who sees user_id (admin and hq everyone, a store manager the people
 * with a store among theirs, everyone themselves; the system everyone), 0
 * when not or no such user, negative ERR_DB. */
int evals_person_seen(struct db *db, const struct actor *who, int64_t user_id, struct err *e);

/* 1 when who manages people: admin, hq, store_manager, or the system. */
int evals_is_manager(const struct actor *who);

/* The values bound to PERSON_SEEN_SQL(col) below: (0,0,0,0) for an actor that
 * sees everyone, else (1, user id, manager 0|1, user id). */
void evals_scope(const struct actor *who, int64_t v[4]);

/* A SQL condition on a person id column, with four ? bound from
 * evals_scope: the person is seen by the actor. */
#define PERSON_SEEN_SQL(col)                                                    \
	" (? = 0 OR " col " = ? OR (? = 1 AND " col " IN (SELECT us.user_id"      \
	" FROM user_stores us JOIN user_stores mine ON mine.store_id = us.store_id" \
	" WHERE mine.user_id = ?))) "

#endif
