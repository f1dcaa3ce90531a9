/* recognition.c: giving, listing and removing recognitions (see
 * recognition.h); who sees a recognition is who sees its person. */
#include "domain/staff/recognition.h"

#include <string.h>

#include "base/jx.h"
#include "base/text.h"
#include "db/page.h"
#include "domain/org/audit.h"
#include "domain/staff/staff_scope.h"
#include "domain/staff/training.h"

const char *const recognition_badges[] = {"top_seller",   "customer_star", "team_player",
					  "fast_learner", "service_hero",  "milestone",
					  NULL};

#define RECOG_COLS                                                             \
	"r.id, r.user_id, u.display_name, r.store_id, r.badge, r.note, r.given_by," \
	" g.display_name, r.at"
#define RECOG_FROM                                                             \
	" FROM recognitions r JOIN users u ON u.id = r.user_id"                   \
	" LEFT JOIN users g ON g.id = r.given_by"

static int64_t me_of(const struct actor *who)
{
	return who && who->user ? who->user->id : 0;
}

json_t *recognition_to_json(const struct recognition *r)
{
	return json_pack("{s:I,s:I,s:s,s:o,s:s,s:s,s:I,s:o,s:o}", "id", (json_int_t)r->id,
			 "user_id", (json_int_t)r->user_id, "user_name", r->user_name,
			 "store_id", r->store_id ? json_integer(r->store_id) : json_null(),
			 "badge", r->badge, "note", r->note, "given_by",
			 (json_int_t)r->given_by, "given_by_name", jx_strn(r->given_by_name),
			 "at", jx_time(r->at));
}

static struct recognition *recognition_from_row(struct db_stmt *st, struct arena *a)
{
	struct recognition *r = arena_calloc(a, 1, sizeof *r);

	r->id = db_col_int64(st, 0);
	r->user_id = db_col_int64(st, 1);
	r->user_name = arena_strdup(a, db_col_text(st, 2));
	r->store_id = db_col_int64(st, 3);
	r->badge = arena_strdup(a, db_col_text(st, 4));
	r->note = arena_strdup(a, db_col_text(st, 5));
	r->given_by = db_col_int64(st, 6);
	r->given_by_name = arena_strdup(a, db_col_text(st, 7));
	r->at = db_col_int64(st, 8);
	return r;
}

static json_t *recognition_audit_json(const struct recognition *r)
{
	return json_pack("{s:I,s:I,s:s}", "id", (json_int_t)r->id, "user_id",
			 (json_int_t)r->user_id, "badge", r->badge);
}

static const char SQL_RECOG_GET[] = "SELECT " RECOG_COLS RECOG_FROM " WHERE r.id = ?";

static int recognition_read(struct db *db, struct arena *a, int64_t id,
			    struct recognition **out, struct err *e)
{
	struct db_stmt *st = db_query(db, e, SQL_RECOG_GET, "i", id);
	int rc;

	if ((rc = db_get_row(st, "recognition", id, e)) < 0)
		return rc;
	*out = recognition_from_row(st, a);
	db_reset(st);
	return 0;
}

static const char SQL_PERSON_STORE[] =
	"SELECT MIN(store_id) FROM user_stores us WHERE us.user_id = ?"
	" AND (? = 0 OR us.store_id IN (SELECT store_id FROM user_stores WHERE user_id = ?))";
static const char SQL_ACTIVE[] = "SELECT 1 FROM users WHERE id = ? AND active = 1";
static const char SQL_RECOG_INSERT[] =
	"INSERT INTO recognitions (user_id, store_id, badge, note, given_by, at)"
	" VALUES (?, ?, ?, ?, ?, ?) RETURNING id";

int recognition_give(struct db *db, struct arena *a, const struct actor *who, int64_t user_id,
		     const char *badge, const char *note, int64_t now, struct recognition **out,
		     struct err *e)
{
	int64_t me = me_of(who), store_id = 0, id;
	int64_t bound = who && who->user && (who->user->role & ROLE_STORE_BOUND) ? me : 0;
	int ok = 0, rc;

