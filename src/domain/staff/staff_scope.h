/* staff_scope.h: who sees whom in staff performance (one rule everywhere):
 * admin and hq see every person; a store manager sees the people who have a
 * store among theirs; everyone sees themselves. Also the list of people an
 * actor sees (GET /staff). */
#ifndef TERSA_STAFF_SCOPE_H
#define TERSA_STAFF_SCOPE_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

/* 1 when who sees user_id, 0 when not (or no such user), negative ERR_DB.
 * The system actor (no user) sees everyone. */
int staff_person_seen(struct db *db, const struct actor *who, int64_t user_id, struct err *e);

/* 1 when who manages people (admin, hq, store_manager or the system). */
int staff_is_manager(const struct actor *who);

/* The same check answering an error: 0 when seen, ERR_NOT_FOUND ("no person
 * N") when not, or a db error. */
int staff_person_check(struct db *db, const struct actor *who, int64_t user_id, struct err *e);

/* A person as GET /staff lists them. */
struct staff_person {
	int64_t id;
	const char *username;
	const char *display_name;
	const char *role;
	int active;
	int64_t *store_ids;
	int nstores;
};

/* The people who sees, ordered by id, after after_id, at most limit (*more
 * set when more follow). store_id 0: any, else only people of that store;
 * q: username or display name contains; role NULL: any. Two queries. */
int staff_people_list(struct db *db, struct arena *a, const struct actor *who,
		      int64_t store_id, const char *q, const char *role, int64_t after_id,
		      int limit, struct staff_person **out, int *n, int *more, struct err *e);

/* One person (ERR_NOT_FOUND when unseen) as JSON with `stores:[{id,name}]`.
 * Caller owns the result. */
int staff_person_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		     json_t **out, struct err *e);

json_t *staff_person_to_json(const struct staff_person *p);

#endif
