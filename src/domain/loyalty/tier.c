/* tier.c: tiers, the upgrade inside a sale and the nightly downgrade (see
 * tier.h). */
#include "domain/loyalty/tier.h"

#include <stdlib.h>
#include <string.h>

#include "base/jx.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "domain/loyalty/points.h"
#include "domain/org/audit.h"

#define TIER_COLS \
	"id, code, name, min_spend, discount_bp, points_multiplier_bp, active, created_at, " \
	"updated_at"

static json_t *tier_row_json(struct db_stmt *st)
{
	return json_pack("{s:I,s:s,s:s,s:I,s:I,s:I,s:b,s:o,s:o}", "id",
			 (json_int_t)db_col_int64(st, 0), "code", db_col_text(st, 1), "name",
			 db_col_text(st, 2), "min_spend", (json_int_t)db_col_int64(st, 3),
			 "discount_bp", (json_int_t)db_col_int64(st, 4), "points_multiplier_bp",
			 (json_int_t)db_col_int64(st, 5), "active", (int)db_col_int64(st, 6),
			 "created_at", jx_time(db_col_int64(st, 7)), "updated_at",
			 jx_time(db_col_int64(st, 8)));
}

int tier_list(struct db *db, json_t **out, struct err *e)
{
	static const char sql[] = "SELECT " TIER_COLS " FROM tiers ORDER BY min_spend, id";
	struct db_stmt *st = db_query(db, e, sql, "");
	if (!st)
		return db_fail(e);
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(items, tier_row_json(st));
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		return db_fail(e);
	}
	*out = items;
	return 0;
}

static int tier_json(struct db *db, int64_t id, json_t **out, struct err *e)
{
	static const char sql[] = "SELECT " TIER_COLS " FROM tiers WHERE id = ?";
	struct db_stmt *st = db_query(db, e, sql, "i", id);
	int rc = db_get_row(st, "tier", id, e);
	if (rc < 0)
		return rc;
	*out = tier_row_json(st);
	db_reset(st);
	return 0;
}

static void field_text(struct err *e, const char *f, const char *v, size_t max)
{
	if (!v || text_blank(v, strlen(v)))
		err_field(e, f, "is required");
	else if (utf8_chars(v) > max)
		err_field(e, f, "must be at most %zu characters", max);
}

static void tier_check(const struct tier_input *in, struct err *e)
{
	if (in->has_code)
		field_text(e, "code", in->code, 32);
	if (in->has_name)
		field_text(e, "name", in->name, 100);
	if (in->has_min_spend && (in->min_spend < 0 || in->min_spend > 1000000000000000LL))
		err_field(e, "min_spend", "must be 0 or more");
	if (in->has_discount_bp && (in->discount_bp < 0 || in->discount_bp > 10000))
		err_field(e, "discount_bp", "must be between 0 and 10000");
	if (in->has_multiplier &&
	    (in->points_multiplier_bp < 0 || in->points_multiplier_bp > 100000))
		err_field(e, "points_multiplier_bp", "must be between 0 and 100000");
}

/* A duplicate code becomes a field error. */
static int dup_code(int rc, struct err *e)
{
	if (rc != ERR_DUPLICATE)
		return rc;
	err_init(e);
	err_field(e, "code", "another tier has this code");
	return err_set(e, ERR_DUPLICATE, "another tier has this code");
}

int tier_create(struct db *db, const struct actor *who, const struct tier_input *in,
		json_t **out, struct err *e)
{
	static const char sql[] =
		"INSERT INTO tiers (code, name, min_spend, discount_bp, points_multiplier_bp, active, "
		"created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
	if (!in->has_code)
		err_field(e, "code", "is required");
	if (!in->has_name)
		err_field(e, "name", "is required");
	if (!in->has_min_spend)
		err_field(e, "min_spend", "is required");
	tier_check(in, e);
	int rc = err_fields_done(e);
	if (rc < 0 || (rc = db_begin(db, 1, e)) < 0)
		return rc;
	int64_t now = ts_now_ms(), id;
	rc = db_int(db_query(db, e, sql, "ttiiiiii", in->code, in->name, in->min_spend,
			     in->has_discount_bp ? in->discount_bp : 0,
			     in->has_multiplier ? in->points_multiplier_bp : 10000,
			     (int64_t)(in->has_active ? in->active : 1), now, now),
		    &id, e);
	if (rc < 0) {
		rc = dup_code(rc, e);
		goto fail;
	}
	json_t *o;
	if ((rc = tier_json(db, id, &o, e)) < 0)
		goto fail;
	if ((rc = audit_commit(db, who, "create", "tier", id, 0, NULL, json_deep_copy(o), e)) < 0) {
		json_decref(o);
		goto fail;
	}
	*out = o;
	return 0;
fail:
	db_rollback(db);
	return rc;
}

