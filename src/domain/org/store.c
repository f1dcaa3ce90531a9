/* store.c: stores (terminals): create, change, read, list; settings such as
 * allow_negative_stock and cash_rounding live on the store row. */
#include "domain/org/store.h"

#include <string.h>

#include "base/jx.h"
#include "base/timeutil.h"
#include "db/page.h"
#include "domain/org/audit.h"

const char *const store_channels[] = {"direct", "franchise", "distributor", "online", NULL};

#define STORE_COLS                                                             \
	"id, code, name, channel, region, city, address, active, "             \
	"allow_negative_stock, cash_rounding, created_at, updated_at"

static struct store *store_from_row(struct db_stmt *st, struct arena *a)
{
	struct store *s = arena_alloc(a, sizeof *s);
	s->id = db_col_int64(st, 0);
	s->code = arena_strdup(a, db_col_text(st, 1));
	s->name = arena_strdup(a, db_col_text(st, 2));
	s->channel = arena_strdup(a, db_col_text(st, 3));
	s->region = arena_strdup(a, db_col_text(st, 4));
	s->city = arena_strdup(a, db_col_text(st, 5));
	s->address = arena_strdup(a, db_col_text(st, 6));
	s->active = (int)db_col_int64(st, 7);
	s->allow_negative_stock = (int)db_col_int64(st, 8);
	s->cash_rounding = db_col_int64(st, 9);
	s->created_at = db_col_int64(st, 10);
	s->updated_at = db_col_int64(st, 11);
	return s;
}

json_t *store_to_json(const struct store *s)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:o,s:o,s:o,s:b,s:b,s:I,s:o,s:o}",
			 "id", (json_int_t)s->id, "code", s->code, "name", s->name,
			 "channel", s->channel, "region", jx_strn(s->region),
			 "city", jx_strn(s->city), "address", jx_strn(s->address),
			 "active", s->active, "allow_negative_stock", s->allow_negative_stock,
			 "cash_rounding", (json_int_t)s->cash_rounding,
			 "created_at", jx_time(s->created_at), "updated_at", jx_time(s->updated_at));
}

int store_get(struct db *db, struct arena *a, int64_t id, struct store **out,
	      struct err *e)
{
	static const char sql[] = "SELECT " STORE_COLS " FROM stores WHERE id = ?";
	struct db_stmt *st = db_query(db, e, sql, "i", id);
	int rc = db_get_row(st, "store", id, e);
	if (rc < 0)
		return rc;
	*out = store_from_row(st, a);
	db_reset(st);
	return 0;
}

int store_exists(struct db *db, int64_t id, struct err *e)
{
	static const char sql[] = "SELECT 1 FROM stores WHERE id = ?";
	struct db_stmt *st = db_query(db, e, sql, "i", id);
	if (!st)
		return db_fail(e);
	int rc = db_step(st, e);
	db_reset(st);
	return rc < 0 ? rc : rc == DB_ROW;
}

int store_list(struct db *db, struct arena *a, const struct user *u,
	       const char *q, int64_t after_id, int limit, struct store ***out,
	       int *n, int *more, struct err *e)
{
	static const char sql[] =
		"SELECT " STORE_COLS " FROM stores WHERE id > ? "
		"AND (CAST(? AS TEXT) IS NULL OR lower(code) LIKE ? ESCAPE '\\' "
		"     OR lower(name) LIKE ? ESCAPE '\\' OR lower(city) LIKE ? ESCAPE '\\') "
		"AND (? = 0 OR id IN (SELECT store_id FROM user_stores WHERE user_id = ?)) "
		"ORDER BY id LIMIT ?";
	const char *pat = db_like_pattern(a, q);
	int64_t scoped = u && (u->role & ROLE_STORE_BOUND) ? 1 : 0;
	struct page pg;
	page_init(&pg, a, limit, sizeof(struct store *));
	struct db_stmt *st = db_query(db, e, sql, "ittttiii", after_id, pat, pat, pat, pat,
				      scoped, u ? u->id : 0, page_fetch(&pg));
	if (!st)
		return db_fail(e);
	int rc;
	while ((rc = page_step(&pg, st, e)) == DB_ROW)
		*(struct store **)page_add(&pg) = store_from_row(st, a);
	rc = page_end(&pg, st, rc);
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	return rc;
}

