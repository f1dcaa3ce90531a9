/* staff_scope.c: who sees whom in staff performance, and the people list
 * (see staff_scope.h). */
#include "domain/staff/staff_scope.h"

#include <string.h>

#include "base/jx.h"
#include "db/page.h"

/* Store-bound managers see people sharing one of their stores; sales and
 * service see only themselves. Bound as (scoped, actor, actor, self_only, actor). */
#define PERSON_SCOPE                                                           \
	" (? = 0 OR u.id = ? OR (? = 0 AND EXISTS (SELECT 1 FROM user_stores us"   \
	" JOIN user_stores mine ON mine.store_id = us.store_id"                    \
	" WHERE us.user_id = u.id AND mine.user_id = ?))) "

int staff_is_manager(const struct actor *who)
{
	return !who->user ||
	       (who->user->role & (ROLE_ADMIN | ROLE_HQ | ROLE_STORE_MANAGER)) != 0;
}

/* scoped: the actor is limited by stores; self_only: sees only themselves. */
static void scope_of(const struct actor *who, int64_t *scoped, int64_t *self_only,
		     int64_t *me)
{
	int role = who->user ? who->user->role : ROLE_ADMIN;
	*me = who->user ? who->user->id : 0;
	*scoped = (role & (ROLE_ADMIN | ROLE_HQ)) ? 0 : 1;
	*self_only = (role & ROLE_STORE_MANAGER) ? 0 : 1;
}

int staff_person_seen(struct db *db, const struct actor *who, int64_t user_id, struct err *e)
{
	static const char sql[] =
		"SELECT 1 FROM users u WHERE u.id = ? AND" PERSON_SCOPE;
	int64_t scoped, self_only, me;
	scope_of(who, &scoped, &self_only, &me);
	return db_exists(db_query(db, e, sql, "iiiii", user_id, scoped, me, self_only, me), e);
}

int staff_person_check(struct db *db, const struct actor *who, int64_t user_id, struct err *e)
{
	int rc = staff_person_seen(db, who, user_id, e);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "no person %lld", (long long)user_id);
	return 0;
}

json_t *staff_person_to_json(const struct staff_person *p)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:o,s:b}", "id", (json_int_t)p->id, "username",
			 p->username, "display_name", p->display_name, "role", p->role,
			 "store_ids", jx_ids_json(p->store_ids, p->nstores), "active", p->active);
}

/* Fills store_ids of the n people (sorted by id) with one query. */
static int load_stores(struct db *db, struct arena *a, struct staff_person *ps, int n,
		       struct err *e)
{
	static const char sql[] =
		"SELECT user_id, store_id FROM user_stores WHERE user_id >= ? AND user_id <= ? "
		"ORDER BY user_id, store_id";
	if (n == 0)
		return 0;
	struct db_stmt *st = db_query(db, e, sql, "ii", ps[0].id, ps[n - 1].id);
	if (!st)
		return db_fail(e);
	int rc, i = 0;
	while ((rc = db_step(st, e)) == DB_ROW) {
		int64_t uid = db_col_int64(st, 0);
		while (i < n && ps[i].id < uid)
			i++;
		if (i == n)
			break;
		if (ps[i].id != uid)
			continue;
		struct staff_person *p = &ps[i];
		int64_t *ids = arena_calloc(a, (size_t)p->nstores + 1, sizeof *ids);
		if (p->nstores)
			memcpy(ids, p->store_ids, sizeof *ids * (size_t)p->nstores);
		ids[p->nstores++] = db_col_int64(st, 1);
		p->store_ids = ids;
	}
	db_reset(st);
	return rc < 0 ? rc : 0;
}

int staff_people_list(struct db *db, struct arena *a, const struct actor *who,
		      int64_t store_id, const char *q, const char *role, int64_t after_id,
		      int limit, struct staff_person **out, int *n, int *more, struct err *e)
{
	static const char sql[] =
		"SELECT u.id, u.username, u.display_name, u.role, u.active FROM users u "
		"WHERE u.id > ? AND" PERSON_SCOPE
		"AND (CAST(? AS TEXT) IS NULL OR lower(u.username) LIKE ? ESCAPE '\\' "
		"     OR lower(u.display_name) LIKE ? ESCAPE '\\') "
		"AND (CAST(? AS TEXT) IS NULL OR u.role = ?) "
		"AND (? = 0 OR EXISTS (SELECT 1 FROM user_stores s WHERE s.user_id = u.id"
		"     AND s.store_id = ?)) ORDER BY u.id LIMIT ?";
	int64_t scoped, self_only, me;
	scope_of(who, &scoped, &self_only, &me);
	const char *pat = db_like_pattern(a, q);
	struct page pg;
	page_init(&pg, a, limit, sizeof(struct staff_person));
	struct db_stmt *st = db_query(db, e, sql, "iiiiitttttiii", after_id, scoped, me,
				      self_only, me, pat, pat, pat, role, role, store_id,
				      store_id, page_fetch(&pg));
	if (!st)
		return db_fail(e);
	int rc;
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		struct staff_person *p = page_add(&pg);
		p->id = db_col_int64(st, 0);
		p->username = arena_strdup(a, db_col_text(st, 1));
		p->display_name = arena_strdup(a, db_col_text(st, 2));
		p->role = arena_strdup(a, db_col_text(st, 3));
		p->active = (int)db_col_int64(st, 4);
	}
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	return load_stores(db, a, *out, *n, e);
}

int staff_person_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		     json_t **out, struct err *e)
{
	static const char sql_user[] =
		"SELECT u.id, u.username, u.display_name, u.role, u.active FROM users u "
		"WHERE u.id = ?";
	static const char sql_stores[] =
		"SELECT s.id, s.name FROM user_stores us JOIN stores s ON s.id = us.store_id "
		"WHERE us.user_id = ? ORDER BY s.id";
	int rc = staff_person_check(db, who, id, e);
	if (rc < 0)
		return rc;
	struct db_stmt *st = db_query(db, e, sql_user, "i", id);
	if ((rc = db_get_row(st, "person", id, e)) < 0)
		return rc;
	struct staff_person p = {.id = db_col_int64(st, 0)};
	p.username = arena_strdup(a, db_col_text(st, 1));
	p.display_name = arena_strdup(a, db_col_text(st, 2));
	p.role = arena_strdup(a, db_col_text(st, 3));
	p.active = (int)db_col_int64(st, 4);
	db_reset(st);
	if ((rc = load_stores(db, a, &p, 1, e)) < 0)
		return rc;
	json_t *j = staff_person_to_json(&p), *stores = json_array();
	json_object_set_new(j, "stores", stores);
	if (!(st = db_query(db, e, sql_stores, "i", id))) {
		json_decref(j);
		return db_fail(e);
	}
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(stores, json_pack("{s:I,s:s}", "id",
							(json_int_t)db_col_int64(st, 0), "name",
							db_col_text(st, 1)));
	db_reset(st);
	if (rc < 0) {
		json_decref(j);
		return rc;
	}
	*out = j;
	return 0;
}