int tier_update(struct db *db, const struct actor *who, int64_t id, const struct tier_input *in,
		json_t **out, struct err *e)
{
	static const char sql[] =
		"UPDATE tiers SET code = CASE WHEN ? = 1 THEN ? ELSE code END, "
		"name = CASE WHEN ? = 1 THEN ? ELSE name END, "
		"min_spend = CASE WHEN ? = 1 THEN ? ELSE min_spend END, "
		"discount_bp = CASE WHEN ? = 1 THEN ? ELSE discount_bp END, "
		"points_multiplier_bp = CASE WHEN ? = 1 THEN ? ELSE points_multiplier_bp END, "
		"active = CASE WHEN ? = 1 THEN ? ELSE active END, updated_at = ? WHERE id = ?";
	tier_check(in, e);
	int rc = err_fields_done(e);
	if (rc < 0 || (rc = db_begin(db, 1, e)) < 0)
		return rc;
	json_t *before = NULL, *after = NULL;
	if ((rc = tier_json(db, id, &before, e)) < 0)
		goto fail;
	struct db_stmt *st = db_query(
		db, e, sql, "itititititiiii", (int64_t)in->has_code, in->code,
		(int64_t)in->has_name, in->name, (int64_t)in->has_min_spend, in->min_spend,
		(int64_t)in->has_discount_bp, in->discount_bp, (int64_t)in->has_multiplier,
		in->points_multiplier_bp, (int64_t)in->has_active, (int64_t)in->active,
		ts_now_ms(), id);
	if (!st || (rc = db_run(st, e)) < 0) {
		rc = dup_code(db_fail(e), e);
		goto fail;
	}
	if ((rc = tier_json(db, id, &after, e)) < 0)
		goto fail;
	json_t *copy = json_deep_copy(after);
	rc = audit_commit(db, who, "update", "tier", id, 0, before, copy, e);
	before = NULL;
	if (rc < 0)
		goto fail;
	*out = after;
	return 0;
fail:
	json_decref(before);
	json_decref(after);
	db_rollback(db);
	return rc;
}

/* Reads the tier of st (id, min_spend, discount_bp, points_multiplier_bp,
 * active) without texts. */
static void tier_read(struct db_stmt *st, struct tier *t)
{
	*t = (struct tier){.id = db_col_int64(st, 0), .min_spend = db_col_int64(st, 1),
			   .discount_bp = db_col_int64(st, 2),
			   .points_multiplier_bp = db_col_int64(st, 3),
			   .active = db_col_int64(st, 4) != 0};
}

#define TIER_NUM_COLS "id, min_spend, discount_bp, points_multiplier_bp, active"

/* One tier row of st (a query of TIER_NUM_COLS) into *out, *found. */
static int tier_one(struct db_stmt *st, struct tier *out, int *found, struct err *e)
{
	int rc;
	*found = 0;
	if (!st || (rc = db_step(st, e)) < 0)
		return db_fail(e);
	if (rc == DB_ROW) {
		tier_read(st, out);
		*found = 1;
	}
	db_reset(st);
	return 0;
}

int tier_effective(struct db *db, int64_t tier_id, struct tier *out, int *found, struct err *e)
{
	static const char sql_id[] =
		"SELECT " TIER_NUM_COLS " FROM tiers WHERE id = ? AND active = 1";
	static const char sql_low[] =
		"SELECT " TIER_NUM_COLS " FROM tiers WHERE active = 1 ORDER BY min_spend, id LIMIT 1";
	int rc;
	if (tier_id && ((rc = tier_one(db_query(db, e, sql_id, "i", tier_id), out, found, e)) < 0 ||
			*found))
		return rc < 0 ? rc : 0;
	return tier_one(db_query(db, e, sql_low, ""), out, found, e);
}

