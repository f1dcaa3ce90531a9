/* evals_seen.h: the staff rule of who sees whom (staff_scope.h) as a SQL
 * condition on a person column, for the evaluation reads and lists that
 * filter many rows at once; a single person is checked with
 * staff_person_seen. */
#ifndef TERSA_EVALS_SEEN_H
#define TERSA_EVALS_SEEN_H

#include <stdint.h>

#include "domain/org/actor.h"

/* The values bound to PERSON_SEEN_SQL(col): (0,0,0,0) for an actor that
 * sees everyone (admin, hq, the system; who may be NULL), else (1, user id,
 * 1 for a store manager else 0, user id). */
void evals_scope(const struct actor *who, int64_t v[4]);

/* The person in col is seen by the actor: themselves, everyone for admin
 * and hq, the people sharing a store for a store manager. Four ? bound from
 * evals_scope. */
#define PERSON_SEEN_SQL(col)                                                    \
	" (? = 0 OR " col " = ? OR (? = 1 AND " col " IN (SELECT us.user_id"      \
	" FROM user_stores us JOIN user_stores mine ON mine.store_id = us.store_id" \
	" WHERE mine.user_id = ?))) "

#endif
