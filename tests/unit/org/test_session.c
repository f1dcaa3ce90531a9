/* test_session.c: sessions (absolute and idle expiry, the once-a-minute
 * refresh, disabled users), login throttling per username and per address,
 * managers' approvals (throttled and audited), pruning failed logins, the
 * CSRF token, the password policy and roles, on a fresh migrated SQLite
 * database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/timeutil.h"
#include "db/db.h"
#include "domain/org/session.h"
#include "domain/org/user.h"
#include "domain/org/idem.h"
#include "tmpdb.h"

#define PASSWORD "Correct-horse-2026"

struct fx {
	struct tmpdb tmp;
	struct db *db;
	struct arena *a;
	char token[65];
};

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	struct err e;
	err_init(&e);
	if (tmpdb_make(&f->tmp, "auth") < 0)
		return -1;
	if (db_open(f->tmp.path, &f->db, &e) < 0 || db_migrate(f->db, NULL, &e) < 0)
		return -1;
	f->a = arena_new();
	struct user_input in = {.username = "cashier", .password = PASSWORD, .role = ROLE_HQ,
				.active = -1};
	struct user *u;
	if (user_create(f->db, f->a, NULL, &in, &u, &e) < 0)
		return -1;
	if (session_login(f->db, f->a, "cashier", PASSWORD, "127.0.0.1", f->token, &u, &e) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	db_close(f->db);
	arena_free(f->a);
	if (tmpdb_remove(&f->tmp) < 0)
		return -1;
	free(f);
	return 0;
}

/* Moves the session's clocks back by the given milliseconds. */
static void age_session(struct fx *f, int64_t created_ago, int64_t seen_ago)
{
	static const char sql[] =
		"UPDATE sessions SET created_at = created_at - ?, last_seen_at = last_seen_at - ?";
	struct err e;
	err_init(&e);
	assert_int_equal(db_run(db_query(f->db, &e, sql, "ii", created_ago, seen_ago), &e), 0);
}

/* The first column of the first row of sql. */
static int64_t scalar(struct fx *f, const char *sql)
{
	struct err e;
	err_init(&e);
	struct db_stmt *st = db_query(f->db, &e, sql, "");
	assert_int_equal(db_step(st, &e), DB_ROW);
	int64_t v = db_col_int64(st, 0);
	db_reset(st);
	return v;
}

static int64_t last_seen(struct fx *f)
{
	return scalar(f, "SELECT last_seen_at FROM sessions");
}

static int check(struct fx *f)
{
	struct err e;
	struct user *u;
	err_init(&e);
	return session_resolve(f->db, f->a, f->token, &u, &e);
}

static void test_session_valid_and_refreshed(void **state)
{
	struct fx *f = *state;
	assert_int_equal(check(f), 0);
	/* within a minute nothing is written */
	age_session(f, 30000, 30000);
	int64_t before = last_seen(f);
	assert_int_equal(check(f), 0);
	assert_int_equal(last_seen(f), before);
	/* past a minute the idle clock is refreshed */
	age_session(f, 60000, 60000);
	before = last_seen(f);
	assert_int_equal(check(f), 0);
	assert_true(last_seen(f) > before + 60000);
}

static void test_session_idle_expiry(void **state)
{
	struct fx *f = *state;
	age_session(f, SESSION_IDLE_MS + 1000, SESSION_IDLE_MS + 1000);
	assert_int_equal(check(f), ERR_UNAUTHORIZED);
	/* the session is gone, not just refused */
	age_session(f, -(SESSION_IDLE_MS + 1000), -(SESSION_IDLE_MS + 1000));
	assert_int_equal(check(f), ERR_UNAUTHORIZED);
}

static void test_session_absolute_expiry(void **state)
{
	struct fx *f = *state;
	/* active all along (seen a second ago), but older than 12 hours */
	age_session(f, SESSION_MAX_MS + 1000, 1000);
	assert_int_equal(check(f), ERR_UNAUTHORIZED);
}

