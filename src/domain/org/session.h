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
/* Failed attempts from one client address within the window, whatever the
 * usernames: a till behind one address has room, a guesser does not. */
#define LOGIN_MAX_PER_ADDRESS 50

/* Hashes with Argon2id (crypto_pwhash_str) at the interactive cost, or the
 * minimum with TERSA_PWHASH=min (tests); out needs 128 bytes. 0 or -1. */
int password_hash(const char *password, char *out);
int password_verify(const char *hash, const char *password); /* 1 ok, 0 no */
/* Checks the password policy; adds a field error under `field`. */
int password_check(const char *password, const char *field, struct err *e);

/* Login: records the attempt first, refusing it (ERR_TOO_MANY) when the
 * username has LOGIN_MAX_FAILURES or the address LOGIN_MAX_PER_ADDRESS
 * failures within LOGIN_WINDOW_MS, then checks the password in the same
 * time whether or not the user exists (ERR_UNAUTHORIZED; the attempt stays
 * recorded as a failure).
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
/* A manager's approval given with username and password (a discount above
 * the cashier's cap): the same throttle as login, per username and per the
 * actor's address, the same time for unknown users, and an audit row
 * ("approve", with the outcome) for every attempt. 0 with *out the approver
 * (in a; the caller checks role and stores), ERR_TOO_MANY, ERR_UNAUTHORIZED
 * (wrong password, unknown or disabled user), or another negative error. */
int session_approve(struct db *db, struct arena *a, const struct actor *who,
		    const char *username, const char *password, struct user **out,
		    struct err *e);
/* session_approve for a sale preview (a price shown while the cart changes,
 * re-sent with every change): throttled and audited the same when refused,
 * but an approval that holds writes no audit row; the sale itself audits
 * it. */
int session_approve_preview(struct db *db, struct arena *a, const struct actor *who,
			    const char *username, const char *password, struct user **out,
			    struct err *e);
/* Deletes failed attempts older than the throttle's window (housekeeping).
 * *deleted gets how many. 0 or negative. */
int session_prune_failures(struct db *db, int64_t now, int64_t *deleted, struct err *e);
/* The CSRF token that goes with a session token (derived, not stored):
 * out needs 65 bytes. */
void session_csrf_token(const char *token, char *out);
/* The stored form of a session token (hex SHA-256): out needs 65 bytes. */
void session_token_hash(const char *token, char *out);

#endif
