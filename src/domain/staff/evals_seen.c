/* evals_seen.c: the bound values of the staff scope condition (see
 * evals_seen.h). */
#include "domain/staff/evals_seen.h"

#include <stddef.h>

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