static void test_prune_sessions(void **state)
{
	struct fx *f = *state;
	struct err e;
	struct user *u;
	char t2[65], t3[65];
	err_init(&e);
	/* three sessions: this one, one idle too long, one too old */
	assert_int_equal(session_login(f->db, f->a, "cashier", PASSWORD, "127.0.0.1", t2, &u, &e), 0);
	assert_int_equal(session_login(f->db, f->a, "cashier", PASSWORD, "127.0.0.1", t3, &u, &e), 0);
	int64_t now = ts_now_ms();
	assert_int_equal(db_run(db_query(f->db, &e, "UPDATE sessions SET last_seen_at = ? "
				"WHERE token_hash <> (SELECT MIN(token_hash) FROM sessions)", "i",
				now - SESSION_IDLE_MS - 1000), &e), 0);
	assert_int_equal(db_run(db_query(f->db, &e, "UPDATE sessions SET created_at = ? "
				"WHERE token_hash = (SELECT MAX(token_hash) FROM sessions)", "i",
				now - SESSION_MAX_MS - 1000), &e), 0);
	int64_t n = -1;
	assert_int_equal(session_prune(f->db, now, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM sessions"), 1);
	assert_int_equal(session_prune(f->db, now, &n, &e), 0);
	assert_int_equal(n, 0);
}

static void test_prune_idempotency_keys(void **state)
{
	struct fx *f = *state;
	struct err e;
	err_init(&e);
	int64_t now = ts_now_ms();
	/* 5 keys past the keeping time, 2 just within it */
	for (int i = 0; i < 7; i++) {
		char key[16];
		snprintf(key, sizeof key, "k%d", i);
		int64_t at = i < 5 ? now - IDEM_KEEP_MS - 1000 * (i + 1) : now - IDEM_KEEP_MS + 60000;
		assert_int_equal(db_run(db_query(f->db, &e, "INSERT INTO idempotency_keys "
					"(user_id, key, request_hash, created_at) VALUES (1, ?, 'h', ?)",
					"ti", key, at), &e), 0);
	}
	int64_t n = -1;
	/* in slices, oldest first */
	assert_int_equal(idem_prune(f->db, now - IDEM_KEEP_MS, 3, &n, &e), 0);
	assert_int_equal(n, 3);
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM idempotency_keys WHERE key IN ('k2','k3','k4')"), 0);
	assert_int_equal(idem_prune(f->db, now - IDEM_KEEP_MS, 3, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_int_equal(idem_prune(f->db, now - IDEM_KEEP_MS, 3, &n, &e), 0);
	assert_int_equal(n, 0);
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM idempotency_keys"), 2);
	/* kept at least 30 days */
	assert_true(IDEM_KEEP_MS >= 30LL * 24 * 3600 * 1000);
}

static void test_session_bad_tokens(void **state)
{
	struct fx *f = *state;
	struct err e;
	struct user *u;
	char other[65];
	memcpy(other, f->token, 65);
	other[0] = other[0] == 'a' ? 'b' : 'a';
	err_init(&e);
	assert_int_equal(session_resolve(f->db, f->a, other, &u, &e), ERR_UNAUTHORIZED);
	err_init(&e);
	assert_int_equal(session_resolve(f->db, f->a, "short", &u, &e), ERR_UNAUTHORIZED);
	/* only a hash of the token is stored */
	static const char sql[] = "SELECT COUNT(*) FROM sessions WHERE token_hash = ?";
	err_init(&e);
	struct db_stmt *st = db_query(f->db, &e, sql, "t", f->token);
	assert_int_equal(db_step(st, &e), DB_ROW);
	assert_int_equal(db_col_int64(st, 0), 0);
	db_reset(st);
}

static void test_disabled_user_loses_session(void **state)
{
	struct fx *f = *state;
	struct err e;
	struct user *u;
	err_init(&e);
	assert_int_equal(user_get_by_name(f->db, f->a, "cashier", &u, &e), 0);
	struct user_input off = {.active = 0};
	assert_int_equal(user_update(f->db, f->a, NULL, u->id, &off, &u, &e), 0);
	assert_int_equal(check(f), ERR_UNAUTHORIZED);
	char token[65];
	err_init(&e);
	assert_int_equal(session_login(f->db, f->a, "cashier", PASSWORD, "127.0.0.1", token, &u, &e),
			 ERR_UNAUTHORIZED);
}

static void test_login_throttle(void **state)
{
	struct fx *f = *state;
	struct err e;
	struct user *u;
	char token[65];
	for (int i = 0; i < LOGIN_MAX_FAILURES; i++) {
		err_init(&e);
		assert_int_equal(session_login(f->db, f->a, "cashier", "wrong-password-1", "10.0.0.1",
					    token, &u, &e),
				 ERR_UNAUTHORIZED);
	}
	/* now even the right password is refused until the window passes */
	err_init(&e);
	assert_int_equal(session_login(f->db, f->a, "cashier", PASSWORD, "10.0.0.1", token, &u, &e),
			 ERR_TOO_MANY);
	static const char sql[] = "UPDATE login_failures SET at = at - ?";
	err_init(&e);
	assert_int_equal(db_run(db_query(f->db, &e, sql, "i", LOGIN_WINDOW_MS + 1000), &e), 0);
	err_init(&e);
	assert_int_equal(session_login(f->db, f->a, "cashier", PASSWORD, "10.0.0.1", token, &u, &e), 0);
}

static void test_login_throttle_per_address(void **state)
{
	struct fx *f = *state;
	struct err e;
	struct user *u;
	char token[65], name[32];
	/* failures for many usernames from one address */
	for (int i = 0; i < LOGIN_MAX_PER_ADDRESS; i++) {
		snprintf(name, sizeof name, "nobody%d", i);
		err_init(&e);
		assert_int_equal(session_login(f->db, f->a, name, "wrong-password-1", "10.0.0.9",
					       token, &u, &e),
				 ERR_UNAUTHORIZED);
	}
	err_init(&e);
	assert_int_equal(session_login(f->db, f->a, "cashier", PASSWORD, "10.0.0.9", token, &u, &e),
			 ERR_TOO_MANY);
	/* another address is not held up; a refused attempt is not kept */
	int64_t before = scalar(f, "SELECT COUNT(*) FROM login_failures");
	err_init(&e);
	assert_int_equal(session_login(f->db, f->a, "cashier", PASSWORD, "10.0.0.10", token, &u, &e), 0);
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM login_failures"), before);
	/* housekeeping drops failures past the window */
	int64_t n = -1;
	err_init(&e);
	assert_int_equal(session_prune_failures(f->db, ts_now_ms(), &n, &e), 0);
	assert_int_equal(n, 0);
	assert_int_equal(session_prune_failures(f->db, ts_now_ms() + LOGIN_WINDOW_MS + 1, &n, &e), 0);
	assert_int_equal(n, before);
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM login_failures"), 0);
}

static void test_approve(void **state)
{
	struct fx *f = *state;
	struct err e;
	struct user *u = NULL, *cashier;
	err_init(&e);
	assert_int_equal(user_get_by_name(f->db, f->a, "cashier", &cashier, &e), 0);
	struct actor who = {cashier, "10.0.0.7"};
	/* wrong passwords and unknown approvers: refused and audited */
	for (int i = 0; i < LOGIN_MAX_FAILURES; i++) {
		err_init(&e);
		assert_int_equal(session_approve(f->db, f->a, &who, "cashier", "wrong-password-1", &u, &e),
				 ERR_UNAUTHORIZED);
	}
	err_init(&e);
	assert_int_equal(session_approve(f->db, f->a, &who, "cashier", PASSWORD, &u, &e), ERR_TOO_MANY);
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'approve' "
				"AND after_json LIKE '%wrong password%'"), LOGIN_MAX_FAILURES);
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'approve' "
				"AND after_json LIKE '%throttled%'"), 1);
	/* the same throttle as login */
	char token[65];
	err_init(&e);
	assert_int_equal(session_login(f->db, f->a, "cashier", PASSWORD, "10.0.0.8", token, &u, &e),
			 ERR_TOO_MANY);
	/* after the window: the right password approves, audited as ok */
	err_init(&e);
	assert_int_equal(db_run(db_query(f->db, &e, "UPDATE login_failures SET at = at - ?", "i",
					 LOGIN_WINDOW_MS + 1000), &e), 0);
	assert_int_equal(session_approve(f->db, f->a, &who, "cashier", PASSWORD, &u, &e), 0);
	assert_string_equal(u->username, "cashier");
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'approve' "
				"AND after_json LIKE '%\"ok\"%'"), 1);
	err_init(&e);
	assert_int_equal(session_approve(f->db, f->a, &who, "no-such-user", PASSWORD, &u, &e),
			 ERR_UNAUTHORIZED);
}

