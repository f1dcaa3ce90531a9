/* service_level.c: service levels per store and/or category for reorder
 * points from the forecast: the pick rule, listing, and the audited writes. */
#include "domain/purchasing/service_level.h"

#include <string.h>

#include "base/jx.h"
#include "base/timeutil.h"
#include "domain/org/audit.h"

#define SL_COLS "store_id, category_id, level, created_at, updated_at"

int64_t service_level_pick(const struct service_level *rows, int n,
			   int64_t store_id, int64_t category_id)
{
	/* rank: 4 store+category, 3 category, 2 store, 1 company */
	int best = 0;
	int64_t level = SERVICE_LEVEL_DEFAULT;

	for (int i = 0; i < n; i++) {
		const struct service_level *r = &rows[i];
		int rank = 0;

		if (r->store_id != 0 && r->store_id != store_id)
			continue;
		if (r->category_id != 0 && (category_id <= 0 || r->category_id != category_id))
			continue;
		if (r->store_id && r->category_id)
			rank = 4;
		else if (r->category_id)
			rank = 3;
		else if (r->store_id)
			rank = 2;
		else
			rank = 1;
		if (rank > best) {
			best = rank;
			level = r->level;
		}
	}
	return level;
}

static void from_row(struct db_stmt *st, struct service_level *s)
{
	s->store_id = db_col_int64(st, 0);
	s->category_id = db_col_int64(st, 1);
	s->level = db_col_int64(st, 2);
	s->created_at = db_col_int64(st, 3);
	s->updated_at = db_col_int64(st, 4);
}

/* Reads every row of st into *out and *n (arena a). */
static int read_rows(struct db_stmt *st, struct arena *a, struct service_level **out,
		     int *n, struct err *e)
{
	int cap = 16, rc;
	struct service_level *rows;

	*out = NULL;
	*n = 0;
	if (!st)
		return db_fail(e);
	rows = arena_calloc(a, (size_t)cap, sizeof *rows);
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (*n == cap) {
			struct service_level *more = arena_calloc(a, (size_t)cap * 2, sizeof *rows);

			memcpy(more, rows, (size_t)cap * sizeof *rows);
			rows = more;
			cap *= 2;
		}
		from_row(st, &rows[(*n)++]);
	}
	if (rc < 0)
		return rc;
	*out = rows;
	return 0;
}

int service_level_for_store(struct db *db, struct arena *a, int64_t store_id,
			    struct service_level **out, int *n, struct err *e)
{
	static const char sql[] =
		"SELECT " SL_COLS " FROM service_levels WHERE store_id IN (0, ?)";

	return read_rows(db_query(db, e, sql, "i", store_id), a, out, n, e);
}

int service_level_list(struct db *db, struct arena *a, const struct user *u,
		       struct service_level **out, int *n, struct err *e)
{
	static const char sql[] =
		"SELECT " SL_COLS " FROM service_levels"
		" WHERE ? = 0 OR store_id = 0"
		" OR store_id IN (SELECT store_id FROM user_stores WHERE user_id = ?)"
		" ORDER BY store_id, category_id";
	int64_t scoped = u && (u->role & ROLE_STORE_BOUND) ? 1 : 0;

	return read_rows(db_query(db, e, sql, "ii", scoped, u ? u->id : 0), a, out, n, e);
}

void service_level_check(const struct service_level *in, struct err *e)
{
	if (in->store_id < 0)
		err_field(e, "store_id", "must be 0 (every store) or a store id");
	if (in->category_id < 0)
		err_field(e, "category_id", "must be 0 (every category) or a category id");
	if (in->level < SERVICE_LEVEL_MIN || in->level > SERVICE_LEVEL_MAX)
		err_field(e, "level", "must be a percentage between 50 and 99.9");
}

json_t *service_level_to_json(const struct service_level *s)
{
	return json_pack("{s:I,s:I,s:o,s:o,s:o}", "store_id", (json_int_t)s->store_id,
			 "category_id", (json_int_t)s->category_id,
			 "level", jx_qty_value(s->level), "created_at", jx_time(s->created_at),
			 "updated_at", jx_time(s->updated_at));
}

static const char SQL_GET[] =
	"SELECT " SL_COLS " FROM service_levels WHERE store_id = ? AND category_id = ?";