/* The active tier the spend reaches (the highest min_spend <= spend). */
static int tier_for_spend(struct db *db, int64_t spend, struct tier *out, int *found,
			  struct err *e)
{
	static const char sql[] =
		"SELECT " TIER_NUM_COLS " FROM tiers WHERE active = 1 AND min_spend <= ? "
		"ORDER BY min_spend DESC, id DESC LIMIT 1";
	return tier_one(db_query(db, e, sql, "i", spend), out, found, e);
}

int tier_spend(struct db *db, int64_t customer_id, int64_t now, int64_t *spend, struct err *e)
{
	static const char sql[] =
		"SELECT COALESCE(SUM(paid - refunded_total), 0) FROM sales "
		"WHERE customer_id = ? AND at > ? AND at <= ? AND status <> 'voided'";
	int rc = db_int(db_query(db, e, sql, "iii", customer_id, now - TIER_WINDOW_MS, now), spend,
			e);
	return rc < 0 ? db_fail(e) : 0;
}

/* Moves the customer to `to` (0: no tier) with a history row. */
static int tier_move(struct db *db, int64_t customer_id, int64_t from, int64_t to, int64_t now,
		     const char *reason, int64_t sale_id, int64_t spend, struct err *e)
{
	static const char sql_upd[] = "UPDATE customers SET tier_id = ?, tier_since = ? WHERE id = ?";
	static const char sql_hist[] =
		"INSERT INTO customer_tier_history (customer_id, from_tier_id, to_tier_id, at, "
		"reason, sale_id, spend_12m) VALUES (?, ?, ?, ?, ?, ?, ?)";
	struct db_stmt *st = db_query(db, e, sql_upd, "Iii", to, now, customer_id);
	if (!st || db_run(st, e) < 0)
		return db_fail(e);
	st = db_query(db, e, sql_hist, "iIIitIi", customer_id, from, to, now, reason, sale_id,
		      spend);
	return !st || db_run(st, e) < 0 ? db_fail(e) : 0;
}

static int customer_tier_id(struct db *db, int64_t customer_id, int64_t *tier_id, struct err *e)
{
	static const char sql[] = "SELECT tier_id FROM customers WHERE id = ?";
	return db_int(db_query(db, e, sql, "i", customer_id), tier_id, e) < 0 ? db_fail(e) : 0;
}

int tier_upgrade_after_sale(struct db *db, int64_t customer_id, int64_t sale_id, int64_t now,
			    struct err *e)
{
	int64_t tier_id = 0, spend = 0;
	struct tier cur, to;
	int has_cur, has_to, rc;
	if ((rc = customer_tier_id(db, customer_id, &tier_id, e)) < 0 ||
	    (rc = tier_effective(db, tier_id, &cur, &has_cur, e)) < 0 ||
	    (rc = tier_spend(db, customer_id, now, &spend, e)) < 0 ||
	    (rc = tier_for_spend(db, spend, &to, &has_to, e)) < 0)
		return rc;
	if (!has_to || (has_cur && to.min_spend <= cur.min_spend) || to.id == tier_id)
		return 0;
	return tier_move(db, customer_id, tier_id, to.id, now, "upgrade", sale_id, spend, e);
}

