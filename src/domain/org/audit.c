/* audit.c: writing and reading the audit log. */
#include "domain/org/audit.h"

#include <stdlib.h>

#include "base/timeutil.h"
#include "db/page.h"

int audit_add(struct db *db, const struct actor *who, const char *action,
	      const char *entity, int64_t entity_id, int64_t store_id,
	      json_t *before, json_t *after, struct err *e)
{
	static const char sql[] =
		"INSERT INTO audit_log (at, user_id, username, action, entity, entity_id, "
		"store_id, before_json, after_json, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	char *b = before ? json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char *a = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	const struct user *u = who ? who->user : NULL;
	struct db_stmt *st = db_query(db, e, sql, "iItttIIttt", ts_now_ms(),
				      u ? u->id : 0, u ? u->username : "system", action,
				      entity, entity_id, store_id, b, a,
				      who && who->ip ? who->ip : NULL);
	int rc = st ? db_run(st, e) : db_fail(e);
	free(b);
	free(a);
	return rc;
}

int audit_commit(struct db *db, const struct actor *who, const char *action,
		 const char *entity, int64_t entity_id, int64_t store_id,
		 json_t *before, json_t *after, struct err *e)
{
	int rc = audit_add(db, who, action, entity, entity_id, store_id, before, after, e);
	json_decref(before);
	json_decref(after);
	return rc < 0 ? rc : db_commit(db, e);
}

int audit_list(struct db *db, struct arena *a, const struct audit_filter *f,
	       struct audit_row **out, int *n, int *more, struct err *e)
{
	static const char sql[] =
		"SELECT id, at, user_id, username, action, entity, entity_id, store_id, "
		"before_json, after_json, ip FROM audit_log WHERE id < ? "
		"AND (CAST(? AS TEXT) IS NULL OR entity = ?) "
		"AND (CAST(? AS BIGINT) IS NULL OR entity_id = ?) "
		"AND (CAST(? AS BIGINT) IS NULL OR user_id = ?) "
		"AND at >= ? AND at < ? ORDER BY id DESC LIMIT ?";
	int64_t before = f->before_id > 0 ? f->before_id : INT64_MAX;
	int64_t to = f->to > 0 ? f->to : INT64_MAX;
	struct page pg;
	page_init(&pg, a, f->limit, sizeof(struct audit_row));
	struct db_stmt *st = db_query(db, e, sql, "ittIIIIiii", before, f->entity, f->entity,
				      f->entity_id, f->entity_id, f->user_id, f->user_id,
				      f->from, to, page_fetch(&pg));
	if (!st)
		return db_fail(e);
	int rc;
	while ((rc = page_step(&pg, st, e)) == DB_ROW) {
		struct audit_row *r = page_add(&pg);
		r->id = db_col_int64(st, 0);
		r->at = db_col_int64(st, 1);
		r->user_id = db_col_int64(st, 2);
		r->username = arena_strdup(a, db_col_text(st, 3));
		r->action = arena_strdup(a, db_col_text(st, 4));
		r->entity = arena_strdup(a, db_col_text(st, 5));
		r->entity_id = db_col_int64(st, 6);
		r->store_id = db_col_int64(st, 7);
		r->before = arena_strdup(a, db_col_text(st, 8));
		r->after = arena_strdup(a, db_col_text(st, 9));
		r->ip = arena_strdup(a, db_col_text(st, 10));
	}
	rc = page_end(&pg, st, rc);
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	return rc;
}
