/* category.c: the category tree: paths computed, no cycles, unique sibling
 * names, every change audited in its own write transaction. */
#include "domain/catalog/category.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/jx.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "domain/org/audit.h"

#define CAT_NAME_MAX 100
/* Bounds the ancestor walk, so that a damaged tree cannot loop forever. */
#define CAT_DEPTH_GUARD 1000
#define PATH_SEP " / "
json_t *category_to_json(const struct category *c)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(c->id));
	json_object_set_new(o, "name", jx_strn(c->name));
	json_object_set_new(o, "parent_id",
			    c->parent_id ? json_integer(c->parent_id) : json_null());
	json_object_set_new(o, "path", jx_strn(c->path));
	json_object_set_new(o, "required_course_id",
			    c->required_course_id ? json_integer(c->required_course_id)
						  : json_null());
	json_object_set_new(o, "created_at", jx_time(c->created_at));
	json_object_set_new(o, "updated_at", jx_time(c->updated_at));
	return o;
}

/* The category and its ancestors, root first (the category itself last). */
static const char SQL_CAT_ANCESTORS[] =
	"WITH RECURSIVE anc(id, name, parent_id, created_at, updated_at, course, depth) AS ("
	" SELECT id, name, parent_id, created_at, updated_at, required_course_id, 0"
	" FROM categories WHERE id = ?"
	" UNION ALL"
	" SELECT c.id, c.name, c.parent_id, c.created_at, c.updated_at,"
	" c.required_course_id, anc.depth + 1 FROM categories c JOIN anc ON c.id = anc.parent_id"
	" WHERE anc.depth < ?)"
	" SELECT id, name, parent_id, created_at, updated_at, course FROM anc"
	" ORDER BY depth DESC";

/* Loads category id with its path. If chain is not NULL it receives the ids
 * of the category and its ancestors (in arena a) and *nchain their count.
 * ERR_NOT_FOUND if absent. */
static int category_load(struct db *db, struct arena *a, int64_t id,
			 struct category **out, int64_t **chain, int *nchain,
			 struct err *e)
{
	struct db_stmt *st;
	struct category *c = NULL;
	const char **names = NULL;
	int64_t *ids = NULL;
	int n = 0, cap = 0, rc, i;
	size_t len = 0;
	char *path, *p;

	st = db_query(db, e, SQL_CAT_ANCESTORS, "ii", id,
		      (int64_t)CAT_DEPTH_GUARD);
	if (!st)
		return db_fail(e);
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			names = xrealloc(names, (size_t)cap * sizeof(*names));
			ids = xrealloc(ids, (size_t)cap * sizeof(*ids));
		}
		names[n] = arena_strdup(a, db_col_text(st, 1));
		ids[n] = db_col_int64(st, 0);
		len += strlen(names[n]) + (n ? strlen(PATH_SEP) : 0);
		if (db_col_int64(st, 0) == id) {
			c = arena_alloc(a, sizeof(*c));
			c->id = id;
			c->name = names[n];
			c->parent_id = db_col_int64(st, 2);
			c->created_at = db_col_int64(st, 3);
			c->updated_at = db_col_int64(st, 4);
			c->required_course_id = db_col_int64(st, 5);
		}
		n++;
	}
	db_reset(st);
	if (rc < 0 || !c) {
		free(names);
		free(ids);
		if (rc < 0)
			return rc;
		return err_set(e, ERR_NOT_FOUND, "no category %lld",
			       (long long)id);
	}
	path = p = arena_alloc(a, len + 1);
	for (i = 0; i < n; i++) {
		size_t l = strlen(names[i]);

		if (i) {
			memcpy(p, PATH_SEP, strlen(PATH_SEP));
			p += strlen(PATH_SEP);
		}
		memcpy(p, names[i], l);
		p += l;
	}
	*p = '\0';
	c->path = path;
	if (chain) {
		*chain = arena_calloc(a, (size_t)n, sizeof(int64_t));
		memcpy(*chain, ids, (size_t)n * sizeof(int64_t));
		*nchain = n;
	}
	free(names);
	free(ids);
	*out = c;
	return 0;
}

int category_get(struct db *db, struct arena *a, int64_t id,
		 struct category **out, struct err *e)
{
	return category_load(db, a, id, out, NULL, NULL, e);
}

static const char SQL_CAT_SIBLING[] =
	"SELECT id FROM categories WHERE COALESCE(parent_id, 0) = ?"
	" AND lower(name) = lower(?) AND id <> ?";

/* Checks the parent (exists, not a cycle for category self_id) and the
 * sibling name; notes field errors, returns 0 or a negative db error, or
 * ERR_DUPLICATE (with the field) for a taken name. */