int tier_downgrade_run(struct db *db, int64_t now, int64_t *moved, struct err *e)
{
	static const char sql_list[] =
		"SELECT id, tier_id FROM customers WHERE tier_id IS NOT NULL AND id > ? "
		"ORDER BY id LIMIT 500";
	static const char sql_tier[] =
		"SELECT " TIER_NUM_COLS " FROM tiers WHERE id = ?";
	int64_t after = 0, n_moved = 0;
	for (;;) {
		struct db_stmt *st = db_query(db, e, sql_list, "i", after);
		if (!st)
			return db_fail(e);
		int64_t (*cs)[2] = xcalloc(500, sizeof *cs);
		int n = 0, rc;
		while (n < 500 && (rc = db_step(st, e)) == DB_ROW) {
			cs[n][0] = db_col_int64(st, 0);
			cs[n][1] = db_col_int64(st, 1);
			n++;
		}
		db_reset(st);
		if (rc < 0) {
			free(cs);
			return db_fail(e);
		}
		for (int i = 0; i < n; i++) {
			int64_t cid = cs[i][0], spend = 0, tid = 0;
			struct tier cur, to;
			int has_cur, has_to;
			after = cid;
			if ((rc = db_begin(db, 1, e)) < 0)
				break;
			/* Lock the customer and re-read: a sale may have moved it. */
			struct loyalty_account acc;
			if ((rc = loyalty_account_lock(db, cid, &acc, e)) < 0 ||
			    (rc = customer_tier_id(db, cid, &tid, e)) < 0 ||
			    (tid && ((rc = tier_one(db_query(db, e, sql_tier, "i", tid), &cur,
						    &has_cur, e)) < 0)) ||
			    (rc = tier_spend(db, cid, now, &spend, e)) < 0 ||
			    (rc = tier_for_spend(db, spend, &to, &has_to, e)) < 0) {
				db_rollback(db);
				if (rc != ERR_NOT_FOUND)
					break;
				err_init(e); /* merged away meanwhile */
				rc = 0;
				continue;
			}
			int down = tid && (!has_cur || !cur.active ||
					   !has_to || to.min_spend < cur.min_spend);
			if (down && has_to && to.id == tid)
				down = 0;
			if (down && ((rc = tier_move(db, cid, tid, has_to ? to.id : 0, now,
						     "downgrade", 0, spend, e)) < 0)) {
				db_rollback(db);
				break;
			}
			if ((rc = db_commit(db, e)) < 0)
				break;
			n_moved += down;
			rc = 0;
		}
		free(cs);
		if (rc < 0)
			return db_fail(e);
		if (n < 500)
			break;
	}
	if (moved)
		*moved = n_moved;
	return 0;
}

int tier_history_page(struct db *db, int64_t customer_id, int64_t before_id, int limit,
		      json_t **out, int *more, int64_t *last_id, struct err *e)
{
	static const char sql[] =
		"SELECT h.id, h.from_tier_id, f.code, h.to_tier_id, t.code, h.at, h.reason, "
		"h.sale_id, h.spend_12m FROM customer_tier_history h "
		"LEFT JOIN tiers f ON f.id = h.from_tier_id LEFT JOIN tiers t ON t.id = h.to_tier_id "
		"WHERE h.customer_id = ? AND h.id < ? ORDER BY h.id DESC LIMIT ?";
	struct db_stmt *st = db_query(db, e, sql, "iii", customer_id,
				      before_id > 0 ? before_id : INT64_MAX, (int64_t)limit + 1);
	if (!st)
		return db_fail(e);
	json_t *items = json_array();
	int rc;
	*more = 0;
	*last_id = 0;
	while ((rc = db_step(st, e)) == DB_ROW) {
		if ((int)json_array_size(items) == limit) {
			*more = 1;
			break;
		}
		*last_id = db_col_int64(st, 0);
		json_t *o = json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:s,s:o,s:I}", "id",
				      (json_int_t)*last_id, "from_tier_id",
				      db_col_null(st, 1) ? json_null() : json_integer(db_col_int64(st, 1)),
				      "from_tier", jx_strn(db_col_text(st, 2)), "to_tier_id",
				      db_col_null(st, 3) ? json_null() : json_integer(db_col_int64(st, 3)),
				      "to_tier", jx_strn(db_col_text(st, 4)), "at",
				      jx_time(db_col_int64(st, 5)), "reason", db_col_text(st, 6),
				      "sale_id",
				      db_col_null(st, 7) ? json_null() : json_integer(db_col_int64(st, 7)),
				      "spend_12m", (json_int_t)db_col_int64(st, 8));
		json_array_append_new(items, o);
	}
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		return db_fail(e);
	}
	*out = items;
	return 0;
}
