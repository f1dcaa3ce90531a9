/* handlers.h: the prototype of every handler in routes.def, so that the
 * table and the handler files cannot disagree on a name or a signature. */
#ifndef TERSA_HANDLERS_H
#define TERSA_HANDLERS_H

struct req;

#define ROUTE(method, path, handler, perm) int handler(struct req *r);
#include "routes.def"
#undef ROUTE

#endif
