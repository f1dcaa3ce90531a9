/* auth.c: roles, Argon2id password hashes, login with throttling, sessions
 * with absolute and idle expiry, and the users they belong to. */
#include "domain/org/auth.h"

#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "base/buf.h"
#include "base/jx.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "db/page.h"
#include "domain/org/audit.h"

const char *const role_names[] = {
#define X(n, s, b) s,
	ROLE_MAP(X)
#undef X
	NULL};

const char *role_name(int role)
{
#define X(n, s, b) if (role == b) return s;
	ROLE_MAP(X)
#undef X
	return NULL;
}

int role_parse(const char *name)
{
#define X(n, s, b) if (name && strcmp(name, s) == 0) return b;
	ROLE_MAP(X)
#undef X
	return 0;
}

int user_sees_store(const struct user *u, int64_t store_id)
{
	if (!(u->role & ROLE_STORE_BOUND))
		return 1;
	for (int i = 0; i < u->nstores; i++)
		if (u->store_ids[i] == store_id)
			return 1;
	return 0;
}

int actor_sees_store(const struct actor *who, int64_t store_id)
{
	return !who || !who->user || user_sees_store(who->user, store_id);
}

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
static void token_hash(const char *token, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(out, 65, h, sizeof h);
}

void auth_csrf_token(const char *token, char *out)
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

static int load_store_ids(struct db *db, struct arena *a, struct user *u,
			  struct err *e)
{
	static const char sql[] =
		"SELECT store_id FROM user_stores WHERE user_id = ? ORDER BY store_id";
	struct db_stmt *st = db_query(db, e, sql, "i", u->id);
	if (!st)
		return e->code;
	int cap = 4, rc;
	u->store_ids = arena_calloc(a, (size_t)cap, sizeof *u->store_ids);
	u->nstores = 0;
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (u->nstores == cap) {
			int64_t *n = arena_calloc(a, (size_t)cap * 2, sizeof *n);
			memcpy(n, u->store_ids, sizeof *n * (size_t)cap);
			u->store_ids = n;
			cap *= 2;
		}
		u->store_ids[u->nstores++] = db_col_int64(st, 0);
	}
	return rc < 0 ? rc : 0;
}

#define USER_COLS "u.id, u.username, u.display_name, u.role, u.active, u.created_at, u.updated_at"

/* Reads USER_COLS starting at column `c`. */
static struct user *user_from_row(struct db_stmt *st, struct arena *a, int c)
{
	struct user *u = arena_alloc(a, sizeof *u);
	u->id = db_col_int64(st, c);
	u->username = arena_strdup(a, db_col_text(st, c + 1));
	u->display_name = arena_strdup(a, db_col_text(st, c + 2));
	u->role = role_parse(db_col_text(st, c + 3));
	u->active = (int)db_col_int64(st, c + 4);
	u->created_at = db_col_int64(st, c + 5);
	u->updated_at = db_col_int64(st, c + 6);
	return u;
}

int user_get(struct db *db, struct arena *a, int64_t id, struct user **out,
	     struct err *e)
{
	static const char sql[] = "SELECT " USER_COLS " FROM users u WHERE u.id = ?";
	struct db_stmt *st = db_query(db, e, sql, "i", id);
	if (!st)
		return e->code;
	int rc = db_step(st, e);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return err_set(e, ERR_NOT_FOUND, "no user %lld", (long long)id);
	struct user *u = user_from_row(st, a, 0);
	db_reset(st);
	if ((rc = load_store_ids(db, a, u, e)) < 0)
		return rc;
	*out = u;
	return 0;
}

int user_get_by_name(struct db *db, struct arena *a, const char *username,
		     struct user **out, struct err *e)
{
	static const char sql[] = "SELECT u.id FROM users u WHERE u.username = ?";
	struct db_stmt *st = db_query(db, e, sql, "t", username);
	if (!st)
		return e->code;
	int rc = db_step(st, e);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return err_set(e, ERR_NOT_FOUND, "no user %s", username);
	int64_t id = db_col_int64(st, 0);
	db_reset(st);
	return user_get(db, a, id, out, e);
}