/* The row into *out (arena a): 1 found, 0 none, negative on error. */
static int get_row(struct db *db, struct arena *a, int64_t store_id, int64_t category_id,
		   struct service_level **out, struct err *e)
{
	struct db_stmt *st = db_query(db, e, SQL_GET, "ii", store_id, category_id);
	int rc;

	if (!st)
		return db_fail(e);
	if ((rc = db_step(st, e)) < 0)
		return rc;
	if (rc == DB_DONE)
		return 0;
	*out = arena_calloc(a, 1, sizeof **out);
	from_row(st, *out);
	db_reset(st);
	return 1;
}

/* ERR_FORBIDDEN / ERR_NOT_FOUND when who may not change store_id's rows. */
static int may_write(const struct actor *who, int64_t store_id, struct err *e)
{
	const struct user *u = who ? who->user : NULL;

	if (store_id == 0 && u && (u->role & ROLE_STORE_BOUND))
		return err_set(e, ERR_FORBIDDEN,
			       "company-wide service levels are set by head office");
	if (store_id > 0 && !actor_sees_store(who, store_id))
		return err_set(e, ERR_NOT_FOUND, "no store %lld", (long long)store_id);
	return 0;
}

int service_level_put(struct db *db, struct arena *a, const struct actor *who,
		      const struct service_level *in, struct service_level **out,
		      int *created, struct err *e)
{
	static const char sql_store[] = "SELECT 1 FROM stores WHERE id = ?";
	static const char sql_category[] = "SELECT 1 FROM categories WHERE id = ?";
	static const char sql[] =
		"INSERT INTO service_levels (store_id, category_id, level, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?) ON CONFLICT (store_id, category_id) DO UPDATE"
		" SET level = excluded.level, updated_at = excluded.updated_at";
	struct service_level *old = NULL;
	struct db_stmt *st;
	int64_t now = ts_now_ms();
	int rc;

	service_level_check(in, e);
	if (err_fields_done(e))
		return e->code;
	if ((rc = may_write(who, in->store_id, e)) < 0)
		return rc;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if (in->store_id > 0) {
		if ((rc = db_exists(db_query(db, e, sql_store, "i", in->store_id), e)) < 0)
			goto fail;
		if (!rc)
			err_field(e, "store_id", "does not exist");
	}
	if (in->category_id > 0) {
		if ((rc = db_exists(db_query(db, e, sql_category, "i", in->category_id), e)) < 0)
			goto fail;
		if (!rc)
			err_field(e, "category_id", "does not exist");
	}
	if (err_fields_done(e))
		goto fail;
	if ((rc = get_row(db, a, in->store_id, in->category_id, &old, e)) < 0)
		goto fail;
	if (!rc)
		old = NULL;
	if (!(st = db_query(db, e, sql, "iiiii", in->store_id, in->category_id, in->level,
			    now, now)) || db_run(st, e) < 0)
		goto fail;
	if (get_row(db, a, in->store_id, in->category_id, out, e) <= 0)
		goto fail;
	if (audit_commit(db, who, old ? "update" : "create", "service_level", in->category_id,
			 in->store_id, old ? service_level_to_json(old) : NULL,
			 service_level_to_json(*out), e) < 0)
		goto fail;
	*created = old == NULL;
	return 0;
fail:
	db_rollback(db);
	if (!e->code)
		err_set(e, ERR_INTERNAL, "service level not saved");
	return db_fail(e);
}

int service_level_delete(struct db *db, const struct actor *who, int64_t store_id,
			 int64_t category_id, struct err *e)
{
	static const char sql[] =
		"DELETE FROM service_levels WHERE store_id = ? AND category_id = ?";
	struct arena *a = arena_new();
	struct service_level *old = NULL;
	struct db_stmt *st;
	int rc;

	if ((rc = may_write(who, store_id, e)) < 0)
		goto out;
	if ((rc = db_begin(db, 1, e)) < 0)
		goto out;
	if ((rc = get_row(db, a, store_id, category_id, &old, e)) <= 0) {
		if (rc == 0)
			err_set(e, ERR_NOT_FOUND, "no service level for store %lld, category %lld",
				(long long)store_id, (long long)category_id);
		goto fail;
	}
	if (!(st = db_query(db, e, sql, "ii", store_id, category_id)) || db_run(st, e) < 0)
		goto fail;
	if (audit_commit(db, who, "delete", "service_level", category_id, store_id,
			 service_level_to_json(old), NULL, e) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	db_rollback(db);
	rc = db_fail(e);
out:
	arena_free(a);
	return rc;
}
