/* audit.h: the audit log, one row per change, written in the caller's
 * transaction so that the change and its record stand or fall together. */
#ifndef TERSA_AUDIT_H
#define TERSA_AUDIT_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

/* Records action ("create", "update", "delete", "login", ...) on entity/id.
 * before/after are small JSON summaries (borrowed; may be NULL). store_id 0
 * when the entity is not store-scoped. 0 or negative. */
int audit_add(struct db *db, const struct actor *who, const char *action,
	      const char *entity, int64_t entity_id, int64_t store_id,
	      json_t *before, json_t *after, struct err *e);
/* The end of a change: the audit row as audit_add writes it, then the
 * caller's write transaction committed. Takes before and after (either may
 * be NULL) and frees them whatever happens. 0 or negative; on failure the
 * caller rolls back. */
int audit_commit(struct db *db, const struct actor *who, const char *action,
		 const char *entity, int64_t entity_id, int64_t store_id,
		 json_t *before, json_t *after, struct err *e);

struct audit_row {
	int64_t id;
	int64_t at;
	int64_t user_id;
	const char *username;
	const char *action;
	const char *entity;
	int64_t entity_id;
	int64_t store_id;
	const char *before; /* JSON text or NULL */
	const char *after;
	const char *ip;
};

struct audit_filter {
	const char *entity;
	int64_t entity_id;
	int64_t user_id;
	int64_t from, to; /* ms, 0 = open */
	int64_t before_id; /* keyset: newest first */
	int limit;
};
int audit_list(struct db *db, struct arena *a, const struct audit_filter *f,
	       struct audit_row **out, int *n, int *more, struct err *e);

#endif
