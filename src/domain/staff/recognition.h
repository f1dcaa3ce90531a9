/* recognition.h: badges and notes of recognition a manager gives a person
 * of their team, shown on the person's page; seen by whoever sees the
 * person, removed by the giver or an administrator. */
#ifndef TERSA_RECOGNITION_H
#define TERSA_RECOGNITION_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

#define RECOGNITION_NOTE_MAX 500

/* top_seller customer_star team_player fast_learner service_hero milestone */
extern const char *const recognition_badges[];

struct recognition {
	int64_t id, user_id, store_id, given_by, at; /* store_id 0: none */
	const char *user_name, *given_by_name, *badge, *note;
};

struct recognition_filter {
	int64_t user_id, store_id; /* 0: any */
	int64_t before_id;         /* keyset, newest first; 0: from the newest */
	int limit;
};

json_t *recognition_to_json(const struct recognition *r);

/* who recognises user_id (active and seen by who, else a field error on
 * user_id) with a badge and a note of 1..500 characters; the
 * recognition's store is the person's first store who sees. Audited. */
int recognition_give(struct db *db, struct arena *a, const struct actor *who, int64_t user_id,
		     const char *badge, const char *note, int64_t now, struct recognition **out,
		     struct err *e);
/* A page of the recognitions of the people who sees, newest first; a
 * user_id who does not see: ERR_NOT_FOUND. */
int recognition_list(struct db *db, struct arena *a, const struct actor *who,
		     const struct recognition_filter *f, struct recognition ***out, int *n,
		     int *more, struct err *e);
/* Removes a recognition of a person who sees (else ERR_NOT_FOUND); only
 * its giver or an admin may (else ERR_FORBIDDEN). Audited. */
int recognition_delete(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		       struct err *e);

#endif
