/* user.h: user administration: create, change, list, one's own password,
 * and the last-admin guard. */
#ifndef TERSA_USER_H
#define TERSA_USER_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

/* Users (admin). Lists are keyset-paginated by id. */
struct user_input {
	const char *username;
	const char *password;
	const char *display_name;
	int role;          /* 0: unchanged */
	int active;        /* -1: unchanged */
	int has_store_ids; /* 1 when store_ids given */
	int64_t *store_ids;
	int nstores;
};
int user_create(struct db *db, struct arena *a, const struct actor *who,
		const struct user_input *in, struct user **out, struct err *e);
int user_update(struct db *db, struct arena *a, const struct actor *who,
		int64_t id, const struct user_input *in, struct user **out,
		struct err *e);
int user_get(struct db *db, struct arena *a, int64_t id, struct user **out,
	     struct err *e);
int user_get_by_name(struct db *db, struct arena *a, const char *username,
		     struct user **out, struct err *e);
/* After `after_id`, at most limit users; *more set if there are more.
 * q: username or display name contains; role 0: any; store_id 0: any, else
 * only users assigned to that store. */
int user_list(struct db *db, struct arena *a, const char *q, int role, int64_t store_id,
	      int64_t after_id, int limit, struct user ***out, int *n,
	      int *more, struct err *e);
/* Changes one's own password, checking the current one; ends the user's
 * other sessions (all but keep_token's). */
int user_change_password(struct db *db, const struct actor *who,
			 const char *current, const char *next,
			 const char *keep_token, struct err *e);
/* Number of users (to create the first admin on an empty database);
 * negative on error. */
int64_t user_count(struct db *db, struct err *e);

/* The user as a JSON object without secrets (for replies and audit rows).
 * Caller owns the result. */
json_t *user_to_json(const struct user *u);

/* For session.c, which reads a user with its session in one query: the
 * columns of a user row (table alias u), the user read from them starting at
 * column c (in arena a), and its stores. */
#define USER_COLS "u.id, u.username, u.display_name, u.role, u.active, u.created_at, u.updated_at"
struct user *user_from_row(struct db_stmt *st, struct arena *a, int c);
int user_load_stores(struct db *db, struct arena *a, struct user *u,
		     struct err *e);

#endif
