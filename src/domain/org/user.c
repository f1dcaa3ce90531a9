/* user.c: user administration: accounts, their roles and stores, one's own
 * password, and the guard that keeps one active admin. */
#include "domain/org/user.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/jx.h"
#include "base/timeutil.h"
#include "db/page.h"
#include "domain/org/audit.h"
#include "domain/org/session.h"

int user_load_stores(struct db *db, struct arena *a, struct user *u,
			  struct err *e)
{
	static const char sql[] =
		"SELECT store_id FROM user_stores WHERE user_id = ? ORDER BY store_id";
	struct db_stmt *st = db_query(db, e, sql, "i", u->id);
	if (!st)
		return db_fail(e);
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

/* Reads USER_COLS starting at column `c`. */
struct user *user_from_row(struct db_stmt *st, struct arena *a, int c)
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
	int rc = db_get_row(st, "user", id, e);
	if (rc < 0)
		return rc;
	struct user *u = user_from_row(st, a, 0);
	db_reset(st);
	if ((rc = user_load_stores(db, a, u, e)) < 0)
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
		return db_fail(e);
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
		return db_fail(e);
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
		return db_fail(e);
	for (int i = 0; i < n; i++)
		if (!(st = db_query(db, e, sql_ins, "ii", user_id, ids[i])) || db_run(st, e) < 0)
			return db_fail(e);
	return 0;
}

/* Locks the active admins' rows for the rest of the transaction and counts
 * them. A no-op UPDATE locks on PostgreSQL (so two admins demoting each
 * other wait for one another, and the second counts after the first's
 * commit); SQLite's write transaction is already the only one. Negative on
 * error. */
static int64_t active_admins_locked(struct db *db, struct err *e)
{
	static const char sql_lock[] =
		"UPDATE users SET updated_at = updated_at WHERE role = 'admin' AND active = 1";
	static const char sql[] = "SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1";
	struct db_stmt *st = db_query(db, e, sql_lock, "");
	if (!st || db_run(st, e) < 0)
		return -1;
	if (!(st = db_query(db, e, sql, "")) || db_step(st, e) < 0)
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
	rc = audit_commit(db, who, "create", "user", id, 0, NULL, after, e);
	if (rc < 0)
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
	/* Lock the admins first (before the user's own row is read or locked):
	 * a change of role or of active may take the last one away. */
	int64_t admins = 0;
	if ((in->role || in->active >= 0) && (admins = active_admins_locked(db, e)) < 0)
		goto fail;
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
	    admins <= 1) {
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
	rc = audit_commit(db, who, "update", "user", id, 0, before, after, e);
	if (rc < 0)
		goto fail;
	*out = u;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

int user_list(struct db *db, struct arena *a, const char *q, int role, int64_t store_id,
	      int64_t after_id, int limit, struct user ***out, int *n,
	      int *more, struct err *e)
{
	static const char sql[] =
		"SELECT " USER_COLS " FROM users u WHERE u.id > ? "
		"AND (CAST(? AS TEXT) IS NULL OR lower(u.username) LIKE ? ESCAPE '\\' "
		"     OR lower(u.display_name) LIKE ? ESCAPE '\\') "
		"AND (CAST(? AS TEXT) IS NULL OR u.role = ?) "
		"AND (? = 0 OR EXISTS (SELECT 1 FROM user_stores us "
		"     WHERE us.user_id = u.id AND us.store_id = ?)) ORDER BY u.id LIMIT ?";
	const char *pat = db_like_pattern(a, q);
	const char *rn = role ? role_name(role) : NULL;
	struct page pg;
	page_init(&pg, a, limit, sizeof(struct user *));
	struct db_stmt *st = db_query(db, e, sql, "itttttiii", after_id, pat, pat, pat,
				      rn, rn, store_id, store_id, page_fetch(&pg));
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
		if ((rc = user_load_stores(db, a, list[i], e)) < 0)
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
		return db_fail(e);
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
		session_token_hash(keep_token, th);
	if (!(st = db_query(db, e, sql_end, "it", id, th)) || db_run(st, e) < 0)
		goto fail;
	json_t *after = json_pack("{s:s}", "password", "(changed)");
	rc = audit_commit(db, who, "update", "user", id, 0, NULL, after, e);
	if (rc < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}
