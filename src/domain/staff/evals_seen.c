/* evals_seen.c: the staff "who sees whom" rule for evaluations and
 * meetings. TODO(staff_scope): a copy of staff_person_seen; remove at merge. */
#include "domain/staff/evals_seen.h"

#include <stddef.h>

int evals_is_manager(const struct actor *who)
{
	if (!who || !who->user)
		return 1;
	return (who->user->role & (ROLE_ADMIN | ROLE_HQ | ROLE_STORE_MANAGER)) != 0;
}

void evals_scope(const struct actor *who, int64_t v[4])
{
	const struct user *u = who ? who->user : NULL;

	v[0] = v[1] = v[2] = v[3] = 0;
	if (!u || (u->role & (ROLE_ADMIN | ROLE_HQ)))
		return;
	v[0] = 1;
	v[1] = u->id;
	v[2] = u->role == ROLE_STORE_MANAGER;
	v[3] = u->id;
}

int evals_person_seen(struct db *db, const struct actor *who, int64_t user_id, struct err *e)
{
	static const char sql[] =
		"SELECT 1 FROM users u WHERE u.id = ? AND" PERSON_SEEN_SQL("u.id");
	int64_t v[4];

	evals_scope(who, v);
	return db_exists(db_query(db, e, sql, "iiiii", user_id, v[0], v[1], v[2], v[3]), e);
}