int64_t user_count(struct db *db, struct err *e)
{
	static const char sql[] = "SELECT COUNT(*) FROM users";
	struct db_stmt *st = db_query(db, e, sql, "");
	if (!st)
		return e->code;
	int rc = db_step(st, e);
	if (rc < 0)
		return rc;
	int64_t n = db_col_int64(st, 0);
	db_reset(st);
	return n;
}

json_t *user_to_json(const struct user *u)
{
	json_t *ids = json_array();
	for (int i = 0; i < u->nstores; i++)
		json_array_append_new(ids, json_integer(u->store_ids[i]));
	return json_pack("{s:I,s:s,s:s,s:s,s:o,s:b,s:o,s:o}",
			 "id", (json_int_t)u->id, "username", u->username,
			 "display_name", u->display_name,
			 "role", role_name(u->role) ? role_name(u->role) : "",
			 "store_ids", ids, "active", u->active,
			 "created_at", jx_time(u->created_at),
			 "updated_at", jx_time(u->updated_at));
}

/* ---- login and sessions ---- */

static int record_failure(struct db *db, const char *username, const char *ip,
			  int64_t now, struct err *e)
{
	static const char sql[] =
		"INSERT INTO login_failures (username, at, ip) VALUES (?, ?, ?)";
	return db_write(db, e, sql, "tit", username, now, ip);
}

int auth_login(struct db *db, struct arena *a, const char *username,
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
	token_hash(token_out, th);
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

int auth_session(struct db *db, struct arena *a, const char *token,
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
	token_hash(token, th);
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
	if ((u->role & ROLE_STORE_BOUND) && (rc = load_store_ids(db, a, u, e)) < 0)
		return rc;
	*user_out = u;
	return 0;
}

int auth_logout(struct db *db, const char *token, struct err *e)
{
	static const char sql[] = "DELETE FROM sessions WHERE token_hash = ?";
	char th[65];
	token_hash(token, th);
	return db_write(db, e, sql, "t", th);
}

/* ---- users ---- */

static int username_valid(const char *s)
{
	size_t n = strlen(s);
	if (n < 3 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(islower(c) || isdigit(c) || c == '.' || c == '_' || c == '-' || c == '@'))
			return 0;
	}
	return 1;
}

/* Checks role and stores together: store-bound roles need at least one
 * existing store; other roles have none. */
static void check_stores(struct db *db, int role, const int64_t *ids, int n,
			 struct err *e)
{
	static const char sql[] = "SELECT 1 FROM stores WHERE id = ?";
	if ((role & ROLE_STORE_BOUND) && n == 0) {
		err_field(e, "store_ids", "a %s needs at least one store", role_name(role));
		return;
	}
	if (!(role & ROLE_STORE_BOUND) && n > 0) {
		err_field(e, "store_ids", "only store_manager and sales users have stores");
		return;
	}
	for (int i = 0; i < n; i++) {
		struct db_stmt *st = db_query(db, e, sql, "i", ids[i]);
		if (!st)
			return;
		int rc = db_step(st, e);
		db_reset(st);
		if (rc == DB_DONE) {
			err_field(e, "store_ids", "store %lld does not exist", (long long)ids[i]);
			return;
		}
	}
}

static int set_stores(struct db *db, int64_t user_id, const int64_t *ids, int n,
		      struct err *e)
{
	static const char sql_del[] = "DELETE FROM user_stores WHERE user_id = ?";
	static const char sql_ins[] =
		"INSERT INTO user_stores (user_id, store_id) VALUES (?, ?) "
		"ON CONFLICT (user_id, store_id) DO NOTHING";
	struct db_stmt *st = db_query(db, e, sql_del, "i", user_id);
	if (!st || db_run(st, e) < 0)
		return e->code;
	for (int i = 0; i < n; i++)
		if (!(st = db_query(db, e, sql_ins, "ii", user_id, ids[i])) || db_run(st, e) < 0)
			return e->code;
	return 0;
}

static int64_t active_admins(struct db *db, struct err *e)
{
	static const char sql[] = "SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1";
	struct db_stmt *st = db_query(db, e, sql, "");
	if (!st || db_step(st, e) < 0)
		return -1;
	int64_t n = db_col_int64(st, 0);
	db_reset(st);
	return n;
}

