/* router.h: matching a method and path against the route table. */
#ifndef TERSA_ROUTER_H
#define TERSA_ROUTER_H

#include "http/req.h"

enum http_method router_method(const char *name); /* 0 if unsupported */
const char *router_method_name(enum http_method m);

/* Finds the route for method+path and fills ids[] with the {id} values.
 * Returns the route index, or ERR_NOT_FOUND (no path matches) or
 * ERR_METHOD_NOT_ALLOWED (the path matches with another method). */
int router_match(enum http_method m, const char *path, int64_t *ids,
		 int *nids);

/* 1 if role holds permission p. */
int perm_allows(enum perm p, int role);

#endif