static void test_csrf_and_policy(void **state)
{
	(void)state;
	char a[65], b[65], c[65];
	session_csrf_token("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", a);
	session_csrf_token("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", b);
	session_csrf_token("1123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", c);
	assert_int_equal(strlen(a), 64);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	struct err e;
	err_init(&e);
	assert_int_equal(password_check("short", "password", &e), -1);
	assert_int_equal(password_check("十二个汉字的密码可以用吗可以", "password", &e), 0);
	char long_pw[200];
	memset(long_pw, 'x', 129);
	long_pw[129] = 0;
	assert_int_equal(password_check(long_pw, "password", &e), -1);
	assert_int_equal(role_parse("store_manager"), ROLE_STORE_MANAGER);
	assert_int_equal(role_parse("root"), 0);
	assert_string_equal(role_name(ROLE_SERVICE), "service");
}

/* The interactive cost unless TERSA_PWHASH=min; a hash verifies whatever
 * the setting is when it is checked. */
static void test_password_hash_cost(void **state)
{
	(void)state;
	const char *saved = getenv("TERSA_PWHASH");
	char *keep = saved ? strdup(saved) : NULL;
	char real[128], cheap[128];
	unsetenv("TERSA_PWHASH");
	assert_int_equal(password_hash("correct horse", real), 0);
	assert_non_null(strstr(real, "$argon2id$v=19$m=65536,t=2,p=1$"));
	setenv("TERSA_PWHASH", "minimal", 1); /* only "min" lowers it */
	assert_int_equal(password_hash("correct horse", real), 0);
	assert_non_null(strstr(real, "$m=65536,t=2,p=1$"));
	setenv("TERSA_PWHASH", "min", 1);
	assert_int_equal(password_hash("correct horse", cheap), 0);
	assert_non_null(strstr(cheap, "$argon2id$v=19$m=8,t=1,p=1$"));
	assert_true(password_verify(real, "correct horse"));
	assert_false(password_verify(real, "correct horsE"));
	assert_true(password_verify(cheap, "correct horse"));
	assert_false(password_verify(cheap, "wrong"));
	if (keep) {
		setenv("TERSA_PWHASH", keep, 1);
		free(keep);
	} else {
		unsetenv("TERSA_PWHASH");
	}
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_session_valid_and_refreshed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_idle_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_absolute_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_bad_tokens, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disabled_user_loses_session, setup, teardown),
		cmocka_unit_test_setup_teardown(test_login_throttle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_login_throttle_per_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_approve, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prune_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prune_idempotency_keys, setup, teardown),
		cmocka_unit_test(test_csrf_and_policy),
		cmocka_unit_test(test_password_hash_cost),
	};
	return cmocka_run_group_tests_name("session", tests, NULL, NULL);
}
