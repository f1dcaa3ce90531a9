/* crm_check.c: the store and user checks of the CRM writes (see
 * crm_check.h). */
#include "domain/crm/crm_check.h"

#include "domain/org/store.h"
#include "domain/org/user.h"

int64_t crm_default_store(const struct actor *who)
{
	const struct user *u = who ? who->user : NULL;

	if (u && (u->role & ROLE_STORE_BOUND) && u->nstores > 0)
		return u->store_ids[0];
	return 0;
}

int crm_check_store(struct db *db, const struct actor *who, const char *field,
		    int64_t store_id, struct err *e)
{
	int rc;

	if (!store_id)
		return 0;
	if (!actor_sees_store(who, store_id))
		return err_set(e, ERR_FORBIDDEN, "store %lld is not one of yours",
			       (long long)store_id);
	if ((rc = store_exists(db, store_id, e)) < 0)
		return rc;
	if (!rc)
		err_field(e, field, "no such store");
	return 0;
}

int crm_check_user(struct db *db, struct arena *a, const char *field, int64_t user_id,
		   int64_t store_id, struct err *e)
{
	struct user *u;
	struct err ue;
	int rc;

	err_init(&ue);
	rc = user_get(db, a, user_id, &u, &ue);
	if (rc == ERR_NOT_FOUND) {
		err_field(e, field, "no such user");
		return 0;
	}
	if (rc < 0)
		return err_set(e, rc, "%s", ue.msg);
	if (!u->active)
		err_field(e, field, "is not an active user");
	else if (store_id && !user_sees_store(u, store_id))
		err_field(e, field, "does not work in store %lld", (long long)store_id);
	return 0;
}

void crm_scope(const struct actor *who, int64_t *scoped, int64_t *user_id)
{
	const struct user *u = who ? who->user : NULL;

	*scoped = u && (u->role & ROLE_STORE_BOUND) ? 1 : 0;
	*user_id = *scoped ? u->id : 0;
}