static int category_check_place(struct db *db, struct arena *a, int64_t self_id,
				const char *name, int64_t parent_id,
				int check_parent, struct err *e)
{
	int rc, i, nchain = 0;

	if (check_parent && parent_id) {
		struct category *parent;
		int64_t *chain = NULL;

		rc = category_load(db, a, parent_id, &parent, &chain, &nchain, e);
		if (rc == ERR_NOT_FOUND) {
			e->code = 0;
			e->msg[0] = '\0';
			err_field(e, "parent_id", "does not exist");
		} else if (rc < 0) {
			return rc;
		} else {
			for (i = 0; i < nchain; i++)
				if (self_id && chain[i] == self_id) {
					err_field(e, "parent_id",
						  "would create a cycle");
					break;
				}
		}
	}
	if (err_fields_done(e))
		return e->code;
	rc = db_exists(db_query(db, e, SQL_CAT_SIBLING, "iti", parent_id,
				   name, self_id), e);
	if (rc < 0)
		return rc;
	if (rc) {
		err_field(e, "name", "already exists under this parent");
		return err_set(e, ERR_DUPLICATE,
			       "a category named \"%s\" already exists there",
			       name);
	}
	return 0;
}

static const char SQL_CAT_INSERT[] =
	"INSERT INTO categories (name, parent_id, created_at, updated_at)"
	" VALUES (?, ?, ?, ?) RETURNING id";

int category_create(struct db *db, struct arena *a, const struct actor *who,
		    const struct category_input *in, struct category **out,
		    struct err *e)
{
	struct category *c;
	int64_t now = ts_now_ms(), id;
	int64_t parent = in->set_parent ? in->parent_id : 0;
	json_t *after;
	int rc;

	text_check(e, "name", in->name, 1, CAT_NAME_MAX);
	if (parent < 0)
		err_field(e, "parent_id", "does not exist");
	if (err_fields_done(e))
		return e->code;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	rc = category_check_place(db, a, 0, in->name, parent, 1, e);
	if (rc < 0)
		goto fail;
	rc = db_int(db_query(db, e, SQL_CAT_INSERT, "tIii", in->name, parent, now, now), &id, e);
	if (rc < 0)
		goto fail;
	if ((rc = category_load(db, a, id, &c, NULL, NULL, e)) < 0)
		goto fail;
	after = category_to_json(c);
	rc = audit_commit(db, who, "create", "category", id, 0, NULL, after, e);
	if (rc < 0)
		goto fail;
	*out = c;
	return 0;
fail:
	db_rollback(db);
	return rc;
}

static const char SQL_CAT_UPDATE[] =
	"UPDATE categories SET name = ?, parent_id = ?, required_course_id = ?, updated_at = ?"
	" WHERE id = ?";
static const char SQL_CAT_COURSE[] = "SELECT 1 FROM courses WHERE id = ?";

int category_update(struct db *db, struct arena *a, const struct actor *who,
		    int64_t id, const struct category_input *in,
		    struct category **out, struct err *e)
{
	struct category *cur, *c;
	const char *name;
	int64_t parent;
	json_t *before, *after;
	int rc;

	if (in->set_name)
		text_check(e, "name", in->name, 1, CAT_NAME_MAX);
	if (in->set_parent && in->parent_id < 0)
		err_field(e, "parent_id", "does not exist");
	if (in->set_parent && in->parent_id == id)
		err_field(e, "parent_id", "would create a cycle");
	if (err_fields_done(e))
		return e->code;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = category_load(db, a, id, &cur, NULL, NULL, e)) < 0)
		goto fail;
	if (in->set_required_course && in->required_course_id) {
		rc = db_exists(db_query(db, e, SQL_CAT_COURSE, "i", in->required_course_id), e);
		if (rc < 0)
			goto fail;
		if (!rc) {
			err_field(e, "required_course_id", "no such course");
			rc = err_fields_done(e);
			goto fail;
		}
	}
	if (!in->set_name && !in->set_parent && !in->set_required_course) {
		db_rollback(db);
		*out = cur;
		return 0;
	}
	name = in->set_name ? in->name : cur->name;
	parent = in->set_parent ? in->parent_id : cur->parent_id;
	rc = category_check_place(db, a, id, name, parent,
				  in->set_parent && parent != cur->parent_id, e);
	if (rc < 0)
		goto fail;
	rc = db_run(db_query(db, e, SQL_CAT_UPDATE, "tIIii", name, parent,
			     in->set_required_course ? in->required_course_id
						     : cur->required_course_id,
			     ts_now_ms(), id), e);
	if (rc < 0)
		goto fail;
	if ((rc = category_load(db, a, id, &c, NULL, NULL, e)) < 0)
		goto fail;
	before = category_to_json(cur);
	after = category_to_json(c);
	rc = audit_commit(db, who, "update", "category", id, 0, before, after, e);
	if (rc < 0)
		goto fail;
	*out = c;
	return 0;
fail:
	db_rollback(db);
	return rc;
}

static const char SQL_CAT_HAS_CHILD[] =
	"SELECT 1 FROM categories WHERE parent_id = ? LIMIT 1";
static const char SQL_CAT_HAS_PRODUCT[] =
	"SELECT 1 FROM products WHERE category_id = ? LIMIT 1";
static const char SQL_CAT_DELETE[] = "DELETE FROM categories WHERE id = ?";

