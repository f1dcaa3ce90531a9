/* actor.c: role names and which stores a user or an actor sees. */
#include "domain/org/actor.h"

#include <string.h>

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
