/* session.h: password hashing (Argon2id), login with throttling, sessions
 * with absolute and idle expiry. No HTTP here: callers pass what they parsed. */
#ifndef TERSA_SESSION_H
#define TERSA_SESSION_H

#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

#define PASSWORD_MIN 12
#define PASSWORD_MAX 128
#define SESSION_MAX_MS (12LL * 3600 * 1000)
#define SESSION_IDLE_MS (30LL * 60 * 1000)
#define LOGIN_MAX_FAILURES 10
#define LOGIN_WINDOW_MS (15LL * 60 * 1000)

/* Hashes with Argon2id (crypto_pwhash_str); out needs 128 bytes. 0 or -1. */
int password_hash(const char *password, char *out);
int password_verify(const char *hash, const char *password); /* 1 ok, 0 no */
/* Checks the password policy; adds a field error under `field`. */
int password_check(const char *password, const char *field, struct err *e);

/* Login: checks throttling (ERR_TOO_MANY), then the password in constant
 * time whether or not the user exists (ERR_UNAUTHORIZED, failure recorded).
 * On success creates a session and writes the 64-hex-char token to
 * token_out[65]; *user_out lives in arena a. */
int session_login(struct db *db, struct arena *a, const char *username,
		  const char *password, const char *ip, char *token_out,
		  struct user **user_out, struct err *e);
/* Resolves a token to its user, enforcing absolute and idle expiry and
 * refreshing last-seen (at most once a minute). ERR_UNAUTHORIZED if none. */
int session_resolve(struct db *db, struct arena *a, const char *token,
		    struct user **user_out, struct err *e);
int session_logout(struct db *db, const char *token, struct err *e);
/* Deletes the sessions expired at `now` (absolute or idle limit): they are
 * refused anyway, and a till that never logs out leaves one a day.
 * *deleted gets how many. 0 or negative. */
int session_prune(struct db *db, int64_t now, int64_t *deleted, struct err *e);
/* The CSRF token that goes with a session token (derived, not stored):
 * out needs 65 bytes. */
void session_csrf_token(const char *token, char *out);
/* The stored form of a session token (hex SHA-256): out needs 65 bytes. */
void session_token_hash(const char *token, char *out);

#endif