/* Field checks shared by create and update: only the fields being set. */
static void check_input(const struct store_input *in, int creating, struct err *e)
{
	if ((creating || in->set_code) && (!in->code || !*in->code))
		err_field(e, "code", "is required");
	if ((creating || in->set_name) && (!in->name || !*in->name))
		err_field(e, "name", "is required");
	if (creating || in->set_channel) {
		int ok = 0;
		for (int i = 0; in->channel && store_channels[i]; i++)
			ok |= strcmp(in->channel, store_channels[i]) == 0;
		if (!ok)
			err_field(e, "channel", "must be one of: direct, franchise, distributor, online");
	}
	if (in->cash_rounding && in->cash_rounding != 1 && in->cash_rounding != 10 &&
	    in->cash_rounding != 100)
		err_field(e, "cash_rounding", "must be 1, 10 or 100");
}

static int code_taken(struct db *db, const char *code, int64_t except_id,
		      struct err *e)
{
	static const char sql[] = "SELECT 1 FROM stores WHERE code = ? AND id <> ?";
	struct db_stmt *st = db_query(db, e, sql, "ti", code, except_id);
	if (!st)
		return db_fail(e);
	int rc = db_step(st, e);
	db_reset(st);
	if (rc < 0)
		return rc;
	if (rc == DB_ROW) {
		err_field(e, "code", "is taken");
		return err_set(e, ERR_DUPLICATE, "store code %s is taken", code);
	}
	return 0;
}

int store_create(struct db *db, struct arena *a, const struct actor *who,
		 const struct store_input *in, struct store **out, struct err *e)
{
	static const char sql[] =
		"INSERT INTO stores (code, name, channel, region, city, address, active, "
		"allow_negative_stock, cash_rounding, created_at, updated_at) "
		"VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?) RETURNING id";
	check_input(in, 1, e);
	if (err_fields_done(e))
		return e->code;
	int64_t now = ts_now_ms();
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	if (code_taken(db, in->code, 0, e) < 0)
		goto fail;
	struct db_stmt *st = db_query(db, e, sql, "ttttttiiii", in->code, in->name,
		in->channel, in->region, in->city, in->address,
		(int64_t)(in->allow_negative_stock > 0),
		in->cash_rounding ? in->cash_rounding : 1, now, now);
	if (!st || db_step(st, e) != DB_ROW)
		goto fail;
	int64_t id = db_col_int64(st, 0);
	db_reset(st);
	struct store *s;
	if (store_get(db, a, id, &s, e) < 0)
		goto fail;
	json_t *after = store_to_json(s);
	rc = audit_commit(db, who, "create", "store", id, id, NULL, after, e);
	if (rc < 0)
		goto fail;
	*out = s;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

int store_update(struct db *db, struct arena *a, const struct actor *who,
		 int64_t id, const struct store_input *in, struct store **out,
		 struct err *e)
{
	static const char sql[] =
		"UPDATE stores SET code = ?, name = ?, channel = ?, region = ?, city = ?, "
		"address = ?, active = ?, allow_negative_stock = ?, cash_rounding = ?, "
		"updated_at = ? WHERE id = ?";
	check_input(in, 0, e);
	if (err_fields_done(e))
		return e->code;
	int rc = db_begin(db, 1, e);
	if (rc < 0)
		return rc;
	struct store *old, *s;
	if (store_get(db, a, id, &old, e) < 0)
		goto fail;
	if (in->set_code && code_taken(db, in->code, id, e) < 0)
		goto fail;
	struct db_stmt *st = db_query(db, e, sql, "ttttttiiiii",
		in->set_code ? in->code : old->code, in->set_name ? in->name : old->name,
		in->set_channel ? in->channel : old->channel,
		in->set_region ? in->region : old->region, in->set_city ? in->city : old->city,
		in->set_address ? in->address : old->address,
		(int64_t)(in->active >= 0 ? in->active : old->active),
		(int64_t)(in->allow_negative_stock >= 0 ? in->allow_negative_stock
							: old->allow_negative_stock),
		in->cash_rounding ? in->cash_rounding : old->cash_rounding, ts_now_ms(), id);
	if (!st || db_run(st, e) < 0)
		goto fail;
	if (store_get(db, a, id, &s, e) < 0)
		goto fail;
	json_t *before = store_to_json(old), *after = store_to_json(s);
	rc = audit_commit(db, who, "update", "store", id, id, before, after, e);
	if (rc < 0)
		goto fail;
	*out = s;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}
