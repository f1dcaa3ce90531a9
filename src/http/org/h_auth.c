/* h_auth.c: login, logout and the current user (/me). */
#include <stdio.h>
#include <string.h>

#include "base/jx.h"
#include "base/timeutil.h"
#include "domain/org/session.h"
#include "domain/org/user.h"
#include "http/handlers.h"
#include "http/req.h"
#include "http/router.h"
#include "http/server.h"

int h_login(struct req *r)
{
	static const char *const allowed[] = {"username", "password", NULL};
	json_t *in;
	const char *username = NULL, *password = NULL;
	if (req_json(r, &in) < 0)
		return r->err.code;
	jx_no_unknown(in, allowed, &r->err);
	jx_str(in, "username", JX_REQUIRED | JX_NONEMPTY, 64, &username, &r->err);
	jx_str(in, "password", JX_REQUIRED, 1024, &password, &r->err);
	if (err_fields_done(&r->err))
		return r->err.code;
	char token[65];
	struct user *u;
	int rc = session_login(r->db, r->a, username, password, r->ip, token, &u, &r->err);
	if (rc < 0)
		return rc;
	char csrf[65];
	session_csrf_token(token, csrf);
	int64_t expires = ts_now_ms() + SESSION_MAX_MS;
	reply_header(r, "Set-Cookie",
		     arena_printf(r->a, "tersa_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s",
				  token, (long long)(SESSION_MAX_MS / 1000),
				  server_request_secure(r) ? "; Secure" : ""));
	json_t *out = json_pack("{s:s,s:s,s:o,s:o}", "token", token, "csrf_token", csrf,
				"expires_at", jx_time(expires), "user", user_to_json(u));
	return reply_json(r, 200, out);
}

int h_logout(struct req *r)
{
	int rc = session_logout(r->db, r->token, &r->err);
	if (rc < 0)
		return rc;
	reply_header(r, "Set-Cookie", server_request_secure(r)
		     ? "tersa_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure"
		     : "tersa_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	return reply_no_content(r);
}

/* The user with the permission codes of perms.def their role holds, which
 * the browser UI uses to build its navigation. */
int h_me_get(struct req *r)
{
	json_t *me = user_to_json(r->user), *perms = json_array();
	for (int p = 0; p < PERM__COUNT; p++)
		if (p != PERM_PUBLIC && perm_allows((enum perm)p, r->user->role))
			json_array_append_new(perms, json_string(perm_names[p]));
	json_object_set_new(me, "permissions", perms);
	return reply_json(r, 200, me);
}

/* Only the display name, and the password together with the current one. */
int h_me_patch(struct req *r)
{
	static const char *const allowed[] = {"display_name", "password", "current_password", NULL};
	json_t *in;
	const char *display = NULL, *password = NULL, *current = NULL;
	if (req_json(r, &in) < 0)
		return r->err.code;
	jx_no_unknown(in, allowed, &r->err);
	jx_str(in, "display_name", JX_NONEMPTY, 100, &display, &r->err);
	int has_pw = jx_str(in, "password", 0, 1024, &password, &r->err);
	jx_str(in, "current_password", 0, 1024, &current, &r->err);
	if (has_pw && !current)
		err_field(&r->err, "current_password", "is required to change the password");
	if (err_fields_done(&r->err))
		return r->err.code;
	if (has_pw) {
		int rc = user_change_password(r->db, &r->actor, current, password, r->token, &r->err);
		if (rc < 0)
			return rc;
	}
	if (display) {
		struct user_input ui = {.display_name = display, .active = -1};
		struct user *u;
		int rc = user_update(r->db, r->a, &r->actor, r->user->id, &ui, &u, &r->err);
		if (rc < 0)
			return rc;
		r->user = u;
	}
	struct user *u;
	int rc = user_get(r->db, r->a, r->user->id, &u, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, user_to_json(u));
}
