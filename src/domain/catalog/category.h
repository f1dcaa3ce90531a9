/* category.h: the category tree (paths, no cycles, unique sibling names). */
#ifndef TERSA_CATEGORY_H
#define TERSA_CATEGORY_H

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

struct category {
	int64_t id;
	const char *name;
	int64_t parent_id; /* 0 = top level */
	const char *path;  /* "Food / Dairy / Milk" */
	int64_t required_course_id; /* 0 = none: a course to pass before a sale
				     * of its products earns commission */
	int64_t created_at, updated_at;
};

struct category_input {
	const char *name;
	int64_t parent_id;
	int64_t required_course_id; /* 0 clears */
	unsigned set_name : 1, set_parent : 1, set_required_course : 1;
};

/* The category as JSON (replies and audit rows); caller owns it. */
json_t *category_to_json(const struct category *c);

int category_create(struct db *db, struct arena *a, const struct actor *who,
		    const struct category_input *in, struct category **out,
		    struct err *e);
/* Refuses a parent that would make a cycle (422 parent_id) and a
 * required_course_id that is not a course (422). */
int category_update(struct db *db, struct arena *a, const struct actor *who,
		    int64_t id, const struct category_input *in,
		    struct category **out, struct err *e);
/* Refuses (409 state) while it has children or products. */
int category_delete(struct db *db, const struct actor *who, int64_t id,
		    struct err *e);
int category_get(struct db *db, struct arena *a, int64_t id,
		 struct category **out, struct err *e);
/* All categories, ordered by path (a tree is small). */
int category_list(struct db *db, struct arena *a, int64_t parent_id,
		  int parent_given, struct category ***out, int *n,
		  struct err *e);

#endif
