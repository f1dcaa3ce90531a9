/* router.c: the route table expanded from routes.def, permissions from
 * perms.def, and path matching with {id} segments. */
#include "http/router.h"

#include <string.h>

#include "http/handlers.h"

const struct route routes[] = {
#define ROUTE(m, path, h, p) {M_##m, path, h, PERM_##p, #h},
#include "routes.def"
#undef ROUTE
};
const int routes_count = (int)(sizeof routes / sizeof routes[0]);

const int perm_roles[PERM__COUNT] = {
#define PERM(name, roles) roles,
#include "perms.def"
#undef PERM
};
const char *const perm_names[PERM__COUNT] = {
#define PERM(name, roles) #name,
#include "perms.def"
#undef PERM
};

static const char *const method_names[] = {
	NULL, "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD",
};

enum http_method router_method(const char *name)
{
	for (int i = 1; i < (int)(sizeof method_names / sizeof *method_names); i++)
		if (strcmp(name, method_names[i]) == 0)
			return (enum http_method)i;
	return 0;
}

const char *router_method_name(enum http_method m)
{
	if ((int)m <= 0 || (int)m >= (int)(sizeof method_names / sizeof *method_names))
		return "?";
	return method_names[m];
}

int perm_allows(enum perm p, int role)
{
	if (p == PERM_PUBLIC)
		return 1;
	return (perm_roles[p] & role) != 0;
}

/* Matches one pattern; {id} takes a positive decimal integer without
 * leading zeros that fits in int64, {day} up to 10 digits and dashes (the
 * handler reads and checks it from the path). */
static int match_path(const char *pat, const char *path, int64_t *ids,
		      int *nids)
{
	int n = 0;
	while (*pat && *path) {
		if (*pat == '{' && strncmp(pat, "{id}", 4) == 0) {
			if (*path < '1' || *path > '9')
				return 0;
			int64_t v = 0;
			while (*path >= '0' && *path <= '9') {
				if (v > (INT64_MAX - (*path - '0')) / 10)
					return 0;
				v = v * 10 + (*path - '0');
				path++;
			}
			if (n < REQ_MAX_IDS)
				ids[n] = v;
			n++;
			pat += 4;
			continue;
		}
		if (*pat == '{' && strncmp(pat, "{day}", 5) == 0) {
			/* a day 'YYYY-MM-DD' (checked by the handler): digits and dashes */
			int k = 0;
			while (k < 10 && ((path[k] >= '0' && path[k] <= '9') || path[k] == '-'))
				k++;
			if (k == 0 || (path[k] && path[k] != '/'))
				return 0;
			path += k;
			pat += 5;
			continue;
		}
		if (*pat != *path)
			return 0;
		pat++;
		path++;
	}
	if (*pat || *path)
		return 0;
	*nids = n;
	return 1;
}

int router_match(enum http_method m, const char *path, int64_t *ids,
		 int *nids)
{
	int path_seen = 0;
	/* HEAD is answered as GET (the body is dropped by the server). */
	enum http_method want = m == M_HEAD ? M_GET : m;
	for (int i = 0; i < routes_count; i++) {
		int64_t tmp[REQ_MAX_IDS];
		int nt = 0;
		if (!match_path(routes[i].path, path, tmp, &nt))
			continue;
		if (routes[i].method != want) {
			path_seen = 1;
			continue;
		}
		memcpy(ids, tmp, sizeof tmp);
		*nids = nt;
		return i;
	}
	return path_seen ? ERR_METHOD_NOT_ALLOWED : ERR_NOT_FOUND;
}