	for (int i = 0; badge && recognition_badges[i]; i++)
		ok |= strcmp(badge, recognition_badges[i]) == 0;
	if (!ok)
		err_field(e, "badge", "must be one of: top_seller, customer_star, team_player,"
				      " fast_learner, service_hero, milestone");
	text_check(e, "note", note, 1, RECOGNITION_NOTE_MAX);
	if (user_id <= 0)
		err_field(e, "user_id", "is required");
	if ((rc = err_fields_done(e)) < 0)
		return rc;
	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = staff_person_seen(db, who, user_id, e)) < 0)
		goto fail;
	if (rc && (rc = db_exists(db_query(db, e, SQL_ACTIVE, "i", user_id), e)) < 0)
		goto fail;
	if (!rc) {
		err_field(e, "user_id", "user %lld does not exist", (long long)user_id);
		rc = err_fields_done(e);
		goto fail;
	}
	if ((rc = db_int(db_query(db, e, SQL_PERSON_STORE, "iii", user_id, bound, bound),
			 &store_id, e)) < 0)
		goto fail;
	if ((rc = db_int(db_query(db, e, SQL_RECOG_INSERT, "iIttii", user_id, store_id, badge,
				  note, me, now),
			 &id, e)) <= 0)
		goto fail;
	if ((rc = recognition_read(db, a, id, out, e)) < 0)
		goto fail;
	if ((rc = audit_commit(db, who, "create", "recognition", id, store_id, NULL,
			       recognition_audit_json(*out), e)) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}

int recognition_list(struct db *db, struct arena *a, const struct actor *who,
		     const struct recognition_filter *f, struct recognition ***out, int *n,
		     int *more, struct err *e)
{
	static const char sql[] =
		"SELECT " RECOG_COLS RECOG_FROM " WHERE (? = 0 OR r.id < ?)"
		" AND (? = 0 OR r.user_id = ?)"
		" AND (? = 0 OR EXISTS (SELECT 1 FROM user_stores x WHERE x.user_id = r.user_id"
		" AND x.store_id = ?)) AND" TRAINING_SEEN("r.user_id") " ORDER BY r.id DESC LIMIT ?";
	int64_t mode = training_scope_mode(who), me = me_of(who);
	struct page pg;
	int rc;

	if (f->user_id) {
		if ((rc = staff_person_seen(db, who, f->user_id, e)) < 0)
			return rc;
		if (!rc)
			return err_set(e, ERR_NOT_FOUND, "no user %lld", (long long)f->user_id);
	}
	page_init(&pg, a, f->limit, sizeof(struct recognition *));
	struct db_stmt *st = db_query(db, e, sql, "iiiiiiiiiii", f->before_id, f->before_id,
				      f->user_id, f->user_id, f->store_id, f->store_id, mode, me,
				      mode, me, page_fetch(&pg));
	if (!st)
		return db_fail(e);
	while ((rc = page_step(&pg, st, e)) == DB_ROW)
		*(struct recognition **)page_add(&pg) = recognition_from_row(st, a);
	if ((rc = page_end(&pg, st, rc)) < 0)
		return rc;
	*out = pg.rows;
	*n = pg.n;
	*more = pg.more;
	return 0;
}

static const char SQL_RECOG_DELETE[] = "DELETE FROM recognitions WHERE id = ?";

int recognition_delete(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		       struct err *e)
{
	struct recognition *r;
	int rc;

	if ((rc = db_begin(db, 1, e)) < 0)
		return rc;
	if ((rc = recognition_read(db, a, id, &r, e)) < 0)
		goto fail;
	if ((rc = staff_person_seen(db, who, r->user_id, e)) < 0)
		goto fail;
	if (!rc) {
		rc = err_set(e, ERR_NOT_FOUND, "no recognition %lld", (long long)id);
		goto fail;
	}
	if (who && who->user && who->user->role != ROLE_ADMIN && r->given_by != who->user->id) {
		rc = err_set(e, ERR_FORBIDDEN, "only its giver or an admin removes a recognition");
		goto fail;
	}
	if ((rc = db_run(db_query(db, e, SQL_RECOG_DELETE, "i", id), e)) < 0)
		goto fail;
	if ((rc = audit_commit(db, who, "delete", "recognition", id, r->store_id,
			       recognition_audit_json(r), NULL, e)) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return db_fail(e);
}
