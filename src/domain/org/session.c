/* session.c: Argon2id password hashes, login with throttling, and sessions
 * with absolute and idle expiry. */
#include "domain/org/session.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "base/timeutil.h"
#include "domain/org/audit.h"
#include "domain/org/user.h"

int password_hash(const char *password, char *out)
{
	return crypto_pwhash_str_alg(out, password, strlen(password),
				     crypto_pwhash_OPSLIMIT_INTERACTIVE,
				     crypto_pwhash_MEMLIMIT_INTERACTIVE,
				     crypto_pwhash_ALG_ARGON2ID13) == 0 ? 0 : -1;
}

int password_verify(const char *hash, const char *password)
{
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

int password_check(const char *password, const char *field, struct err *e)
{
	size_t n = password ? utf8_chars(password) : 0;
	if (n < PASSWORD_MIN || n > PASSWORD_MAX) {
		err_field(e, field, "must be %d to %d characters", PASSWORD_MIN, PASSWORD_MAX);
		return -1;
	}
	return 0;
}

/* Session tokens are 32 random bytes in hex; only their SHA-256 is stored. */
void session_token_hash(const char *token, char *out)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(out, 65, h, sizeof h);
}

void session_csrf_token(const char *token, char *out)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)"tersa-csrf:", 11);
	crypto_hash_sha256_update(&st, (const unsigned char *)token, strlen(token));
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(out, 65, h, sizeof h);
}

/* A hash to verify against when the user does not exist, so that a wrong
 * username costs the same time as a wrong password. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static void dummy_init(void)
{
	unsigned char rnd[16];
	char pw[33];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(pw, sizeof pw, rnd, sizeof rnd);
	if (password_hash(pw, dummy_hash) < 0)
		abort();
}

static int record_failure(struct db *db, const char *username, const char *ip,
			  int64_t now, struct err *e)
{
	static const char sql[] =
		"INSERT INTO login_failures (username, at, ip) VALUES (?, ?, ?)";
	return db_write(db, e, sql, "tit", username, now, ip);
}

int session_login(struct db *db, struct arena *a, const char *username,
	       const char *password, const char *ip, char *token_out,
	       struct user **user_out, struct err *e)
{
	static const char sql_failures[] =
		"SELECT COUNT(*) FROM login_failures WHERE username = ? AND at > ?";
	static const char sql_user[] =
		"SELECT u.id, u.password_hash, u.active FROM users u WHERE u.username = ?";
	static const char sql_session[] =
		"INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, ip) "
		"VALUES (?, ?, ?, ?, ?)";
	static const char sql_prune[] = "DELETE FROM login_failures WHERE at < ?";
	int64_t now = ts_now_ms();
	int rc;

	struct db_stmt *st = db_query(db, e, sql_failures, "ti", username, now - LOGIN_WINDOW_MS);
	if (!st)
		return e->code;
	if ((rc = db_step(st, e)) < 0)
		return rc;
	int64_t failures = db_col_int64(st, 0);
	db_reset(st);
	if (failures >= LOGIN_MAX_FAILURES)
		return err_set(e, ERR_TOO_MANY,
			       "too many failed logins for this user; try again later");

	char hash[crypto_pwhash_STRBYTES] = "";
	int64_t id = 0, active = 0;
	if (!(st = db_query(db, e, sql_user, "t", username)))
		return e->code;
	if ((rc = db_step(st, e)) < 0)
		return rc;
	if (rc == DB_ROW) {
		id = db_col_int64(st, 0);
		snprintf(hash, sizeof hash, "%s", db_col_text(st, 1) ? db_col_text(st, 1) : "");
		active = db_col_int64(st, 2);
	}
	db_reset(st);
	int ok;
	if (id) {
		ok = password_verify(hash, password);
	} else {
		pthread_once(&dummy_once, dummy_init);
		password_verify(dummy_hash, password);
		ok = 0;
	}
	if (!ok || !active) {
		if ((rc = record_failure(db, username, ip, now, e)) < 0)
			return rc;
		return err_set(e, ERR_UNAUTHORIZED, "wrong username or password");
	}

	unsigned char rnd[32];
	char th[65];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(token_out, 65, rnd, sizeof rnd);
	session_token_hash(token_out, th);
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if (!(st = db_query(db, e, sql_session, "tiiit", th, id, now, now, ip)) ||
	    db_run(st, e) < 0)
		goto fail;
	if (!(st = db_query(db, e, sql_prune, "i", now - LOGIN_WINDOW_MS)) || db_run(st, e) < 0)
		goto fail;
	struct user *u;
	if (user_get(db, a, id, &u, e) < 0)
		goto fail;
	struct actor who = {u, ip};
	if (audit_add(db, &who, "login", "user", id, 0, NULL, NULL, e) < 0)
		goto fail;
	if ((rc = db_commit(db, e)) < 0)
		return rc;
	*user_out = u;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

int session_resolve(struct db *db, struct arena *a, const char *token,
		 struct user **user_out, struct err *e)
{
	static const char sql[] =
		"SELECT s.created_at, s.last_seen_at, " USER_COLS
		" FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?";
	static const char sql_touch[] =
		"UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?";
	static const char sql_drop[] = "DELETE FROM sessions WHERE token_hash = ?";
	if (strlen(token) != 64)
		return err_set(e, ERR_UNAUTHORIZED, "invalid or expired session");
	char th[65];
	session_token_hash(token, th);
	struct db_stmt *st = db_query(db, e, sql, "t", th);
	if (!st)
		return e->code;
	int rc = db_step(st, e);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return err_set(e, ERR_UNAUTHORIZED, "invalid or expired session");
	int64_t created = db_col_int64(st, 0), seen = db_col_int64(st, 1);
	struct user *u = user_from_row(st, a, 2);
	db_reset(st);
	int64_t now = ts_now_ms();
	if (!u->active || now - created > SESSION_MAX_MS || now - seen > SESSION_IDLE_MS) {
		db_write(db, e, sql_drop, "t", th);
		err_init(e);
		return err_set(e, ERR_UNAUTHORIZED, "invalid or expired session");
	}
	/* Refresh the idle clock at most once a minute: reads stay reads. */
	if (now - seen > 60000) {
		if ((rc = db_write(db, e, sql_touch, "it", now, th)) < 0)
			return rc;
	}
	/* Only store-bound roles have stores (user_create and user_update keep it
	 * so): the others skip the query. */
	if ((u->role & ROLE_STORE_BOUND) && (rc = user_load_stores(db, a, u, e)) < 0)
		return rc;
	*user_out = u;
	return 0;
}

int session_logout(struct db *db, const char *token, struct err *e)
{
	static const char sql[] = "DELETE FROM sessions WHERE token_hash = ?";
	char th[65];
	session_token_hash(token, th);
	return db_write(db, e, sql, "t", th);
}

int session_prune(struct db *db, int64_t now, int64_t *deleted, struct err *e)
{
	static const char sql[] =
		"DELETE FROM sessions WHERE created_at < ? OR last_seen_at < ?";
	return db_write_count(db, e, deleted, sql, "ii", now - SESSION_MAX_MS,
			      now - SESSION_IDLE_MS);
}
