/* h_users.c: user administration (admin only, per routes.def). */
#include <string.h>

#include "base/jx.h"
#include "domain/org/user.h"
#include "http/handlers.h"
#include "http/req.h"
#include "http/router.h"

/* A user is assigned to at most this many stores. */
#define USER_MAX_STORES 10000

/* Reads "store_ids": an array of positive integers, without duplicates. */
static void read_store_ids(struct req *r, json_t *in, struct user_input *ui)
{
	ui->has_store_ids = jx_ids(in, "store_ids", 0, USER_MAX_STORES, r->a,
				   &ui->store_ids, &ui->nstores, &r->err);
}

/* Reads the fields both create and update take. */
static void read_user(struct req *r, json_t *in, struct user_input *ui)
{
	const char *role = NULL;
	int active;
	jx_str(in, "password", 0, 1024, &ui->password, &r->err);
	jx_str(in, "display_name", JX_NONEMPTY, 100, &ui->display_name, &r->err);
	if (jx_enum(in, "role", 0, role_names, &role, &r->err))
		ui->role = role_parse(role);
	ui->active = -1;
	if (jx_bool(in, "active", 0, &active, &r->err))
		ui->active = active;
	read_store_ids(r, in, ui);
}

int h_users_create(struct req *r)
{
	static const char *const allowed[] = {"username", "password", "display_name",
					      "role", "store_ids", NULL};
	json_t *in;
	struct user_input ui = {0};
	if (req_json(r, &in) < 0)
		return r->err.code;
	jx_no_unknown(in, allowed, &r->err);
	jx_str(in, "username", JX_REQUIRED, 64, &ui.username, &r->err);
	if (!json_object_get(in, "password") || json_is_null(json_object_get(in, "password")))
		err_field(&r->err, "password", "is required");
	if (!json_object_get(in, "role") || json_is_null(json_object_get(in, "role")))
		err_field(&r->err, "role", "is required");
	read_user(r, in, &ui);
	if (req_bad_types(r))
		return r->err.code;
	struct user *u;
	int rc = user_create(r->db, r->a, &r->actor, &ui, &u, &r->err);
	if (rc < 0)
		return rc;
	return reply_created(r, user_to_json(u), u->id);
}

int h_users_patch(struct req *r)
{
	static const char *const allowed[] = {"password", "display_name", "role",
					      "store_ids", "active", NULL};
	json_t *in;
	struct user_input ui = {0};
	if (req_json(r, &in) < 0)
		return r->err.code;
	jx_no_unknown(in, allowed, &r->err);
	read_user(r, in, &ui);
	if (req_bad_types(r))
		return r->err.code;
	struct user *u;
	int rc = user_update(r->db, r->a, &r->actor, r->ids[0], &ui, &u, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, user_to_json(u));
}

int h_users_get(struct req *r)
{
	struct user *u;
	int rc = user_get(r->db, r->a, r->ids[0], &u, &r->err);
	if (rc < 0)
		return rc;
	return reply_json(r, 200, user_to_json(u));
}

static json_t *user_row(const void *rows, int i)
{
	return user_to_json(((struct user *const *)rows)[i]);
}

int h_users_list(struct req *r)
{
	int limit;
	int64_t cursor, store_id = 0;
	const char *role = req_query(r, "role");
	jx_qint(req_query(r, "store_id"), "store_id", 1, INT64_MAX, &store_id, &r->err);
	req_page(r, &limit, &cursor);
	int rb = role ? role_parse(role) : 0;
	if (role && !rb)
		err_field(&r->err, "role", "must be one of: admin, hq, store_manager, sales, service");
	if (err_fields_done(&r->err))
		return r->err.code;
	struct user **list;
	int n, more;
	int rc = user_list(r->db, r->a, req_query(r, "q"), rb, store_id, cursor, limit, &list, &n, &more,
			   &r->err);
	if (rc < 0)
		return rc;
	return reply_page(r, list, n, more, n ? list[n - 1]->id : 0, user_row);
}

/* Every role with the permission codes of perms.def it holds (the same
 * codes /me lists), in the order of the role table: {"items":[{"role",
 * "permissions":[...]}]}. Read-only: roles are fixed in the code. */
int h_roles_list(struct req *r)
{
	json_t *items = json_array();
	for (int i = 0; role_names[i]; i++) {
		int role = role_parse(role_names[i]);
		json_t *perms = json_array();
		for (int p = 0; p < PERM__COUNT; p++)
			if (p != PERM_PUBLIC && perm_allows((enum perm)p, role))
				json_array_append_new(perms, json_string(perm_names[p]));
		json_array_append_new(items, json_pack("{s:s,s:o}", "role", role_names[i],
						       "permissions", perms));
	}
	return reply_json(r, 200, json_pack("{s:o}", "items", items));
}