int category_delete(struct db *db, const struct actor *who, int64_t id,
		    struct err *e)
{
	struct arena *a = arena_new();
	struct category *cur;
	json_t *before;
	int rc;

	if ((rc = db_begin(db, 1, e)) < 0)
		goto out;
	if ((rc = category_load(db, a, id, &cur, NULL, NULL, e)) < 0)
		goto fail;
	rc = db_exists(db_query(db, e, SQL_CAT_HAS_CHILD, "i", id), e);
	if (rc < 0)
		goto fail;
	if (rc) {
		rc = err_set(e, ERR_STATE, "the category has sub-categories");
		goto fail;
	}
	rc = db_exists(db_query(db, e, SQL_CAT_HAS_PRODUCT, "i", id), e);
	if (rc < 0)
		goto fail;
	if (rc) {
		rc = err_set(e, ERR_STATE, "the category has products");
		goto fail;
	}
	rc = db_run(db_query(db, e, SQL_CAT_DELETE, "i", id), e);
	if (rc < 0)
		goto fail;
	before = category_to_json(cur);
	rc = audit_commit(db, who, "delete", "category", id, 0, before, NULL, e);
	if (rc < 0)
		goto fail;
	goto out;
fail:
	db_rollback(db);
out:
	arena_free(a);
	return rc;
}

struct cat_entry {
	struct category *c;
	int parent_ix; /* -1: top level or parent missing */
	const char **names; /* root first */
	int depth;
};

static int cat_entry_cmp(const void *pa, const void *pb)
{
	const struct cat_entry *x = pa, *y = pb;
	int i, r;

	for (i = 0; i < x->depth && i < y->depth; i++)
		if ((r = strcmp(x->names[i], y->names[i])) != 0)
			return r;
	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	return x->c->id < y->c->id ? -1 : x->c->id > y->c->id;
}

static int cat_entry_find(const struct cat_entry *v, int n, int64_t id)
{
	int lo = 0, hi = n - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;

		if (v[mid].c->id == id)
			return mid;
		if (v[mid].c->id < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

static const char SQL_CAT_ALL[] =
	"SELECT id, name, parent_id, created_at, updated_at, required_course_id"
	" FROM categories ORDER BY id";

int category_list(struct db *db, struct arena *a, int64_t parent_id,
		  int parent_given, struct category ***out, int *n,
		  struct err *e)
{
	struct db_stmt *st;
	struct cat_entry *v = NULL;
	struct category **res;
	int cnt = 0, cap = 0, rc, i, k, m = 0;

	st = db_query(db, e, SQL_CAT_ALL, "");
	if (!st)
		return db_fail(e);
	while ((rc = db_step(st, e)) == DB_ROW) {
		struct category *c = arena_alloc(a, sizeof(*c));

		if (cnt == cap) {
			cap = cap ? cap * 2 : 32;
			v = xrealloc(v, (size_t)cap * sizeof(*v));
		}
		c->id = db_col_int64(st, 0);
		c->name = arena_strdup(a, db_col_text(st, 1));
		c->parent_id = db_col_int64(st, 2);
		c->created_at = db_col_int64(st, 3);
		c->updated_at = db_col_int64(st, 4);
		c->required_course_id = db_col_int64(st, 5);
		v[cnt].c = c;
		cnt++;
	}
	db_reset(st);
	if (rc < 0) {
		free(v);
		return rc;
	}
	for (i = 0; i < cnt; i++)
		v[i].parent_ix = v[i].c->parent_id
					 ? cat_entry_find(v, cnt, v[i].c->parent_id)
					 : -1;
	/* Each path: walk up (bounded), then lay the names out root first. */
	for (i = 0; i < cnt; i++) {
		size_t len = 0;
		char *p;
		int depth = 0;

		for (k = i; k >= 0 && depth < CAT_DEPTH_GUARD; k = v[k].parent_ix)
			depth++;
		v[i].depth = depth;
		v[i].names = arena_calloc(a, (size_t)depth, sizeof(char *));
		for (k = i, m = depth; m > 0; k = v[k].parent_ix) {
			v[i].names[--m] = v[k].c->name;
			len += strlen(v[k].c->name);
		}
		len += (size_t)(depth - 1) * strlen(PATH_SEP);
		p = arena_alloc(a, len + 1);
		v[i].c->path = p;
		for (m = 0; m < depth; m++) {
			size_t l = strlen(v[i].names[m]);

			if (m) {
				memcpy(p, PATH_SEP, strlen(PATH_SEP));
				p += strlen(PATH_SEP);
			}
			memcpy(p, v[i].names[m], l);
			p += l;
		}
		*p = '\0';
	}
	if (cnt > 1)
		qsort(v, (size_t)cnt, sizeof(*v), cat_entry_cmp);
	res = arena_calloc(a, (size_t)cnt + 1, sizeof(*res));
	for (i = 0, m = 0; i < cnt; i++)
		if (!parent_given || v[i].c->parent_id == parent_id)
			res[m++] = v[i].c;
	free(v);
	*out = res;
	*n = m;
	return 0;
}

