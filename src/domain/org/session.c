/* session.c: Argon2id password hashes, login and managers' approvals with
 * one throttle, and sessions with absolute and idle expiry. */
#include "domain/org/session.h"

#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "domain/org/audit.h"
#include "domain/org/user.h"

static pthread_once_t pwhash_warn_once = PTHREAD_ONCE_INIT;
static void pwhash_warn_min(void)
{
	log_warn("TERSA_PWHASH=min: new passwords are hashed at Argon2id's "
		 "minimum cost, for test servers only");
}

/* TERSA_PWHASH=min: Argon2id at its minimum cost, so that test suites that
 * log in thousands of times spend their time on what they test. Read at
 * every hash; anything else is the interactive cost. A hash records its own
 * cost, so verifying works whatever the setting is now. */
static int pwhash_min(void)
{
	const char *s = getenv("TERSA_PWHASH");
	if (!s || strcmp(s, "min") != 0)
		return 0;
	pthread_once(&pwhash_warn_once, pwhash_warn_min);
	return 1;
}

int password_hash(const char *password, char *out)
{
	int min = pwhash_min();
	return crypto_pwhash_str_alg(out, password, strlen(password),
				     min ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE,
				     min ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE,
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

/* Removes an attempt's row (it succeeded, or was refused unchecked). A
 * failure leaves the row, which then counts as a failure: logged only. */
static void attempt_forget(struct db *db, int64_t id)
{
	static const char sql[] = "DELETE FROM login_failures WHERE id = ?";
	struct err e;
	err_init(&e);
	if (db_write(db, &e, sql, "i", id) < 0)
		log_warn("login throttle: attempt %lld not cleared: %s", (long long)id, e.msg);
}

/* The throttle. Every attempt is written to login_failures before its
 * password is checked, so attempts that run at once count each other; the
 * row is removed again when the attempt succeeds or is refused unchecked.
 * ERR_TOO_MANY when the username or the address is over its limit; else 0
 * with the row's id in *id. */
static int attempt_begin(struct db *db, const char *username, const char *ip,
			 int64_t now, int64_t *id, struct err *e)
{
	static const char sql_add[] =
		"INSERT INTO login_failures (username, at, ip) VALUES (?, ?, ?) RETURNING id";
	static const char sql_count[] =
		"SELECT (SELECT COUNT(*) FROM login_failures WHERE username = ? AND at > ?), "
		"(SELECT COUNT(*) FROM login_failures WHERE ip = ? AND at > ?)";
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	struct db_stmt *st = db_query(db, e, sql_add, "tit", username, now, ip);
	if (!st || db_step(st, e) != DB_ROW) {
		db_rollback(db);
		return db_fail(e);
	}
	*id = db_col_int64(st, 0);
	db_reset(st);
	if ((rc = db_commit(db, e)) < 0)
		return rc;
	int64_t since = now - LOGIN_WINDOW_MS;
	if (!(st = db_query(db, e, sql_count, "titi", username, since, ip, since)) ||
	    db_step(st, e) != DB_ROW)
		return db_fail(e);
	int64_t by_user = db_col_int64(st, 0), by_ip = db_col_int64(st, 1);
	db_reset(st);
	/* Both counts include this attempt. */
	if (by_user > LOGIN_MAX_FAILURES || (ip && by_ip > LOGIN_MAX_PER_ADDRESS)) {
		attempt_forget(db, *id);
		if (by_user > LOGIN_MAX_FAILURES)
			return err_set(e, ERR_TOO_MANY,
				       "too many failed logins for this user; try again later");
		return err_set(e, ERR_TOO_MANY,
			       "too many failed logins from this address; try again later");
	}
	return 0;
}

/* Checks username and password in the same time whether or not the user
 * exists: 1 and the user's id in *id when they match an active user. */
static int credentials_ok(struct db *db, const char *username, const char *password,
			  int64_t *id, struct err *e)
{
	static const char sql_user[] =
		"SELECT u.id, u.password_hash, u.active FROM users u WHERE u.username = ?";
	char hash[crypto_pwhash_STRBYTES] = "";
	int64_t active = 0;
	*id = 0;
	struct db_stmt *st = db_query(db, e, sql_user, "t", username);
	if (!st)
		return db_fail(e);
	int rc = db_step(st, e);
	if (rc < 0)
		return rc;
	if (rc == DB_ROW) {
		*id = db_col_int64(st, 0);
		snprintf(hash, sizeof hash, "%s", db_col_text(st, 1) ? db_col_text(st, 1) : "");
		active = db_col_int64(st, 2);
	}
	db_reset(st);
	if (*id)
		return password_verify(hash, password) && active;
	pthread_once(&dummy_once, dummy_init);
	password_verify(dummy_hash, password);
	return 0;
}

int session_login(struct db *db, struct arena *a, const char *username,
		  const char *password, const char *ip, char *token_out,
		  struct user **user_out, struct err *e)
{
	static const char sql_session[] =
		"INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, ip) "
		"VALUES (?, ?, ?, ?, ?)";
	static const char sql_forget[] = "DELETE FROM login_failures WHERE id = ?";
	int64_t now = ts_now_ms(), attempt, id;
	int rc;

	if ((rc = attempt_begin(db, username, ip, now, &attempt, e)) < 0)
		return rc;
	if ((rc = credentials_ok(db, username, password, &id, e)) < 0)
		return rc;
	if (!rc)
		return err_set(e, ERR_UNAUTHORIZED, "wrong username or password");

	unsigned char rnd[32];
	char th[65];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(token_out, 65, rnd, sizeof rnd);
	session_token_hash(token_out, th);
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	struct db_stmt *st;
	if (!(st = db_query(db, e, sql_session, "tiiit", th, id, now, now, ip)) ||
	    db_run(st, e) < 0)
		goto fail;
	if (!(st = db_query(db, e, sql_forget, "i", attempt)) || db_run(st, e) < 0)
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

/* Audits an approval attempt: who asked, for which approver, and how it
 * ended. Outside any transaction; a failure to write is logged only. */
static void audit_approval(struct db *db, const struct actor *who, const char *username,
			   int64_t id, const char *outcome)
{
	struct err e;
	err_init(&e);
	json_t *after = json_pack("{s:s,s:s}", "approver", username, "outcome", outcome);
	if (audit_add(db, who, "approve", "user", id, 0, NULL, after, &e) < 0)
		log_warn("approval by %s: audit row not written: %s", username, e.msg);
	json_decref(after);
}

/* session_approve, with the audit row of a granted approval when audit_ok. */
static int approve(struct db *db, struct arena *a, const struct actor *who,
		   const char *username, const char *password, int audit_ok,
		   struct user **out, struct err *e)
{
	const char *ip = who ? who->ip : NULL;
	int64_t attempt, id;
	int rc = attempt_begin(db, username, ip, ts_now_ms(), &attempt, e);
	if (rc == ERR_TOO_MANY)
		audit_approval(db, who, username, 0, "throttled");
	if (rc < 0)
		return rc;
	if ((rc = credentials_ok(db, username, password, &id, e)) < 0)
		return rc;
	if (!rc) {
		audit_approval(db, who, username, id, "wrong password");
		return err_set(e, ERR_UNAUTHORIZED, "wrong approver or password");
	}
	attempt_forget(db, attempt);
	if ((rc = user_get(db, a, id, out, e)) < 0)
		return rc;
	if (audit_ok)
		audit_approval(db, who, username, id, "ok");
	return 0;
}

int session_approve(struct db *db, struct arena *a, const struct actor *who,
		    const char *username, const char *password, struct user **out,
		    struct err *e)
{
	return approve(db, a, who, username, password, 1, out, e);
}

int session_approve_preview(struct db *db, struct arena *a, const struct actor *who,
			    const char *username, const char *password, struct user **out,
			    struct err *e)
{
	return approve(db, a, who, username, password, 0, out, e);
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
		return db_fail(e);
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

int session_prune_failures(struct db *db, int64_t now, int64_t *deleted, struct err *e)
{
	static const char sql[] = "DELETE FROM login_failures WHERE at <= ?";
	return db_write_count(db, e, deleted, sql, "i", now - LOGIN_WINDOW_MS);
}
