/* actor.h: roles, the user as the rest of the code sees it, the actor behind
 * a change (for audit rows and scoping), and which stores an actor sees. */
#ifndef TERSA_ACTOR_H
#define TERSA_ACTOR_H

#include <stdint.h>

/* Roles as bits, so a permission is a set of roles. */
#define ROLE_MAP(X)                                                            \
	X(ADMIN, "admin", 1)                                                   \
	X(HQ, "hq", 2)                                                         \
	X(STORE_MANAGER, "store_manager", 4)                                   \
	X(SALES, "sales", 8)                                                   \
	X(SERVICE, "service", 16)

enum role {
#define X(n, s, b) ROLE_##n = b,
	ROLE_MAP(X)
#undef X
};
#define ROLE_ALL (ROLE_ADMIN | ROLE_HQ | ROLE_STORE_MANAGER | ROLE_SALES | ROLE_SERVICE)
/* Roles that see only their assigned stores. */
#define ROLE_STORE_BOUND (ROLE_STORE_MANAGER | ROLE_SALES)

const char *role_name(int role);      /* NULL if unknown */
int role_parse(const char *name);     /* 0 if unknown */
extern const char *const role_names[]; /* NULL-terminated */

struct user {
	int64_t id;
	const char *username;
	const char *display_name;
	int role;
	int active;
	int64_t *store_ids; /* sorted */
	int nstores;
	int64_t created_at;
	int64_t updated_at;
};

/* Who is acting, for audit rows and scoping. user NULL = the system/CLI. */
struct actor {
	const struct user *user;
	const char *ip;
};

/* 1 if the user may see store_id: not store-bound, or assigned to it. */
int user_sees_store(const struct user *u, int64_t store_id);
/* The same for an actor; the system (no user) sees every store. */
int actor_sees_store(const struct actor *who, int64_t store_id);

#endif