int user_create(struct db *db, struct arena *a, const struct actor *who,
		const struct user_input *in, struct user **out, struct err *e)
{
	static const char sql[] =
		"INSERT INTO users (username, password_hash, display_name, role, active, "
		"created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?) RETURNING id";
	static const char sql_exists[] = "SELECT 1 FROM users WHERE username = ?";
	if (!in->username || !username_valid(in->username))
		err_field(e, "username", "must be 3 to 64 characters of a-z, 0-9, '.', '_', '-', '@'");
	password_check(in->password, "password", e);
	if (!in->role)
		err_field(e, "role", "must be one of: admin, hq, store_manager, sales, service");
	else
		check_stores(db, in->role, in->store_ids, in->nstores, e);
	if (err_fields_done(e))
		return e->code;

	char hash[crypto_pwhash_STRBYTES];
	if (password_hash(in->password, hash) < 0)
		return err_set(e, ERR_INTERNAL, "password hashing failed (out of memory?)");
	int64_t now = ts_now_ms();
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	struct db_stmt *st = db_query(db, e, sql_exists, "t", in->username);
	if (!st || (rc = db_step(st, e)) < 0)
		goto fail;
	db_reset(st);
	if (rc == DB_ROW) {
		err_field(e, "username", "is taken");
		err_set(e, ERR_DUPLICATE, "username %s is taken", in->username);
		goto fail;
	}
	const char *display = in->display_name ? in->display_name : in->username;
	if (!(st = db_query(db, e, sql, "ttttii", in->username, hash, display,
			    role_name(in->role), now, now)) ||
	    db_step(st, e) != DB_ROW)
		goto fail;
	int64_t id = db_col_int64(st, 0);
	db_reset(st);
	if (set_stores(db, id, in->store_ids, in->nstores, e) < 0)
		goto fail;
	struct user *u;
	if (user_get(db, a, id, &u, e) < 0)
		goto fail;
	json_t *after = user_to_json(u);
	rc = audit_add(db, who, "create", "user", id, 0, NULL, after, e);
	json_decref(after);
	if (rc < 0 || db_commit(db, e) < 0)
		goto fail;
	*out = u;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

int user_update(struct db *db, struct arena *a, const struct actor *who,
		int64_t id, const struct user_input *in, struct user **out,
		struct err *e)
{
	static const char sql[] =
		"UPDATE users SET display_name = ?, role = ?, active = ?, updated_at = ? WHERE id = ?";
	static const char sql_pw[] =
		"UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?";
	static const char sql_end[] = "DELETE FROM sessions WHERE user_id = ?";
	char hash[crypto_pwhash_STRBYTES];
	if (in->password && password_check(in->password, "password", e) == 0 &&
	    password_hash(in->password, hash) < 0)
		return err_set(e, ERR_INTERNAL, "password hashing failed (out of memory?)");
	if (err_fields_done(e))
		return e->code;
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	struct user *old, *u;
	if (user_get(db, a, id, &old, e) < 0)
		goto fail;
	int role = in->role ? in->role : old->role;
	int active = in->active >= 0 ? in->active : old->active;
	if (in->has_store_ids || role != old->role) {
		const int64_t *ids = in->has_store_ids ? in->store_ids : old->store_ids;
		int n = in->has_store_ids ? in->nstores : old->nstores;
		check_stores(db, role, ids, n, e);
		if (err_fields_done(e))
			goto fail;
		if (set_stores(db, id, ids, n, e) < 0)
			goto fail;
	}
	if (old->role == ROLE_ADMIN && old->active && (role != ROLE_ADMIN || !active) &&
	    active_admins(db, e) <= 1) {
		err_set(e, ERR_STATE, "the last active admin cannot be disabled or given another role");
		goto fail;
	}
	struct db_stmt *st = db_query(db, e, sql, "ttiii",
		in->display_name ? in->display_name : old->display_name,
		role_name(role), (int64_t)active, ts_now_ms(), id);
	if (!st || db_run(st, e) < 0)
		goto fail;
	if (in->password) {
		if (!(st = db_query(db, e, sql_pw, "tii", hash, ts_now_ms(), id)) || db_run(st, e) < 0)
			goto fail;
	}
	/* Disabling or a new password ends the user's sessions. */
	if (in->password || !active) {
		if (!(st = db_query(db, e, sql_end, "i", id)) || db_run(st, e) < 0)
			goto fail;
	}
	if (user_get(db, a, id, &u, e) < 0)
		goto fail;
	json_t *before = user_to_json(old), *after = user_to_json(u);
	if (in->password)
		json_object_set_new(after, "password", json_string("(changed)"));
	rc = audit_add(db, who, "update", "user", id, 0, before, after, e);
	json_decref(before);
	json_decref(after);
	if (rc < 0 || db_commit(db, e) < 0)
		goto fail;
	*out = u;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

int user_list(struct db *db, struct arena *a, const char *q, int role,
	      int64_t after_id, int limit, struct user ***out, int *n,
	      int *more, struct err *e)
{
	static const char sql[] =
		"SELECT " USER_COLS " FROM users u WHERE u.id > ? "
		"AND (CAST(? AS TEXT) IS NULL OR lower(u.username) LIKE ? ESCAPE '\\' "
		"     OR lower(u.display_name) LIKE ? ESCAPE '\\') "
		"AND (CAST(? AS TEXT) IS NULL OR u.role = ?) ORDER BY u.id LIMIT ?";
	const char *pat = db_like_pattern(a, q);
	const char *rn = role ? role_name(role) : NULL;
	struct page pg;
	page_init(&pg, a, limit, sizeof(struct user *));
	struct db_stmt *st = db_query(db, e, sql, "ittttti", after_id, pat, pat, pat,
				      rn, rn, page_fetch(&pg));
	if (!st)
		return db_fail(e);
	int rc;
	while ((rc = page_step(&pg, st, e)) == DB_ROW)
		*(struct user **)page_add(&pg) = user_from_row(st, a, 0);
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	struct user **list = pg.rows;
	int cnt = pg.n;
	*more = pg.more;
	for (int i = 0; i < cnt; i++)
		if ((rc = load_store_ids(db, a, list[i], e)) < 0)
			return rc;
	*out = list;
	*n = cnt;
	return 0;
}

int user_change_password(struct db *db, const struct actor *who,
			 const char *current, const char *next,
			 const char *keep_token, struct err *e)
{
	static const char sql_get[] = "SELECT password_hash FROM users WHERE id = ?";
	static const char sql_set[] =
		"UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?";
	static const char sql_end[] = "DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?";
	int64_t id = who->user->id;
	struct db_stmt *st = db_query(db, e, sql_get, "i", id);
	if (!st)
		return e->code;
	int rc = db_step(st, e);
	if (rc != DB_ROW)
		return rc < 0 ? rc : err_set(e, ERR_NOT_FOUND, "no such user");
	char hash[crypto_pwhash_STRBYTES];
	snprintf(hash, sizeof hash, "%s", db_col_text(st, 0));
	db_reset(st);
	if (!current || !password_verify(hash, current))
		err_field(e, "current_password", "is wrong");
	password_check(next, "password", e);
	if (err_fields_done(e))
		return e->code;
	if (password_hash(next, hash) < 0)
		return err_set(e, ERR_INTERNAL, "password hashing failed (out of memory?)");
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if (!(st = db_query(db, e, sql_set, "tii", hash, ts_now_ms(), id)) || db_run(st, e) < 0)
		goto fail;
	char th[65] = "";
	if (keep_token)
		token_hash(keep_token, th);
	if (!(st = db_query(db, e, sql_end, "it", id, th)) || db_run(st, e) < 0)
		goto fail;
	json_t *after = json_pack("{s:s}", "password", "(changed)");
	rc = audit_add(db, who, "update", "user", id, 0, NULL, after, e);
	json_decref(after);
	if (rc < 0 || db_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

int auth_prune(struct db *db, int64_t now, int64_t *deleted, struct err *e)
{
	static const char sql[] =
		"DELETE FROM sessions WHERE created_at < ? OR last_seen_at < ?";
	return db_write_count(db, e, deleted, sql, "ii", now - SESSION_MAX_MS,
			      now - SESSION_IDLE_MS);
}
