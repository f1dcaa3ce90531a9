/* auth.h: users, roles, password hashing (Argon2id), sessions and login
 * throttling. No HTTP here: callers pass what they parsed. */
#ifndef TERSA_AUTH_H
#define TERSA_AUTH_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"

/* Roles as bits, so a permission is a set of roles. */
#define ROLE_MAP(X)                                                            \
	X(ADMIN, "admin", 1)                                                   \
	X(HQ, "hq", 2)                                                         \
	X(STORE_MANAGER, "store_manager", 4)                                   \
	X(SALES, "sales", 8)                                                   \
	X(SERVICE, "service", 16)

enum role {
#define X(n, s, b) ROLE_##n = b,
	ROLE_MAP(X)
#undef X
};
#define ROLE_ALL (ROLE_ADMIN | ROLE_HQ | ROLE_STORE_MANAGER | ROLE_SALES | ROLE_SERVICE)
/* Roles that see only their assigned stores. */
#define ROLE_STORE_BOUND (ROLE_STORE_MANAGER | ROLE_SALES)

const char *role_name(int role);      /* NULL if unknown */
int role_parse(const char *name);     /* 0 if unknown */
extern const char *const role_names[]; /* NULL-terminated */

#define PASSWORD_MIN 12
#define PASSWORD_MAX 128
#define SESSION_MAX_MS (12LL * 3600 * 1000)
#define SESSION_IDLE_MS (30LL * 60 * 1000)
#define LOGIN_MAX_FAILURES 10
#define LOGIN_WINDOW_MS (15LL * 60 * 1000)

struct user {
	int64_t id;
	const char *username;
	const char *display_name;
	int role;
	int active;
	int64_t *store_ids; /* sorted */
	int nstores;
	int64_t created_at;
	int64_t updated_at;
};

/* Who is acting, for audit rows and scoping. user NULL = the system/CLI. */
struct actor {
	const struct user *user;
	const char *ip;
};

/* 1 if the user may see store_id: not store-bound, or assigned to it. */
int user_sees_store(const struct user *u, int64_t store_id);
/* The same for an actor; the system (no user) sees every store. */
int actor_sees_store(const struct actor *who, int64_t store_id);

/* Hashes with Argon2id (crypto_pwhash_str); out needs 128 bytes. 0 or -1. */
int password_hash(const char *password, char *out);
int password_verify(const char *hash, const char *password); /* 1 ok, 0 no */
/* Checks the password policy; adds a field error under `field`. */
int password_check(const char *password, const char *field, struct err *e);

/* Login: checks throttling (ERR_TOO_MANY), then the password in constant
 * time whether or not the user exists (ERR_UNAUTHORIZED, failure recorded).
 * On success creates a session and writes the 64-hex-char token to
 * token_out[65]; *user_out lives in arena a. */
int auth_login(struct db *db, struct arena *a, const char *username,
	       const char *password, const char *ip, char *token_out,
	       struct user **user_out, struct err *e);
/* Resolves a token to its user, enforcing absolute and idle expiry and
 * refreshing last-seen (at most once a minute). ERR_UNAUTHORIZED if none. */
int auth_session(struct db *db, struct arena *a, const char *token,
		 struct user **user_out, struct err *e);
int auth_logout(struct db *db, const char *token, struct err *e);
/* Deletes the sessions expired at `now` (absolute or idle limit): they are
 * refused anyway, and a till that never logs out leaves one a day.
 * *deleted gets how many. 0 or negative. */
int auth_prune(struct db *db, int64_t now, int64_t *deleted, struct err *e);
/* The CSRF token that goes with a session token (derived, not stored):
 * out needs 65 bytes. */
void auth_csrf_token(const char *token, char *out);

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
/* After `after_id`, at most limit users; *more set if there are more. */
int user_list(struct db *db, struct arena *a, const char *q, int role,
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

#endif
